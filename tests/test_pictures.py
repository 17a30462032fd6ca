"""The pictures: --plot's loss curve and distance, and the step --step shows, against values
worked out by hand.

For the lecture's data the mean loss is (14/3) (w - 2)^2. A curve picture spans w from
bottom - half to bottom + half, half the largest distance of a mark from the curve's bottom,
in 59 columns, and the loss from its lowest value to its value at the ends in 14 rows; so w
sits in column round((w - left) / (2 half) * 58), and on this curve in row
round(13 (1 - ((w - 2) / half)^2)), counted from the top.
"""

import math
import re

import pytest
from conftest import LECTURE_FACTOR, cells, grid, per_sample_factor, picture

import gradient_descent as gd

CURVE = "mean loss over w"
DISTANCE = "log10 of the distance"


def cell(w, centre=2.0, half=1.0):
    return round(13 * (1 - ((w - centre) / half) ** 2)), round(
        (w - (centre - half)) / (2 * half) * 58
    )


def notes(lines):
    """The notes under a picture (or under its title, if it drew nothing), joined into one text:
    long ones are wrapped at 72."""
    start = next((i + 2 for i, line in enumerate(lines) if line.startswith(" " * 10 + "+")), 1)
    return " ".join(lines[start:])


def epochs_hidden(lines):
    """{shown char: the epochs named under it} from the notes under a curve picture."""
    found = re.findall(r"epochs under the (\S+(?: of epoch \d+)?): (\d+(?:, \d+)*)", notes(lines))
    return {char: [int(e) for e in epochs.split(", ")] for char, epochs in found}


def line_with(lines, start):
    return next(line for line in lines if line.startswith(start))


# --- --plot: the loss curve -------------------------------------------------


def test_the_lecture_run_slides_down_the_left_side_of_the_bowl(run):
    result = run("--plot")
    rows = grid(picture(result.out, CURVE))
    assert cells(rows, "S") == [cell(1.0)]
    for epoch in range(10):
        assert cells(rows, str(epoch)) == [cell(2 - LECTURE_FACTOR ** (epoch + 1))]
    assert rows[13][29] == "."  # the bottom, w = 2, where the loss is 0
    assert rows[0][0] == "S" and rows[0][58] == "."  # the ends, w = 1 and 3, at the top
    lines = picture(result.out, CURVE)
    assert lines[14] == "        0 |" + rows[13].rstrip()
    assert lines[1].startswith("     4.67 |")  # (14/3) * 1^2
    assert lines[16].split() == ["w", "1", "2", "3"]
    assert epochs_hidden(lines) == {}  # every epoch has a cell of its own


def test_the_plot_comes_after_the_lecture_output_unchanged(run):
    from conftest import TRANSCRIPT

    assert run("--plot").out.startswith(TRANSCRIPT)


def test_a_zig_zag_run_alternates_sides_of_the_minimum(run):
    # full batch at lr 0.2: each epoch multiplies w - 2 by 1 - 0.4 * 14/3 = -13/15
    rows = grid(picture(run("--batch", "--lr", 0.2, "--plot").out, CURVE))
    for epoch in range(10):
        w = 2 - (-13 / 15) ** (epoch + 1)
        assert cells(rows, str(epoch)) == [cell(w)]
        assert (cell(w)[1] - 29) * (1 if epoch % 2 == 0 else -1) > 0  # right of 2 after 0, 2, 4 ...


def test_the_epochs_drawn_under_another_mark_are_named(run):
    # per sample at lr 0.1 each epoch multiplies w - 2 by 0.8 * 0.2 * -0.8 = -0.128: epoch 0 ends
    # at 2.128; from epoch 1 on |w - 2| <= 0.128^2 = 0.0164, under half a column (1/58), so
    # epochs 1 to 9 all fall in the cell of w = 2, and the 1, drawn last, shows
    lines = picture(run("--lr", 0.1, "--plot").out, CURVE)
    rows = grid(lines)
    assert cells(rows, "0") == [cell(2.128)]
    assert cells(rows, "1") == [(13, 29)]
    assert epochs_hidden(lines) == {"1": [2, 3, 4, 5, 6, 7, 8, 9]}


def test_epochs_that_end_in_the_same_place_are_named_under_the_first(run):
    # x = 1, 2, 3 and y = 2, 4, 6.5 at lr 0.1: w -> -0.128 w + 2.556, which settles at 2.26596;
    # epoch 0 ends at 2.428, epoch 1 at 2.2452 and epoch 2 at 2.2686: the picture spans
    # 2.10714 -+ 1.10714 (from the start at 1), so a column is 2.2143 / 58 = 0.038 wide and
    # epochs 1 and 2 share one; 1, drawn last, shows
    lines = picture(
        run("--data", "1,2 2,4 3,6.5", "--lr", 0.1, "--epochs", 3, "--plot", "--quiet").out, CURVE
    )
    assert epochs_hidden(lines) == {"1": [2]}
    assert "o = the least-squares w, 2.10714, where the mean loss is lowest" in lines


def test_later_epochs_are_stars_where_the_closed_form_puts_them(run):
    # lr 0.001: each epoch multiplies w - 2 by 0.998 * 0.992 * 0.982; 30 epochs, all kept
    factor = per_sample_factor(0.001)
    lines = picture(run("--lr", 0.001, "--epochs", 30, "--plot").out, CURVE)
    rows = grid(lines)
    digits = {cell(1.0)} | {cell(2 - factor ** (k + 1)) for k in range(10)}
    stars = {cell(2 - factor ** (k + 1)) for k in range(10, 30)}
    assert set(cells(rows, "*")) == stars - digits
    # drawn stars first, from the last epoch down, then the digits from 9 down, then S: in each
    # cell the last one drawn shows, and the epochs drawn there before it are named
    drawn = {}
    for epoch in range(29, -1, -1):
        drawn.setdefault(cell(2 - factor ** (epoch + 1)), []).append(
            ("*" if epoch >= 10 else str(epoch), epoch)
        )
    drawn.setdefault(cell(1.0), []).append(("S", None))
    expected = {}
    for there in drawn.values():
        if len(there) > 1:
            expected[there[-1][0] if there[-1][0] != "*" else f"* of epoch {there[-1][1]}"] = (
                sorted(e for _, e in there[:-1])
            )
    assert epochs_hidden(lines) == expected


def test_a_star_over_others_is_named_by_its_epoch(run):
    # lr 0.1 for 30 epochs: epochs 1 to 29 all end within a column of 2; the 1 shows
    lines = picture(run("--lr", 0.1, "--epochs", 30, "--plot", "--quiet").out, CURVE)
    assert epochs_hidden(lines) == {"1": list(range(2, 30))}


def test_a_long_run_keeps_evenly_spread_epochs_and_the_last(run):
    # 1830 epochs: every 2**k-th one, at most 58 of them (1830 // 58 = 31, so every 32nd), and 1829
    lines = picture(run("--lr", 0.001, "--epochs", 1830, "--plot", "--quiet").out, DISTANCE)
    assert lines[16].split() == ["epoch", "0", "914.5", "1829"]  # the middle: 1829 / 2


def test_a_start_at_the_minimum_draws_s_over_every_epoch(run):
    # w = 2 never moves (every gradient is 0); the picture spans 2 -+ 1
    lines = picture(run("--w", 2, "--plot").out, CURVE)
    rows = grid(lines)
    assert cells(rows, "S") == [(13, 29)]
    assert epochs_hidden(lines) == {"S": list(range(10))}


def test_a_run_that_diverges_shows_no_curve_past_the_largest_float_but_its_climb(run):
    result = run("--lr", 1, "--epochs", 1000, "--plot", "--quiet")
    assert result.status == 1
    assert "(no picture: its numbers do not fit in a float)" in result.out.splitlines()
    lines = picture(result.out, DISTANCE)
    rows = grid(lines)
    stars = sorted(cells(rows, "*"), key=lambda rc: rc[1])
    assert stars[0] == (13, 0) and stars[-1][0] == 0  # from the bottom left up to the top
    assert all(b[0] <= a[0] for a, b in zip(stars, stars[1:]))  # never going down
    # epochs 0 to 73 ran; log10 of the distance rises by log10 119 = 2.0755 an epoch
    slope = read_slope(lines)
    assert slope == pytest.approx(math.log10(119), abs=0.05)


# --- --plot: the distance, on a log scale -------------------------------------


def read_slope(lines):
    """The slope of the stars' line, read off the picture: from the labels of the top and bottom
    rows and of the ends of the axis, and the cells of the first and last star."""
    rows = grid(lines)
    top, bottom = float(lines[1].split("|")[0]), float(lines[14].split("|")[0])
    first_epoch, last_epoch = float(lines[16].split()[1]), float(lines[16].split()[-1])
    stars = sorted(cells(rows, "*"), key=lambda rc: rc[1])
    (r0, c0), (r1, c1) = stars[0], stars[-1]
    height = lambda r: top - r / 13 * (top - bottom)
    epoch = lambda c: first_epoch + c / 58 * (last_epoch - first_epoch)
    return (height(r1) - height(r0)) / (epoch(c1) - epoch(c0))


@pytest.mark.parametrize(
    "lr, factor",
    [(0.01, 0.98 * 0.92 * 0.82), (0.1, 0.8 * 0.2 * -0.8), (0.25, 0.5 * -1.0 * -3.5)],
)
def test_the_distance_falls_or_climbs_on_a_line_of_slope_log10_f(run, lr, factor):
    lines = picture(run("--lr", lr, "--plot", "--quiet").out, DISTANCE)
    assert lines[0] == "log10 of the distance from w to 2 after each epoch"
    assert read_slope(lines) == pytest.approx(math.log10(abs(factor)), abs=0.02)
    stated = float(notes(lines).split("log10 |F| = ")[1].split()[0])
    assert stated == pytest.approx(math.log10(abs(factor)), abs=0.001)
    # the start is 1 from 2, so epoch e ends |F|^(e + 1) from it: the top row is the first
    # epoch's when the distance shrinks, the tenth's when it grows
    highest = max(math.log10(abs(factor)), 10 * math.log10(abs(factor)))
    assert float(lines[1].split("|")[0]) == pytest.approx(highest, abs=0.01)
    # a falling line flattens where the distance nears rounding; a climbing one does not
    assert ("rounding" in notes(lines)) == (abs(factor) < 1)


def test_a_factor_of_minus_1_is_a_flat_line_with_no_rounding_to_reach(run):
    # x = 1, full batch at lr 1: F = 1 - 2 = -1, so w flips between 1 and 3, 1 from 2
    lines = picture(run("--data", "1,2", "--batch", "--lr", 1, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines) == (
        "each epoch multiplies the distance by F = -1, so on this scale the epochs lie on a line "
        "of slope log10 |F| = 0"
    )
    assert lines[-2] == "each epoch multiplies the distance by F = -1, so on this scale the"


def test_epochs_that_end_exactly_where_w_settles_are_named(run):
    # at lr 0.5 the x = 1 step lands on 2 exactly, and there every gradient is 0: F = 0
    lines = picture(run("--lr", 0.5, "--plot", "--quiet").out, DISTANCE)
    assert "epochs that end exactly there, at distance 0: 0, 1, 2, 3, 4, 5, 6, 7, 8, 9" in notes(
        lines
    )
    assert lines[-1] == "each epoch multiplies the distance by F = 0: after one epoch, w is there"


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--lr", 0.1],
        ["--lr", 0.3],
        ["--lr", 1, "--epochs", 1000],
        ["--batch", "--lr", 0.2],
        ["--epochs", 0],
        ["--w", 2, "--lr", 3],
        ["--w", -5, "--epochs", 100],
        ["--w", 1e150],
        ["--lr", 0.0001, "--epochs", 3000],
        ["--data", "1e-150,1 1e150,1", "--lr", 1e-300],
        ["--data", "1,1e150 2,3"],
        ["--lr", 0.21, "--epochs", 200],
        ["--lr", 0.1, "--epochs", 104],  # a note that would be 73 wide, wrapped at 72
        ["--data", "1,2", "--batch", "--lr", 1],  # and another
    ],
)
def test_every_picture_fits_72_columns_in_plain_ascii(run, args):
    result = run("--plot", "--quiet", *args)
    assert "Traceback" not in result.err
    lines = result.out.splitlines()
    lines = lines[
        next(
            i
            for i, line in enumerate(lines)
            if line.startswith(("mean loss over w", "(no picture"))
        ) :
    ]
    assert all(len(line) <= 72 and line.isascii() for line in lines), lines


# --- --step: the loss this step goes down, and its tangent ----------------------


def test_the_tangent_drawn_at_w_has_the_gradient_as_its_slope(run):
    # the first step: sample (1, 2), w = 1, grad = 2 * 1 * (1 - 2) = -2, and at lr 0.01 the
    # step lands on 1.02. The sample's loss (w - 2)^2 is lowest at 2; the farthest mark is w = 1,
    # so the picture spans 1 to 3, and the loss 0 to 1: the tangent 1 - 2 (v - 1) falls from
    # row 0 in column 0 to row 13 in column round(0.5 / 2 * 58) = 14.5
    lines = picture(
        run("--step", "--epochs", 1, stdin="\n" * 3).out, "loss of the sample (1.0, 2.0)"
    )
    rows = grid(lines)
    tangent = sorted(cells(rows, "\\"), key=lambda rc: rc[1])
    (r0, c0), (r1, c1) = tangent[0], tangent[-1]
    slope = -((r1 - r0) / 13 * 1.0) / ((c1 - c0) / 58 * 2.0)  # (loss per row) / (w per column)
    resolution = (1 / 13) / ((c1 - c0) / 58 * 2.0)  # a row's rounding, over the run between them
    assert slope == pytest.approx(-2, abs=2 * resolution)
    assert cells(rows, "W") == [(0, 0)]
    assert cells(rows, "N") == [(round(13 * (1 - 0.98**2)), round(0.02 / 2 * 58))]
    measured = float(line_with(lines, "measured slope: ").split(" = ")[1].split(",")[0])
    assert measured == pytest.approx(-2, rel=1e-9)
    assert (
        line_with(lines, "measured slope: ")
        == "measured slope: (loss(w + h) - loss(w - h)) / 2h = -2, h = 0.001"
    )


@pytest.mark.parametrize("w, lr", [(1.0, 0.01), (3.0, 0.05), (-4.0, 0.02), (2.5, 0.2)])
def test_the_measured_slope_is_the_gradient_for_each_sample(run, w, lr):
    # each sample's loss (x w - y)^2 has the slope 2 x (x w - y): the first step of each epoch
    # is on sample (1, 2); a quadratic's central difference is its slope, up to rounding
    result = run("--step", "--w", w, "--lr", lr, "--epochs", 1, stdin="1\n")
    measured = [
        float(line.split(" = ")[1].split(",")[0])
        for line in result.out.splitlines()
        if line.startswith("measured slope")
    ]
    assert measured[0] == pytest.approx(2 * 1 * (w - 2), rel=1e-6)


def test_a_full_batch_step_shows_the_mean_loss_and_its_slope(run):
    # the mean loss (14/3)(w - 2)^2 has slope (28/3)(w - 2): -9.333 at w = 1
    lines = picture(run("--step", "--batch", "--epochs", 1, stdin="\n").out, "mean loss over w")
    assert float(line_with(lines, "measured slope").split(" = ")[1].split(",")[0]) == pytest.approx(
        -28 / 3, rel=1e-5
    )
    assert cells(grid(lines), "W") == [(0, 0)]


def test_a_step_on_a_sample_with_x_0_is_flat_and_goes_nowhere(run):
    result = run("--step", "--data", "0,5 1,2", "--epochs", 1, stdin="\n\n")
    lines = picture(result.out, "loss of the sample (0.0, 5.0)")
    rows = grid(lines)  # the loss 25 at every w: the curve, its tangent and W all on one row
    assert cells(rows, "W") == [(0, 29)] and set("".join(rows[1:])) == {" "}
    assert float(line_with(lines, "measured slope").split(" = ")[1].split(",")[0]) == 0


@pytest.mark.parametrize("epochs", [1, 2, 59, 60, 118, 1000, 4097])
def test_each_epoch_in_the_distance_picture_has_a_column_of_its_own(run, epochs):
    # at lr 0.0001 the distance shrinks slowly and never reaches 0: every marked epoch shows
    lines = picture(run("--lr", 0.0001, "--epochs", epochs, "--plot", "--quiet").out, DISTANCE)
    columns = [column for _, column in cells(grid(lines), "*")]
    assert len(columns) == len(set(columns))  # one star to a column
    assert 0 in columns  # the first epoch
    assert (gd.WIDTH - 1 if epochs > 1 else 0) in columns  # and the last
    assert lines[lines.index(" " * 10 + "+" + "-" * gd.WIDTH) + 1].split()[-1] == str(
        max(epochs - 1, 1)
    )  # the axis ends at the last epoch


def marked_epochs(monkeypatch, *args):
    """The (epoch, w) pairs --plot hands to its pictures."""
    handed = []
    monkeypatch.setattr(gd, "pictures", lambda start, marks, *rest: handed.append(marks) or [])
    gd.main(["--plot", "--quiet", *map(str, args)])
    return handed[0]


@pytest.mark.parametrize("epochs", [1, 58, 59, 60, 117, 118, 1830, 5000])
def test_plot_keeps_the_multiples_of_a_power_of_2_and_the_last_epoch(monkeypatch, epochs):
    # the smallest power of 2 that leaves at most 58 multiples before the last epoch
    every = 1
    while (epochs - 1) // every >= 58:
        every *= 2
    expected = sorted(set(range(0, epochs, every)) | {epochs - 1})
    marks = marked_epochs(monkeypatch, "--lr", 0.0001, "--epochs", epochs)
    assert [epoch for epoch, _ in marks] == expected
    assert len(marks) <= 59


def test_the_least_squares_w_is_marked_o_at_the_middle_of_the_curve(run):
    # data off every line through 0: the curve is centred on the least-squares w, 2.10714
    lines = picture(run("--data", "1,2 2,4 3,6.5", "--plot", "--quiet").out, CURVE)
    assert cells(grid(lines), "o") == [(13, 29)]


def test_the_last_epoch_has_the_last_column_of_the_distance_picture(run):
    # lr 0.0001, 1000 epochs: every 16th is marked, and 999; 992 and 999 both round to the
    # last column, where 999 is drawn: its distance F^1000, F = 0.9998 * 0.9992 * 0.9982
    lines = picture(run("--lr", 0.0001, "--epochs", 1000, "--plot", "--quiet").out, DISTANCE)
    factor = 0.9998 * 0.9992 * 0.9982
    assert lines[14].split("|")[0].strip() == format(1000 * math.log10(factor), ".3g")
    assert cells(grid(lines), "*")[-1] == (13, 58)


@pytest.mark.parametrize(
    "args, ticks",
    [
        # a start at the lowest point: no distance to show, so 1 either side of it, or a
        # millionth of w, as 1 would be lost in rounding at 1e150; whole numbers in full up to
        # 15 digits
        (["--data", "1,0", "--w", 0], ["-1", "0", "1"]),
        (["--data", "1,5e14", "--w", 5e14], ["499999500000000", "500000000000000", "500000500000000"]),
        (["--data", "1,1e15", "--w", 1e15], ["9.99999e+14", "1e+15", "1.000001e+15"]),
        (["--data", "1,1e150", "--w", 1e150], ["9.99999e+149", "1e+150", "1.000001e+150"]),
        # a start 1.3456e16 from the lowest point, 1e16: three digits tell the ends apart
        (["--data", "1,1e16", "--w", 2.3456e16], ["-3.46e+15", "1e+16", "2.35e+16"]),
    ],
)  # fmt: skip
def test_a_curves_window_and_the_digits_of_its_ticks(run, args, ticks):
    lines = picture(run(*args, "--plot", "--quiet").out, CURVE)
    assert lines[16].split()[1:] == ticks  # whole numbers in full below 1e15 only


@pytest.mark.parametrize(
    "w, slant",
    [
        (2.25, "/"),  # x = 1: the gradient 2 * (2.25 - 2) = 0.5, uphill to the right
        (3, "/"),  # the gradient 2
        (1, "\\"),  # the gradient -2
    ],
)
def test_the_tangent_leans_with_the_sign_of_the_gradient(run, w, slant):
    lines = picture(run("--step", "--w", w, "--epochs", 1, stdin="q\n").out, "loss of the sample")
    assert cells(grid(lines), slant)
    assert all(len(row) == gd.WIDTH for row in grid(lines))  # one character to a cell
    assert not cells(grid(lines), "/\\".replace(slant, ""))


def test_a_flat_loss_has_a_flat_tangent(run):
    # the sample (0, 1) has loss 1 whatever w is: the gradient 0, the tangent level, "-"
    lines = picture(run("--data", "0,1 1,2", "--step", "--epochs", 1, stdin="q\n").out, "loss of")
    assert cells(grid(lines), "-") and not cells(grid(lines), "/") and not cells(grid(lines), "\\")


@pytest.mark.parametrize(
    "args",
    [
        ["--epochs", 0],  # no epochs
        ["--data", "1,2 1,3", "--lr", 1, "--epochs", 3],  # each epoch adds 2 to w: F = 1
    ],
)
def test_without_epochs_or_a_point_where_w_settles_there_is_no_distance_picture(run, args):
    out = run("--plot", "--quiet", *args).out
    assert out.endswith("\n(no distance picture: no epochs, or no float where an epoch leaves w)\n")
    assert "log10 of the distance" not in out
