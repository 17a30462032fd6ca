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
import sys
from fractions import Fraction

import pytest
from conftest import LECTURE_FACTOR, axis, cells, grid, labels, per_sample_factor, picture

import gradient_descent as gd

CURVE = "mean loss over w"
DISTANCE = "log10 |w - "


def cell(w, centre=2.0, half=1.0):
    return round(13 * (1 - ((w - centre) / half) ** 2)), round(
        (w - (centre - half)) / (2 * half) * 58
    )


def notes(lines):
    """The notes under a picture (or under its title, if it drew nothing), joined into one text:
    long ones are wrapped at 72."""
    start = next((i + 2 for i, line in enumerate(lines) if line.startswith(" " * 10 + "+")), 1)
    return " ".join(lines[start:])


def epochs_named(words):
    """The epochs a note names: "epochs 2 to 4, 7 and 9" -> [2, 3, 4, 7, 9]."""
    named = []
    for part in re.split(r", | and ", words.split("epoch", 1)[1].lstrip("s ")):
        first, _, last = part.partition(" to ")
        named += range(int(first), int(last or first) + 1)
    return named


def epochs_hidden(lines):
    """{shown char: the epochs named under it} from the notes under a curve picture."""
    found = {}
    for line in lines:
        if line.startswith("under the "):
            found[line[10]] = epochs_named(line.split(": ", 1)[1])
    return found


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


def test_the_last_epoch_is_a_star_where_the_closed_form_puts_it(run):
    # lr 0.001: each epoch multiplies w - 2 by 0.998 * 0.992 * 0.982; of 30 epochs the first ten
    # are digits and the last, 29, a star; none further than the start, so the picture spans 1 to 3
    factor = per_sample_factor(0.001)
    lines = picture(run("--lr", 0.001, "--epochs", 30, "--plot").out, CURVE)
    assert lines[0] == "mean loss over w: S = start, 0-9 = after that epoch, * = after 29"
    drawn = {}  # drawn from the last epoch down, then S: in each cell the last drawn shows
    for epoch in [29, *range(9, -1, -1)]:
        drawn.setdefault(cell(2 - factor ** (epoch + 1)), []).append(epoch)
    drawn.setdefault(cell(1.0), []).append("S")
    rows = grid(lines)
    expected = {}
    for where, there in drawn.items():
        shown = there[-1] if there[-1] == "S" else "*" if there[-1] > 9 else str(there[-1])
        assert rows[where[0]][where[1]] == shown
        if len(there) > 1:
            expected[shown] = sorted(e for e in there[:-1] if e != "S")
    assert epochs_hidden(lines) == expected
    assert cells(rows, "*") == ([cell(2 - factor**30)] if cell(2 - factor**30) not in
                                [cell(2 - factor ** (e + 1)) for e in range(10)] else [])  # fmt: skip


def test_a_star_under_digits_is_named_with_them(run):
    # lr 0.1 for 30 epochs: epochs 1 to 9 and the last, 29, all end within a column of 2; the 1,
    # drawn last, shows
    lines = picture(run("--lr", 0.1, "--epochs", 30, "--plot", "--quiet").out, CURVE)
    assert epochs_hidden(lines) == {"1": [*range(2, 10), 29]}
    assert "under the 1: epochs 2 to 9 and 29" in lines


def test_a_long_run_keeps_evenly_spread_epochs_and_the_last(run):
    # 1830 epochs: every 2**k-th one, at most 58 of them (1830 // 58 = 31, so every 32nd), and 1829
    lines = picture(run("--lr", 0.001, "--epochs", 1830, "--plot", "--quiet").out, DISTANCE)
    assert axis(lines) == ["epoch", "0", "914.5", "1829"]  # the middle: 1829 / 2


def test_a_run_that_diverges_draws_its_first_climbs_and_names_the_rest(run):
    # lr 1: each epoch multiplies w - 2 by -119, from -1: after epoch 0 w = 121, after epoch 1
    # 2 - 14161. The picture reaches 10 times as far as epoch 1 (the start is only 1 away), so
    # epochs 2 on, 119^3 = 1.7e6 away and more, lie beyond it; it spans 2 -+ 14161, which puts
    # epoch 1 in the top left corner, and S and epoch 0 (less than half a column from 2) in the
    # middle of the bottom row, where S, drawn last, shows
    result = run("--lr", 1, "--epochs", 1000, "--plot", "--quiet")
    assert result.status == 1
    lines = picture(result.out, CURVE)
    rows = grid(lines)
    assert cells(rows, "1") == [(0, 0)] and cells(rows, "S") == [(13, 29)]
    assert 121 - 2 < 0.5 * 2 * 14161 / 58  # (epoch 0 is in the middle column)
    assert epochs_hidden(lines) == {"S": [0]}
    assert "farther out, off the picture: epochs 2 to 9 and 73" in lines
    # and the distance climbs, log10 119 = 2.0755 an epoch, on alternate sides: w - 2 =
    # -(-119)^(e + 1), above 2 after even epochs. Past 58 epochs every 2nd is kept (0, 2, ..., 72)
    # and the last, 73: all + but the last, so the sentence does not say "alternate sides"
    lines = picture(result.out, DISTANCE)
    marks = sorted(cells(grid(lines), "+") + cells(grid(lines), "-"), key=lambda rc: rc[1])
    assert all(b[0] <= a[0] for a, b in zip(marks, marks[1:]))  # never going down
    assert len(cells(grid(lines), "+")) == 37 and cells(grid(lines), "-") == [marks[-1]]
    assert notes(lines).endswith("the marks go up 2.08 an epoch (log10 |F|)")
    # the scale runs from 154 (73 epochs: 74 log10 119 = 153.6, rounded up) down to -16, 170 / 12
    # = 14.2 a row: half a row at each end over 73 epochs. Epoch 0, 119 away, is in row
    # round((154 - 2.08) / 14.2) = round(10.7) = 11, one above the bottom's label
    assert labels(lines)[0] == "154" and labels(lines)[12] == "-16"
    assert read_slope(lines) == pytest.approx(math.log10(119), abs=170 / 12 / 73)
    assert marks[0] == (11, 0)


@pytest.mark.parametrize("lr, epochs", [(0.25, 1000), (0.21, 10)])
def test_a_run_that_diverges_marks_epochs_0_and_1_on_the_curve(run, lr, epochs):
    # lr 0.25: F = 0.5 * -1 * -3.5 = 1.75, so epoch 1 is 1.75^2 = 3.06 from 2 and the picture
    # reaches 30.6: epochs 0 to 5 (1.75^6 = 28.7) are drawn; lr 0.21: F = 1.1, all ten
    lines = picture(run("--lr", lr, "--epochs", epochs, "--plot", "--quiet").out, CURVE)
    rows = grid(lines)
    assert cells(rows, "0") and cells(rows, "1")
    factor = per_sample_factor(lr)
    drawn = [e for e in range(10) if abs(factor) ** (e + 1) <= 10 * max(1, factor**2)]
    for e in range(10):
        assert bool(cells(rows, str(e))) == (e in drawn) or e in epochs_hidden(lines).get("S", [])


@pytest.mark.parametrize(
    "lr, epochs, off",
    [
        # x = 1, full batch: F = 1 - 2 lr. At lr 2.1, F = -3.2: epoch 1 ends 3.2^2 = 10.24 from
        # 2, so the picture reaches 102.4; epoch 2, 32.8 away, is on it, epoch 3, 3.2^4 = 104.9
        # away, is not
        (2.1, 10, "farther out, off the picture: epochs 3 to 9"),
        # at lr 10.5, F = -20 and one epoch: the picture reaches 10 times as far as the start,
        # 1 from 2, and epoch 0 ends 20 away
        (10.5, 1, "farther out, off the picture: epoch 0"),
        # at lr 5.5, F = -10: epoch 2 ends 1000 from 2, exactly 10 times as far as epoch 1,
        # 100 away: on the picture, at its right end
        (5.5, 3, None),
    ],
)
def test_the_curve_reaches_10_times_as_far_as_the_start_or_epoch_1(run, lr, epochs, off):
    args = ["--data", "1,2", "--batch", "--lr", lr, "--epochs", epochs, "--plot", "--quiet"]
    lines = picture(run(*args).out, CURVE)
    assert [line for line in lines if line.startswith("farther out")] == [off] * bool(off)
    if not off:
        assert cells(grid(lines), "2") == [(0, 58)]


def test_an_epoch_whose_mean_loss_does_not_fit_is_named_off_the_curve(run):
    # x = 1e100, then x = 1, both y = 0, at lr 1e-150: the first step multiplies w by
    # 1 - 2e50, the second by 1 - 2e-150, so epoch 0 ends at -2e50 and epoch 1 at 4e100. The
    # run goes on, as the last sample's loss, (4e100)^2, fits; the mean loss at 4e100,
    # ((1e100 * 4e100)^2 + (4e100)^2) / 2, does not: epoch 1 is named, and the curve is drawn
    # out to 2e50, where the mean loss is (1e100 * 2e50)^2 / 2 = 2e300
    args = ["--data", "1e100,0 1,0", "--lr", 1e-150, "--epochs", 2, "--plot", "--quiet"]
    lines = picture(run(*args).out, CURVE)
    assert "farther out, off the picture: epoch 1" in lines
    assert axis(lines) == ["w", "-2e+50", "0", "2e+50"] and labels(lines)[0] == "2e+300"


@pytest.mark.parametrize(
    "epochs, title",
    [
        (10, "mean loss over w: S = start, 0-9 = after that epoch"),
        (11, "mean loss over w: S = start, 0-9 = after that epoch, * = after 10"),
    ],
)
def test_an_eleventh_epoch_is_the_first_last_one_drawn_as_a_star(run, epochs, title):
    # lr 0.001: each epoch multiplies w - 2 by 0.998 * 0.992 * 0.982 = 0.9722, so epoch 9 ends
    # at 2 - 0.9722^10 = 1.2457 (column 7) and epoch 10 at 2 - 0.9722^11 = 1.2667 (column 8)
    factor = per_sample_factor(0.001)
    lines = picture(run("--lr", 0.001, "--epochs", epochs, "--plot", "--quiet").out, CURVE)
    assert lines[0] == title
    assert cells(grid(lines), "*") == [cell(2 - factor**11)] * (epochs == 11)
    assert cells(grid(lines), "9") == [cell(2 - factor**10)]


def test_the_curve_has_a_point_in_every_column_of_a_wider_window(run):
    # from w = 5 every epoch multiplies w - 2 by 0.739, so the run stays within 3 of 2 and the
    # curve spans -1 to 5: column j is w = -1 + 6j / 58, on (14/3) (w - 2)^2 in row
    # round(13 (1 - ((w - 2) / 3)^2)) = round(13 (1 - ((j - 29) / 29)^2)) (a mark may cover it)
    rows = grid(picture(run("--w", 5, "--plot", "--quiet").out, CURVE))
    for j in range(gd.WIDTH):
        assert rows[round(13 * (1 - ((j - 29) / 29) ** 2))][j] != " ", j


# --- --plot: the distance, on a log scale -------------------------------------


def read_slope(lines):
    """The slope of the marks' line, read off the picture: from the labels of the rows (row 0 is
    `top`, row 12 `bottom`, and row 13, the = row, one below it) and of the axis, and the cells of
    the first and last mark."""
    rows, names = grid(lines), labels(lines)
    top, bottom = float(names[0]), float(names[12])
    first_epoch, last_epoch = float(axis(lines)[1]), float(axis(lines)[-1])
    marks = sorted(cells(rows, "+") + cells(rows, "-"), key=lambda rc: rc[1])
    (r0, c0), (r1, c1) = marks[0], marks[-1]
    height = lambda r: top - r / 12 * (top - bottom)
    epoch = lambda c: first_epoch + c / 58 * (last_epoch - first_epoch)
    return (height(r1) - height(r0)) / (epoch(c1) - epoch(c0))


@pytest.mark.parametrize(
    "lr, factor",
    [(0.01, 0.98 * 0.92 * 0.82), (0.1, 0.8 * 0.2 * -0.8), (0.25, 0.5 * -1.0 * -3.5)],
)
def test_the_distance_falls_or_climbs_on_a_line_of_slope_log10_f(run, lr, factor):
    lines = picture(run("--lr", lr, "--plot", "--quiet").out, DISTANCE)
    assert lines[0] == "log10 |w - 2| after each epoch: + w above it, - below, = on it"
    slope = math.log10(abs(factor))
    assert read_slope(lines) == pytest.approx(slope, abs=0.15 if abs(slope) < 0.5 else 0.05)
    stated = float(notes(lines).split(" an epoch (log10 |F|)")[0].split()[-1])
    assert stated == pytest.approx(abs(slope), abs=0.001)
    # the scale: from the start's distance, 1 (log 0), or the farthest epoch's when it grows,
    # 10 log10 |F|, rounded up, down to -16: floats next to 2 are 2.2e-16 below it or more
    assert labels(lines)[0] == str(math.ceil(max(0, 10 * slope)))
    assert labels(lines)[12] == "-16" and math.ulp(2.0) / 2 == 2.0**-52 > 1e-16
    # the side of each epoch: w - 2 = -F^(e + 1), + above 2 and - below
    rows = grid(lines)
    for e in range(10):
        column = round(e / 9 * 58)
        sides = [row[column] for row in rows if row[column] in "+-"]
        assert sides == ["+" if -(factor ** (e + 1)) > 0 else "-"]


@pytest.mark.parametrize(
    "data, bottom",
    [
        # the scale ends at half an ULP of where w settles, the least a float other than it can
        # be from it, rounded down: for 1, 2**-53 = 1.1e-16; for 4, 2**-51 = 4.4e-16; for 16,
        # 2**-49 = 1.8e-15
        ("1,1", "-16"),
        ("1,4", "-16"),
        ("1,16", "-15"),
    ],
)
def test_the_distance_scale_ends_at_half_an_ulp_of_where_w_settles(run, data, bottom):
    lines = picture(run("--data", data, "--plot", "--quiet").out, DISTANCE)
    assert labels(lines)[12] == bottom


@pytest.mark.parametrize("epochs, every", [(58, 1), (59, 2)])
def test_the_distance_picture_marks_every_epoch_that_fits_or_every_other(run, epochs, every):
    # the smallest power of 2 that leaves at most 58 epochs before the last: of 0 to 57 every
    # one, of 0 to 58 every other. Epoch e is in column round(e / last * 58); at lr 0.0001 w
    # creeps up to 2 from below, so each is a -
    last = epochs - 1
    lines = picture(run("--lr", 0.0001, "--epochs", epochs, "--plot", "--quiet").out, DISTANCE)
    columns = sorted(column for _, column in cells(grid(lines), "-"))
    assert columns == [round(e / last * 58) for e in range(0, epochs, every)]


def test_each_distance_mark_sits_in_the_row_of_its_log(run):
    # lr 0.108: F = 0.784 * 0.136 * -0.944 = -0.1007, so after epoch e |w - 2| = |F|^(e + 1):
    # on the scale from 0 (row 0) to -16 (row 12), in row round(-(e + 1) log10 |F| / 16 * 12);
    # epoch 9's, at -9.97, in row round(7.48) = 7
    factor = abs(per_sample_factor(0.108))
    rows = grid(picture(run("--lr", 0.108, "--plot", "--quiet").out, DISTANCE))
    for e in range(10):
        row = round(-(e + 1) * math.log10(factor) / 16 * 12)
        assert rows[row][round(e / 9 * 58)] in "+-", e


def test_runs_at_other_rates_share_the_scale_and_the_faster_one_ends_lower(run):
    # the same data, start and epochs: from 1 away (log 0) down to rounding (-16) for each rate.
    # After 10 epochs the distance is |F|^10: lr 0.001 barely moves, lr 0.01 ends at
    # 10 log10 0.739 = -1.31, lr 0.1 at 10 log10 0.128 = -8.9
    last_row = {}
    for lr in (0.001, 0.01, 0.1):
        lines = picture(run("--lr", lr, "--plot", "--quiet").out, DISTANCE)
        assert (labels(lines)[0], labels(lines)[12]) == ("0", "-16")
        rows = grid(lines)
        last_row[lr] = next(r for r, row in enumerate(rows) if row[58] in "+-")
        assert last_row[lr] == round(-10 * math.log10(abs(per_sample_factor(lr))) / 16 * 12)
    assert last_row[0.001] < last_row[0.01] < last_row[0.1]


def test_the_sentence_says_from_which_epoch_rounding_keeps_w_still(run):
    # lecture data at lr 0.01: the distance shrinks by 0.739 an epoch until w stops changing,
    # w after epoch 115 and every later epoch being the same float, 1.9999999999999993
    ws = []
    gd.train(epochs=300, on_epoch=lambda epoch, w, l, grad: ws.append(w))
    moved = max(e for e in range(1, 300) if ws[e] != ws[e - 1])
    assert (moved, ws[-1]) == (115, 1.9999999999999993)
    lines = picture(run("--epochs", 1000, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines).endswith("; from epoch 115 on, rounding keeps w at 1.9999999999999993")


@pytest.mark.parametrize(
    "lr, sentence",
    [
        # F = 0.5 * -1 * -3.5 = 1.75, log10 1.75 = 0.243; F = 0.739312, log10 = -0.131;
        # F = 0.8 * 0.2 * -0.8 = -0.128, log10 0.128 = -0.893
        (0.25, "F = 1.75: the marks go up 0.243 an epoch (log10 |F|)"),
        (0.01, "F = 0.739: the marks go down 0.131 an epoch (log10 |F|)"),
        (0.1, "F = -0.128: the marks go down 0.893 an epoch (log10 |F|), on alternate sides"),
    ],
)
def test_the_sentence_says_which_way_the_marks_go_and_how_fast(run, lr, sentence):
    lines = picture(run("--lr", lr, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines) == "each epoch multiplies the distance by " + sentence


def lecture_ends(lr, epochs, w=1.0, samples=((1.0, 2.0), (2.0, 4.0), (3.0, 6.0))):
    """w after each epoch of the lecture's loop, written out here."""
    ends = []
    for _ in range(epochs):
        for x, y in samples:
            w = w - lr * (2 * x * (x * w - y))
        ends.append(w)
    return ends


def test_the_w_that_rounding_keeps_is_the_last_epochs_not_the_last_marked_before_it(run):
    # lr 0.01, 117 epochs: w stops changing in epoch 115; of epochs 58 to 116 every other one
    # is marked, and the last, so the last mark before 116 is 114, where w still moved
    ends = lecture_ends(0.01, 117)
    assert max(e for e in range(1, 117) if ends[e] != ends[e - 1]) == 115
    assert ends[114] != ends[116] == 1.9999999999999993
    lines = picture(run("--epochs", 117, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines).endswith("; from epoch 115 on, rounding keeps w at 1.9999999999999993")


def test_a_w_that_rounds_onto_where_it_settles_is_not_said_to_be_kept_off_it(run):
    # x = 1, y = 1, full batch at lr 0.25: each epoch halves w - 1, exactly in floats, from 128
    # to 2**-52 after epoch 58 (the float after 1); epoch 59 halves that to a tie between 1 and
    # that float, which rounds to 1, the even one. Of epochs 58 to 60 only 58 and 60 are marked:
    # the last two marks differ, but the last is exactly where w settles
    ends = lecture_ends(0.25, 61, 129.0, [(1.0, 1.0)])
    assert ends[58:] == [1 + 2**-52, 1.0, 1.0]
    args = ["--data", "1,1", "--batch", "--lr", 0.25, "--w", 129, "--epochs", 61]
    lines = picture(run(*args, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines) == (
        "each epoch multiplies the distance by F = 0.5: the marks go down 0.301 an epoch "
        "(log10 |F|)"
    )
    assert cells(grid(lines), "=") == [(13, 58)]


def test_a_factor_of_minus_1_is_a_flat_line_on_alternate_sides(run):
    # x = 1, full batch at lr 1: F = 1 - 2 = -1, so w flips between 1 and 3, 1 from 2
    lines = picture(run("--data", "1,2", "--batch", "--lr", 1, "--plot", "--quiet").out, DISTANCE)
    assert notes(lines) == (
        "each epoch multiplies the distance by F = -1: the marks lie level, on alternate sides"
    )
    rows = grid(lines)
    assert [row for row in rows if row.strip()] == [rows[0]]  # all on the row of log 0
    assert rows[0].replace(" ", "") == "+-" * 5  # epoch 0 ends at 3, above 2


def test_epochs_that_end_exactly_where_w_settles_are_drawn_below_the_scale(run):
    # at lr 0.5 the x = 1 step lands on 2 exactly, and there every gradient is 0: F = 0
    lines = picture(run("--lr", 0.5, "--plot", "--quiet").out, DISTANCE)
    rows = grid(lines)
    assert sorted(cells(rows, "=")) == [(13, round(e / 9 * 58)) for e in range(10)]
    assert lines[-1] == "each epoch multiplies the distance by F = 0: after one epoch, w is there"


@pytest.mark.parametrize("lr, factor", [(0.01, "0.739"), (0.5, "0")])
def test_a_start_where_w_settles_stays_there_on_the_equals_row(run, lr, factor):
    # from w = 2 every gradient is 0, so w never moves: every epoch an =, and no + or - to climb
    # or fall; the scale is the least it can be, from -15 down to -16 (2**-53 = 1.1e-16)
    result = run("--w", 2, "--lr", lr, "--plot", "--quiet")
    lines = picture(result.out, DISTANCE)
    rows = grid(lines)
    assert sorted(cells(rows, "=")) == [(13, round(e / 9 * 58)) for e in range(10)]
    assert not cells(rows, "+") and not cells(rows, "-")
    assert (labels(lines)[0], labels(lines)[12]) == ("-15", "-16")
    assert notes(lines) == (
        "each epoch multiplies the distance by F = %s: w starts there and stays" % factor
    )
    assert (result.status, result.err) == (0, "")


def test_a_start_where_w_settles_that_rounding_moves_once_is_not_said_to_stay(run):
    # x = 1, 1 and y = 4.1, -0.3 at lr 0.2: the steps are w -> (1 - 0.4) w + 0.4 y, so an epoch
    # takes w to 0.36 w + 0.864, which settles at 1.35; exactly, for the floats typed, at a
    # number whose nearest float is 1.3499999999999999. From there the steps, in floats, land
    # one float higher, at 1.35, and stay: w moved in epoch 0, and only then
    f, g = [1 - 2 * Fraction(0.2)] * 2, [2 * Fraction(0.2) * Fraction(y) for y in (4.1, -0.3)]
    start = float((f[1] * g[0] + g[1]) / (1 - f[0] * f[1]))
    assert start == 1.3499999999999999
    w, ends = start, []
    for _ in range(2):
        for y in (4.1, -0.3):
            w = w - 0.2 * (2 * (w - y))
        ends.append(w)
    assert ends == [1.35, 1.35]
    args = ["--data", "1,4.1 1,-0.3", "--lr", 0.2, "--w", start, "--plot", "--quiet"]
    assert notes(picture(run(*args).out, DISTANCE)) == (
        "each epoch multiplies the distance by F = 0.36: the marks go down 0.444 an epoch "
        "(log10 |F|); from epoch 0 on, rounding keeps w at 1.35"
    )


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


def test_the_axis_labels_stand_under_the_first_middle_and_last_cells(run):
    # 100 epochs: the axis runs from epoch 0 to 99, its middle 49.5. The cells are columns 11
    # to 69 of a line (the bar and the + in column 10); the axis's name ends in column 8, as
    # the row labels do, the left end starts under the first cell, the right end ends under
    # the last, and the middle one starts len // 2 = 2 columns left of the middle cell, 40
    lines = picture(run("--epochs", 100, "--plot", "--quiet").out, DISTANCE)
    line = lines[lines.index(" " * 10 + "+" + "-" * gd.WIDTH) + 1]
    assert line == "    epoch  0" + " " * 26 + "49.5" + " " * 26 + "99"
    assert (line.index("49.5"), len(line)) == (40 - 2, 11 + gd.WIDTH)


# --- --step: the loss this step goes down, and its tangent ----------------------


def test_the_tangent_drawn_at_w_has_the_gradient_as_its_slope(run):
    # the first step: sample (1, 2), w = 1, grad = 2 * 1 * (1 - 2) = -2, and at lr 0.01 the
    # step lands on 1.02. The run's window: each epoch multiplies w - 2 by 0.739, so every w it
    # visits is within 1 of 2: the picture spans 1 to 3, and this sample's loss (w - 2)^2 goes
    # from 0 to 1: the tangent 1 - 2 (v - 1) falls from row 0 in column 0 to row 13 in column
    # round(0.5 / 2 * 58) = 14.5. The measured slope uses h = sqrt(loss / x^2) = |w - 2| = 1
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
        == "measured slope: (loss(w + h) - loss(w - h)) / 2h = -2, h = 1"
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


@pytest.mark.parametrize(
    "args, line",
    [
        # h = sqrt(loss / x^2) = |w - 2|, the distance to the bottom, here 0.5; the slope of
        # (w - 2)^2 at 2.5 is 1
        (["--w", 2.5], "measured slope: (loss(w + h) - loss(w - h)) / 2h = 1, h = 0.5"),
        # a sample with x = 0 has a flat loss, 25 at every w, which rises nowhere: h is |w|, or
        # 1 if that is less
        (["--data", "0,5 1,2", "--w", 3], "measured slope: (loss(w + h) - loss(w - h)) / 2h = 0, h = 3"),
        (["--data", "0,5 1,2", "--w", 0.5], "measured slope: (loss(w + h) - loss(w - h)) / 2h = 0, h = 1"),
        # with --batch the mean loss, (14/3) (w - 2)^2: h = sqrt((14/3) / (14/3)) = 1, and the
        # slope at 1 is (14/3) * 2 * (1 - 2) = -9.33333
        (["--batch"], "measured slope: (loss(w + h) - loss(w - h)) / 2h = -9.33333, h = 1"),
    ],
)  # fmt: skip
def test_the_slope_is_measured_over_the_distance_to_the_bottom_or_w(run, args, line):
    out = run("--step", *args, "--epochs", 1, stdin="q\n").out
    assert line_with(out.splitlines(), "measured slope") == line


def test_h_is_halved_until_the_loss_either_side_fits(run):
    # x = 3, y = 6 from w = 4.469e153: h starts at |w - 2|, the distance to the bottom; the loss
    # at w + h fits in a float only while 3 (w + h) - 6 stays below sqrt(largest float), that is
    # while 1 + h / (w - 2) < sqrt(largest float) / (3w - 6) = 1.00006: halved 15 times
    w = 4.469e153
    room = math.sqrt(sys.float_info.max) / (3 * w - 6)
    halvings = next(k for k in range(60) if 1 + 2.0**-k < room)
    assert halvings == 15
    out = run("--step", "--data", "3,6", "--w", w, "--epochs", 1, stdin="q\n").out
    slope = out.split("measured slope: ")[1].split("\n\t")[0]  # (wrapped at 72, before h)
    assert slope.endswith(" h =\n%.3g" % ((w - 2) / 2**halvings))


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
    # the loss 25 at every w: the curve, its tangent and W all on one row, W at the left end of
    # the run's window, 2 -+ 1 (the steps with x = 1 multiply w - 2 by 0.98)
    rows = grid(lines)
    assert cells(rows, "W") == [(0, 0)] and set("".join(rows[1:])) == {" "}
    assert float(line_with(lines, "measured slope").split(" = ")[1].split(",")[0]) == 0


@pytest.mark.parametrize("epochs", [1, 2, 59, 60, 118, 1000, 4097])
def test_each_epoch_in_the_distance_picture_has_a_column_of_its_own(run, epochs):
    # at lr 0.0001 the distance shrinks slowly and never reaches 0: every marked epoch shows
    lines = picture(run("--lr", 0.0001, "--epochs", epochs, "--plot", "--quiet").out, DISTANCE)
    columns = [column for _, column in cells(grid(lines), "-")]  # (w stays below 2)
    assert len(columns) == len(set(columns))  # one mark to a column
    assert 0 in columns  # the first epoch
    assert (gd.WIDTH - 1 if epochs > 1 else 0) in columns  # and the last
    assert axis(lines)[-1] == str(max(epochs - 1, 1))  # the axis ends at the last epoch


def marked_epochs(monkeypatch, *args):
    """The (epoch, w) pairs --plot hands to its pictures."""
    handed = []
    monkeypatch.setattr(gd, "pictures", lambda start, marks, *rest: handed.append(marks) or [])
    gd.main(["--plot", "--quiet", *map(str, args)])
    return handed[0]


@pytest.mark.parametrize("epochs", [1, 58, 59, 60, 117, 118, 1830, 5000])
def test_plot_keeps_the_multiples_of_a_power_of_2_and_the_last_epoch(monkeypatch, epochs):
    # the smallest power of 2 that leaves at most 58 multiples before the last epoch, and the
    # first ten epochs, which the curve draws as digits
    every = 1
    while (epochs - 1) // every >= 58:
        every *= 2
    expected = sorted(set(range(0, epochs, every)) | {epochs - 1} | set(range(min(10, epochs))))
    marks = marked_epochs(monkeypatch, "--lr", 0.0001, "--epochs", epochs)
    assert [epoch for epoch, _ in marks] == expected
    assert len(marks) <= 59 + 9


def test_the_least_squares_w_is_marked_o_at_the_middle_of_the_curve(run):
    # data off every line through 0: the curve is centred on the least-squares w, 2.10714
    lines = picture(run("--data", "1,2 2,4 3,6.5", "--plot", "--quiet").out, CURVE)
    assert cells(grid(lines), "o") == [(13, 29)]


def test_the_last_epoch_has_the_last_column_of_the_distance_picture(run):
    # lr 0.0001, 1000 epochs: every 16th is marked, and 999; 992 and 999 both round to the
    # last column, where 999 is drawn: its distance F^1000, F = 0.9998 * 0.9992 * 0.9982, is
    # 10^-1.22, on the scale from 0 down to -16 (12 rows) in row round(1.22 / 16 * 12) = 1
    lines = picture(run("--lr", 0.0001, "--epochs", 1000, "--plot", "--quiet").out, DISTANCE)
    factor = 0.9998 * 0.9992 * 0.9982
    assert round(-1000 * math.log10(factor) / 16 * 12) == 1
    assert max(cells(grid(lines), "-"), key=lambda rc: rc[1]) == (1, 58)


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
    "args, why",
    [
        (["--epochs", 0], "no epoch ended"),
        # lr 1e100: the loss passes the largest float in epoch 0's second step, and that epoch
        # never ends
        (["--lr", 1e100, "--epochs", 2], "no epoch ended"),
        # x = 1 twice at lr 1: each step takes w to 2y - w, so an epoch adds 2 * 3 - 2 * 2 = 2
        # to w (F = 1): no w stays
        (
            ["--data", "1,2 1,3", "--lr", 1, "--epochs", 3],
            "no float w is left in place by an epoch",
        ),
        # after a single epoch too: epoch 0 ended, so the reason is not that none did
        (
            ["--data", "1,2 1,3", "--lr", 1, "--epochs", 1],
            "no float w is left in place by an epoch",
        ),
    ],
)
def test_without_epochs_or_a_point_where_w_settles_there_is_no_distance_picture(run, args, why):
    out = run("--plot", "--quiet", *args).out
    assert out.endswith("\n(no distance picture: %s)\n" % why)
    assert "log10 |w - " not in out


# --- --step on one scale; notes that name ranges ---------------------------------


def sample_pictures(out, sample):
    """Each --step picture of that sample, in order."""
    found, lines = [], out.splitlines()
    for i, line in enumerate(lines):
        if line == f"loss of the sample {sample} over w":
            found.append(picture("\n".join(lines[i:]), line))
    return found


def test_a_diverging_step_picture_reaches_10_times_the_start_and_says_when_w_leaves_it(run):
    # lr 0.3 on the lecture's data: the steps multiply w - 2 by 1 - 0.6 = 0.4, 1 - 2.4 = -1.4
    # and 1 - 5.4 = -4.4, an epoch by 2.46: it grows. The window takes epochs starting within
    # 10 times the start's distance, 2 -+ 10, and the steps from there: 10 * 0.4 * 1.4 * 4.4 =
    # 24.64 from 2, so the axis runs from -22.6 to 26.6 for every picture of the run
    out = run("--step", "--lr", 0.3, stdin="\n" * 15 + "q\n").out
    pictures = sample_pictures(out, "(1.0, 2.0)")
    assert [axis(lines) for lines in pictures] == [["w", "-22.6", "2", "26.6"]] * 6
    # after 3 epochs w - 2 = -2.46^3 = -14.9, inside; after 4, -2.46^4 = -36.6: past the left
    # edge, and said so (the lines under a picture tell its step's w)
    off = "(W is off the picture: w has gone past its edge)"
    assert [off in lines for lines in pictures] == [False] * 4 + [True] * 2
    assert cells(grid(pictures[3]), "W") and not cells(grid(pictures[4]), "W")


def test_stepping_through_the_lecture_the_tangent_flattens_on_a_still_picture(run):
    # the sample (3, 6) at epoch 0 and at epoch 9: the same window (2 -+ 1: every epoch
    # multiplies w - 2 by 0.739), W further right, nearer 2, and the tangent, of slope
    # 6 (3w - 6) = 18 (w - 2), much flatter: -16.23 then -1.07, so it crosses fewer rows
    out = run("--step", stdin="\n" * 30).out
    first, *_, last = sample_pictures(out, "(3.0, 6.0)")
    assert axis(first) == axis(last) == ["w", "1", "2", "3"]
    assert labels(first) == labels(last)  # the same heights too
    (w0,), (w9,) = cells(grid(first), "W"), cells(grid(last), "W")
    assert w0[1] < w9[1] < 29
    rows_crossed = [len({r for r, _ in cells(grid(p), "\\")}) for p in (first, last)]
    assert rows_crossed[1] < rows_crossed[0]
    for lines, w in ((first, 1.0984), (last, 2 - LECTURE_FACTOR**9 * (1 - 0.02) * (1 - 0.08))):
        measured = line_with(lines, "measured slope").split(" = ")[1].split(",")[0]
        assert float(measured) == pytest.approx(18 * (w - 2), rel=1e-5)  # (6 digits shown)


@pytest.mark.parametrize(
    "args",
    [
        # x so small that a step of 1e-3 in w moves the loss less than its rounding; x = 3 with
        # w where 3w is a hair from the largest float's square root, 1.34e154: w + h overflows
        # for any h from the curve's own scale, so h is halved until it fits
        ["--data", "1e-150,1"],
        ["--data", "1e-10,1"],
        ["--data", "3,6", "--w", 4.469e153],
        ["--data", "1,2 2,4 3,6.5", "--batch"],  # a mean loss whose lowest point is above 0
    ],
)
def test_the_measured_slope_is_the_gradient_in_its_shown_digits(run, args):
    out = run("--step", *args, stdin="q\n").out
    measured = line_with(out.splitlines(), "measured slope").split(" = ")[1].split(",")[0]
    grad = [line for line in out.splitlines() if line.startswith("\tgrad = ")][-1]
    assert measured == format(float(grad.rsplit(" = ", 1)[1]), ".6g")


@pytest.mark.parametrize(
    "args",
    [
        ["--data", "-1.2345678901234567e-150,-1.2345678901234567e-150"],
        ["--w", -1e153],
        ["--data", "1e150,1e150", "--w", -9.99e149],
        ["--batch", "--w", 1e150, "--data", "1,2 1e150,1"],
    ],
)
def test_no_step_line_but_the_arithmetic_passes_72_columns(run, args):
    out = run("--step", *args, stdin="\n" * 5).out
    for line in out.splitlines():  # (the arithmetic, and the lecture's own lines, as it has them)
        if not line.startswith(("\t", "Predict", "progress:")):
            assert len(line) <= 72, line


@pytest.mark.parametrize(
    "args",
    [
        ["--lr", 0.1, "--epochs", 1000],
        ["--lr", 0.21, "--epochs", 1000],
        ["--lr", 0.5, "--epochs", 100],
        ["--epochs", 100],
        ["--lr", 1, "--epochs", 1000],
        ["--batch", "--lr", 0.2, "--epochs", 77],
        ["--data", "1,2 2,4 3,6.5", "--lr", 0.1, "--epochs", 3000],
    ],
)
def test_no_plot_line_lists_more_than_six_numbers(run, args):
    out = run("--plot", "--quiet", *args).out
    for line in out.splitlines()[3:]:
        if "|" not in line:  # (a picture's rows and axes aside)
            assert len(re.findall(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?", line)) <= 6, line


def test_a_run_of_a_million_epochs_plots_in_40_lines(run):
    # the count does not depend on how many epochs, but for the digits of the last one in the
    # title (1e6 epochs: "* = after 999999", which still fits on its line); 1e5 epochs run faster
    out = run("--plot", "--quiet", "--epochs", 100000).out
    assert len(out.splitlines()) <= 40
    assert len("mean loss over w: S = start, 0-9 = after that epoch, * = after 999999") <= 72


# --- --step's window: every w the run's steps start or land at, on one scale ---------


def step_pictures(out):
    """Each --step picture, in order."""
    lines = out.splitlines()
    return [picture("\n".join(lines[i:]), line) for i, line in enumerate(lines)
            if line.startswith("loss of the sample ")]  # fmt: skip


def test_a_step_that_lands_far_past_the_start_is_still_on_the_picture(run):
    # the lecture's samples backwards at lr 0.48: the steps multiply w - 2 by 1 - 0.96 * 9 =
    # -7.64, then by 1 - 0.96 * 4 = -2.84, then by 0.04, so from w = 1 (1 below 2) they land
    # at 2 + 7.64 = 9.64, 2 - 21.6976 = -19.6976 and 2 - 0.867904. An epoch multiplies w - 2 by
    # 0.868, so every epoch starts within 1 of 2, and the steps from there reach 21.6976 on
    # either side: the window is 2 -+ 21.6976
    out = run("--step", "--data", "3,6 2,4 1,2", "--lr", 0.48, "--epochs", 1, stdin="\n" * 3).out
    for lines in step_pictures(out):
        assert axis(lines) == ["w", "-19.7", "2", "23.7"]
        assert cells(grid(lines), "W") and cells(grid(lines), "N")


@pytest.mark.parametrize(
    "data, w",
    [
        # x = 1 at lr 0.25: each step halves the distance to the sample's y. "1,0 1,4": w -> w/2,
        # then w/2 + 2, so an epoch takes w to w/4 + 2, which settles at 8/3; from 1 the steps
        # land at 0.5, 13/6 below 8/3, and 2.25. The steps from the starts above 8/3 go less
        # far: only those from below reach 0.5
        ("1,0 1,4", 1),
        # "1,4 1,0": w -> w/2 + 2, then w/2: settles at 4/3; from 3 the steps land at 3.5, 13/6
        # above 4/3, and 1.75: only the steps from above reach 3.5
        ("1,4 1,0", 3),
    ],
)
def test_steps_that_go_past_where_w_settles_on_one_side_only_are_on_the_picture(run, data, w):
    out = run("--step", "--data", data, "--lr", 0.25, "--w", w, "--epochs", 1, stdin="\n\n").out
    pictures = step_pictures(out)
    assert len(pictures) == 2
    for lines in pictures:
        assert cells(grid(lines), "W") and cells(grid(lines), "N")


@pytest.mark.parametrize(
    "data, w, epochs, ticks",
    [
        # x = 1 at lr 1: the steps w -> 1 - w, w -> 3 - w, so each epoch adds 2: from 1, the
        # steps land at 0, 3, -2, 5, -4, 7. Where an epoch adds to w, epochs start between w
        # and w + 3 * 2 = 7, and a step's w is between its values from those two: 1 -> 0 -> 3
        # and 7 -> -6 -> 9. The window centres on the least-squares w, 1, and reaches 9: 1 -+ 8
        ("1,0.5 1,1.5", 1, 3, ["-7", "1", "9"]),
        # the steps w -> 4 - w twice bring w back where it started: from 2.25, to 1.75 and
        # 2.25, 0.25 either side of the least-squares w, 2
        ("1,2 1,2", 2.25, 1, ["1.75", "2", "2.25"]),
    ],
)
def test_where_an_epoch_factor_is_1_the_step_window_holds_every_w(run, data, w, epochs, ticks):
    args = ["--data", data, "--lr", 1, "--w", w, "--epochs", epochs]
    pictures = step_pictures(run("--step", *args, stdin="\n" * 2 * epochs).out)
    assert len(pictures) == 2 * epochs
    for lines in pictures:
        assert axis(lines) == ["w", *ticks]
        assert cells(grid(lines), "W") and cells(grid(lines), "N")


def test_a_long_diverging_step_run_is_drawn_on_a_window_that_still_fits(run):
    # lr 0.3 for 1000 epochs: F = 0.4 * -1.4 * -4.4 = 2.464, so the run would reach 2.464^1000
    # times the start's distance. From w = 1 the window reaches 10 times that distance, 2 - 10
    # to 2 + 10, widened by an epoch's steps from there, 2.464 times: 2 -+ 24.64
    result = run("--step", "--lr", 0.3, "--epochs", 1000, stdin="q\n")
    (lines,) = step_pictures(result.out)
    assert axis(lines) == ["w", "-22.6", "2", "26.6"]
    # from w = 1e153, 10 times the distance is 1e154, past where the largest x's loss passes
    # the largest float, (3 w)^2 = 1e308 at w = 1e154 / 3: the window is held there, then
    # widened 2.464 times, to 8.21e153. Next to that 2 is lost: the middle reads 0. The first
    # sample's loss at the ends, (8.21e153)^2 = 6.7e307, fits: its picture is drawn
    result = run("--step", "--lr", 0.3, "--epochs", 1000, "--w", 1e153, stdin="q\n")
    (lines,) = step_pictures(result.out)
    assert axis(lines) == ["w", "-8.21e+153", "0", "8.21e+153"]
    assert cells(grid(lines), "W")


@pytest.mark.parametrize(
    "args, ticks",
    [
        # a start at the lowest point: nowhere to go, so 1 either side of it, or a millionth of
        # w, as 1 would be lost in rounding at 1e150
        (["--data", "1,0", "--w", 0], ["-1", "0", "1"]),
        (["--data", "1,1e150", "--w", 1e150], ["9.99999e+149", "1e+150", "1.000001e+150"]),
    ],
)
def test_a_step_window_around_a_start_at_the_lowest_point(run, args, ticks):
    (lines,) = step_pictures(run("--step", *args, "--epochs", 1, stdin="q\n").out)
    assert axis(lines) == ["w", *ticks]


def test_a_step_whose_loss_passes_the_largest_float_has_no_picture_and_no_measured_slope(run):
    # three samples (1, 0) at lr 1e100: each step multiplies w by 1 - 2e100, so w goes from 1
    # to -2e100, 4e200 and -8e300. No window that holds -8e300 has a loss curve that fits in a
    # float ((8e300)^2 is far past 1.8e308), so no step is drawn. The slope of w^2 is 2w,
    # measured with h = |w|; at 4e200 the loss, 1.6e401, does not fit, though the gradient,
    # 8e200, and the step, 8e300, do: no slope can be measured there
    result = run("--step", "--data", "1,0 1,0 1,0", "--lr", 1e100, "--epochs", 1, stdin="\n" * 3)
    lines = result.out.splitlines()
    assert lines.count("(no picture: its numbers do not fit in a float)") == 3
    assert not any(line.startswith("W = w now") for line in lines)  # no legend for no picture
    assert [line for line in lines if line.startswith("measured slope")] == [
        "measured slope: (loss(w + h) - loss(w - h)) / 2h = 2, h = 1",
        "measured slope: (loss(w + h) - loss(w - h)) / 2h = -4e+100, h = 2e+100",
        "measured slope: none, as the loss about w does not fit in a float",
    ]
    assert result.status == 1


# --- notes and cells ----------------------------------------------------------


@pytest.mark.parametrize(
    "epochs, words",
    [
        ([4], "epoch 4"),
        ([2, 5], "epochs 2 and 5"),
        ([2, 3], "epochs 2 to 3"),
        ([1, 3, 5], "epochs 1, 3 and 5"),
        ([2, 3, 4, 9, 11, 12], "epochs 2 to 4, 9 and 11 to 12"),
    ],
)
def test_epochs_are_named_in_words_with_runs_as_ranges(epochs, words):
    assert gd.spans(epochs) == words


def test_a_point_exactly_half_a_cell_past_the_pictures_edge_is_left_out():
    # a box from 0 to 58 across and 0 to 1 up, in 2 rows and 59 columns: a cell is 1 wide and 1
    # high, centred on the whole numbers, so the cells reach half a cell past the box. A point
    # exactly on that outer edge, 0.5 above or below, or 0.5 left or right, is in no cell
    points = [(29.0, 1.5, "a", None), (29.0, -0.5, "b", None)]
    points += [(-0.5, 0.5, "c", None), (58.5, 0.5, "d", None)]
    lines, at = gd.draw("title", points, (0.0, gd.WIDTH - 1.0, 0.0, 1.0), rows=2)
    assert lines[1:3] == ["        1 |", "        0 |"] and at == {}


def test_a_step_that_lands_past_the_start_is_the_windows_edge_and_on_the_picture(run):
    # x = 3 first, at lr 0.12: its step multiplies w - 2 by 1 - 2 * 0.12 * 9 = -1.16, from 1 to
    # 3.16, farther from 2 than the start; x = 1 then multiplies by 0.76 (F = -0.8816). The window
    # reaches exactly that far, 0.84 to 3.16, and W there is drawn, not said to be off it
    result = run("--data", "3,6 1,2", "--lr", 0.12, "--step", "--epochs", 1, stdin="\n\n")
    pictures = step_pictures(result.out)
    assert [axis(lines) for lines in pictures] == [["w", "0.84", "2", "3.16"]] * 2
    assert "off the picture" not in result.out
    assert all(cells(grid(lines), "W") for lines in pictures)
