"""--plot and --explain, through the real command, against values worked out by hand.

For this data the mean loss is (14/3) * (w - 2)**2. The picture spans w from
2 - half to 2 + half in 59 columns and the loss from 0 to its value at the ends
in 14 rows, so w sits in column round((w - left) / (2 * half) * 58) and row
round(13 * (1 - ((w - 2) / half) ** 2)), counted from the top.
"""

from pathlib import Path

import pytest
from command import run

import gradient_descent as gd

HERE = Path(__file__).resolve().parent
TITLE = "mean loss over w"


def picture_of(stdout):
    lines = stdout.splitlines()
    return lines[lines.index(next(line for line in lines if line.startswith(TITLE))) :]


def grid_of(picture):
    """The 14 rows of the curve's area, without the labels left of the bar."""
    return [line.split("|", 1)[1] for line in picture[1:15]]


def where(grid, char):
    return [(row, line.index(char)) for row, line in enumerate(grid) if char in line]


def cell(w, centre=2.0, half=1.0):
    column = round((w - (centre - half)) / (2 * half) * 58)
    row = round(13 * (1 - ((w - centre) / half) ** 2))
    return row, column


# --- the picture ----------------------------------------------------------


def test_the_default_picture_matches_the_snapshot_read_and_checked_by_hand():
    # plot-default.txt was read line by line: S at w = 1 on the top left, the
    # digits 0-9 where the cell() formula puts 2 - 0.739312**(k + 1), the
    # bottom of the curve at w = 2, the axis labelled 1, 2, 3.
    result = run("--plot")
    assert result.returncode == 0
    assert result.stderr == ""
    assert "\n".join(picture_of(result.stdout)) + "\n" == (HERE / "plot-default.txt").read_text()


def test_the_default_picture_puts_each_epoch_where_the_closed_form_says():
    grid = grid_of(picture_of(run("--plot").stdout))
    assert where(grid, "S") == [cell(1.0)]
    for epoch in range(10):
        assert where(grid, str(epoch)) == [cell(2 - 0.739312 ** (epoch + 1))]
    assert grid[13][29] == "."  # the minimum, w = 2, loss 0


def test_the_plot_comes_after_the_lecture_output_unchanged():
    transcript = (HERE / "lecture-transcript.txt").read_text()
    assert run("--plot").stdout.startswith(transcript)


def test_a_zig_zag_run_alternates_sides_of_the_minimum():
    # Full batch at lr 0.2: each epoch multiplies w - 2 by 1 - 0.4 * 14/3 = -13/15.
    grid = grid_of(picture_of(run("--batch", "--lr", 0.2, "--plot").stdout))
    for epoch in range(10):
        w = 2 - (-13 / 15) ** (epoch + 1)
        assert where(grid, str(epoch)) == [cell(w)]
        side = 1 if epoch % 2 == 0 else -1  # right of 2 after epochs 0, 2, 4, ...
        assert (where(grid, str(epoch))[0][1] - 29) * side > 0


def test_where_marks_meet_the_earliest_epoch_shows():
    # Per sample at lr 0.1 each epoch multiplies w - 2 by 0.8 * 0.2 * -0.8 = -0.128: epoch 0
    # ends at 2.128; from epoch 1 on |w - 2| <= 0.128**2 = 0.0164, under half a column
    # (1/58 = 0.0172), so epochs 1 to 9 all fall in the minimum's cell, row 13, column 29.
    grid = grid_of(picture_of(run("--lr", 0.1, "--plot").stdout))
    assert where(grid, "0") == [cell(2.128)]
    assert grid[13][29] == "1"
    assert all(str(epoch) not in "".join(grid) for epoch in range(2, 10))


def test_a_diverging_run_climbs_away_and_says_what_is_off_the_picture():
    # Per sample at lr 0.3 each epoch multiplies w - 2 by 0.4 * -1.4 * -4.4 = 2.464:
    # from distance 1, epochs 0 and 1 reach 2.464 and 6.07; epoch 2 (14.96) is past 10.
    result = run("--lr", 0.3, "--plot")
    picture = picture_of(result.stdout)
    half = 2.464**2
    grid = grid_of(picture)
    assert where(grid, "0") == [cell(2 - 2.464, half=half)]
    assert where(grid, "1") == [cell(2 - 2.464**2, half=half)]
    assert where(grid, "1")[0][0] < where(grid, "0")[0][0] < where(grid, "S")[0][0]
    assert all(str(epoch) not in "".join(grid) for epoch in range(2, 10))
    assert picture[-2] == "8 of the marked epochs are off the picture,"
    assert picture[-1].startswith("further than 10 from 2; after epoch 9, w = ")
    assert result.returncode == 0


def test_a_run_that_blows_up_still_draws_then_stops_with_exit_1():
    result = run("--lr", 1, "--epochs", 1000, "--plot", "--quiet")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "diverged" in result.stderr.splitlines()[-1]
    picture = picture_of(result.stdout)
    assert len(picture) <= 20
    # lr 1 multiplies w - 2 by -119 each epoch: every epoch is past 10; 74 epochs finish
    assert picture[-1].startswith("further than 10 from 2; after epoch 73, w = ")


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
        ["--w", 2.0000000000000004, "--lr", 0.3, "--epochs", 40],
        ["--lr", 0.0001, "--epochs", 100000],
    ],
)
def test_every_picture_fits_72_columns_by_20_rows_in_plain_ascii(args):
    result = run("--plot", "--quiet", *args)
    assert "Traceback" not in result.stderr
    picture = picture_of(result.stdout)
    assert len(picture) <= 20
    for line in picture:
        assert len(line) <= 72
        assert all(32 <= ord(char) < 127 for char in line)


def test_the_same_run_draws_the_same_picture():
    assert run("--plot", "--lr", 0.15).stdout == run("--plot", "--lr", 0.15).stdout


def test_a_long_run_marks_a_bounded_number_of_epochs():
    epochs = 1_000_000
    assert sum(gd.marked(epoch, epochs) for epoch in range(epochs)) <= 10 + 61
    assert gd.marked(epochs - 1, epochs)
    assert all(gd.marked(epoch, 30) for epoch in range(30))


def test_a_long_run_marks_the_first_10_every_31st_and_the_last_of_1830_epochs():
    # about 60 marks beyond the first 10: every ceil(1830 / 60) = 31st epoch, and epoch 1829
    marked = {epoch for epoch in range(1830) if gd.marked(epoch, 1830)}
    assert marked == set(range(10)) | set(range(0, 1830, 31)) | {1829}


def test_a_long_quiet_plot_marks_later_epochs_with_stars():
    grid = grid_of(picture_of(run("--plot", "--quiet", "--lr", 0.0001, "--epochs", 100000).stdout))
    assert "*" in "".join(grid)


# --- the arithmetic of each step ------------------------------------------


def test_explain_shows_the_first_step_of_the_default_run():
    lines = run("--explain").stdout.splitlines()
    assert lines[0] == "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
    assert lines[1] == "Prediction (before training) 4 4.0"
    assert lines[2] == "\tgrad = 2 * 1.0 * (1.0 * 1.0 - 2.0) = -2.0"
    assert lines[3] == "\tw = 1.0 - 0.01 * -2.0 = 1.02"


def test_explain_arithmetic_of_the_first_epoch_by_hand():
    # x=2: 2 * 2 * (2 * 1.02 - 4) = 4 * -1.96 = -7.84;  w = 1.02 + 0.0784 = 1.0984
    # x=3: 2 * 3 * (3 * 1.0984 - 6) = 6 * -2.7048 = -16.2288;  w = 1.0984 + 0.162288 = 1.260688
    lines = run("--explain", "--epochs", 1).stdout.splitlines()
    assert lines[4].startswith("\tgrad = 2 * 2.0 * (2.0 * 1.02 - 4.0) = ")
    assert float(lines[4].split("= ")[-1]) == pytest.approx(-7.84)
    assert lines[5].startswith("\tw = 1.02 - 0.01 * ")
    assert float(lines[5].split("= ")[-1]) == pytest.approx(1.0984)
    assert float(lines[6].split("= ")[-1]) == pytest.approx(-16.2288)
    assert float(lines[7].split("= ")[-1]) == pytest.approx(1.260688)
    assert lines[8] == "progress: 0 w= 1.26 loss= 4.92"


def test_explain_keeps_the_lectures_progress_lines():
    transcript = (HERE / "lecture-transcript.txt").read_text().splitlines()
    explained = run("--explain").stdout.splitlines()
    assert [line for line in explained if not line.startswith(("\t", "each step"))] == [
        line for line in transcript if not line.startswith("\t")
    ]


def test_explain_full_batch_first_epoch_by_hand():
    # the samples' gradients at w = 1: 2*1*(1-2) = -2, 2*2*(2-4) = -8, 2*3*(3-6) = -18
    # their mean: -28/3; w = 1 + 0.01 * 28/3 = 1.09333...
    lines = run("--explain", "--batch", "--epochs", 1).stdout.splitlines()
    assert lines[0].startswith("each epoch: grad = the mean of 2 * x * (x * w - y)")
    assert lines[2:5] == [
        "\t2 * 1.0 * (1.0 * 1.0 - 2.0) = -2.0",
        "\t2 * 2.0 * (2.0 * 1.0 - 4.0) = -8.0",
        "\t2 * 3.0 * (3.0 * 1.0 - 6.0) = -18.0",
    ]
    assert lines[5].startswith("\tgrad = (-2.0 + -8.0 + -18.0) / 3 = ")
    assert float(lines[5].split("= ")[-1]) == pytest.approx(-28 / 3)
    assert lines[6].startswith("\tw = 1.0 - 0.01 * ")
    assert float(lines[6].split("= ")[-1]) == pytest.approx(1 + 0.28 / 3)
    assert lines[7] == "progress: 0 grad= -9.33 w= 1.09 loss= 3.84"


def test_explain_with_another_learning_rate_and_start():
    # --w -5 --lr 0.05: grad = 2 * 1 * (-5 - 2) = -14, w = -5 + 0.05 * 14 = -4.3
    lines = run("--explain", "--w", -5, "--lr", 0.05).stdout.splitlines()
    assert lines[2] == "\tgrad = 2 * 1.0 * (1.0 * -5.0 - 2.0) = -14.0"
    assert lines[3].startswith("\tw = -5.0 - 0.05 * -14.0 = ")
    assert float(lines[3].split("= ")[-1]) == pytest.approx(-4.3)


def test_quiet_and_explain_together_make_no_sense():
    result = run("--quiet", "--explain")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert "--explain" in result.stderr and "--quiet" in result.stderr


@pytest.mark.parametrize(
    "args",
    [["--explain", "--plot"], ["--explain", "--batch", "--plot"], ["--quiet", "--batch", "--plot"]],
)
def test_explain_and_plot_work_with_the_other_options(args):
    result = run(*args, "--lr", 0.05, "--w", -2, "--epochs", 3)
    assert (result.stderr, result.returncode) == ("", 0)
    assert TITLE in result.stdout


# --- the axis, the zoom and the later epochs, worked by hand -------------------


def test_the_axis_labels_ends_that_are_not_round_numbers():
    # lr 0.3: epochs 0 and 1 are at distances 2.464 and 2.464**2 = 6.071296 from 2, so the
    # picture spans 2 -+ 6.071296: -4.071296 to 8.071296, labelled with 3 digits
    picture = picture_of(run("--lr", 0.3, "--plot").stdout)
    assert picture[16] == " " * 11 + "-4.07".ljust(29) + "2".ljust(26) + "8.07 w"


def test_a_narrow_range_gets_the_digits_that_tell_its_ends_apart():
    # from w = 2.00123 the picture spans 2 -+ 0.00123: 1.99877 to 2.00123; 3 digits give
    # 2, 2 and 2, so 4 digits: 1.999, 2, 2.001
    picture = picture_of(run("--w", 2.00123, "--plot").stdout)
    assert picture[16] == " " * 11 + "1.999".ljust(29) + "2".ljust(25) + "2.001 w"


def test_a_start_at_the_minimum_draws_s_at_the_bottom():
    # w = 2 never moves (every gradient is 0); the picture spans 1 to 3 and S, drawn last,
    # covers the digits in the bottom cell
    picture = picture_of(run("--w", 2, "--plot").stdout)
    grid = grid_of(picture)
    assert picture[16] == " " * 11 + "1".ljust(29) + "2".ljust(29) + "3 w"
    assert len(picture) == 17  # every epoch is on the picture, under the S
    assert where(grid, "S") == [(13, 29)]
    assert not any(char.isdigit() for char in "".join(grid))
    assert grid[0][0] == "." and grid[0][58] == "."


def test_an_epoch_just_inside_the_zoom_above_2_is_drawn():
    # from w = 3 at lr 0.3, w - 2 = 2.464**(k + 1): epoch 1 at 8.07 is within 10 of 2
    # (and 10.07 from -2); epoch 2 at 16.96 is not
    picture = picture_of(run("--w", 3, "--lr", 0.3, "--plot").stdout)
    grid = grid_of(picture)
    half = 2.464**2
    assert where(grid, "1") == [cell(2 + half, half=half)]
    assert "2" not in "".join(grid)


def test_the_zoom_is_10_times_the_starting_distance():
    # from w = 1.5 (distance 0.5) at lr 0.3: distances 1.232, 3.036, 7.48, 18.4, ...; only
    # epochs 0 and 1 are within 5, so 8 of the 10 are off the picture
    picture = picture_of(run("--w", 1.5, "--lr", 0.3, "--plot").stdout)
    assert picture[-2] == "8 of the marked epochs are off the picture,"
    w = 2 - 0.5 * 2.464**10
    assert picture[-1] == f"further than 5 from 2; after epoch 9, w = {w:.3g}"


def test_stars_mark_the_epochs_after_the_tenth_where_the_closed_form_puts_them():
    # lr 0.001: each epoch multiplies w - 2 by 0.998 * 0.992 * 0.982; 30 epochs, all marked.
    # Digits are drawn over stars, and S over both.
    factor = 0.998 * 0.992 * 0.982
    grid = grid_of(picture_of(run("--lr", 0.001, "--epochs", 30, "--plot").stdout))
    taken = {cell(1.0)} | {cell(2 - factor ** (k + 1)) for k in range(10)}
    stars = {cell(2 - factor ** (k + 1)) for k in range(10, 30)} - taken
    assert set(where_all(grid, "*")) == stars
    # epoch 9 at 2 - 0.7545 and epoch 10 at 2 - 0.7335: columns 7 and 8 of row 6
    assert cell(2 - factor**10) == (6, 7) and grid[6][7] == "9"
    assert cell(2 - factor**11) == (6, 8) and grid[6][8] == "*"


def test_a_long_run_marks_the_first_10_then_every_31st_epoch_and_the_last():
    # 1830 epochs: about 60 marks, so every ceil(1830 / 60) = 31st epoch, and the last, 1829
    factor = 0.998 * 0.992 * 0.982
    grid = grid_of(picture_of(run("--lr", 0.001, "--epochs", 1830, "--plot", "--quiet").stdout))
    later = [k for k in range(10, 1830) if k % 31 == 0] + [1829]
    taken = {cell(1.0)} | {cell(2 - factor ** (k + 1)) for k in range(10)}
    stars = {cell(2 - factor ** (k + 1)) for k in later} - taken
    assert set(where_all(grid, "*")) == stars


def test_a_picture_whose_loss_does_not_fit_says_so():
    # from 5e153 (mean loss 14/3 * 2.5e307 = 1.2e308) a mark at 4e154 is within 10 times
    # the start's distance, but its mean loss, 14/3 * 1.6e309, is past the largest float
    assert gd.picture(5e153, [(0, 4e154)]) == (
        "(no plot: the loss near w = -4e+154 does not fit in a float)"
    )


def where_all(grid, char):
    return [
        (row, column) for row, line in enumerate(grid) for column, c in enumerate(line) if c == char
    ]


def test_epoch_10_is_the_first_star():
    # lr 0.005: each epoch multiplies w - 2 by 0.99 * 0.96 * 0.91 = 0.864864; epoch 10 ends
    # 0.864864**11 = 0.2027 below 2: column round(0.7973 * 29) = 23, row round(13 * 0.959) = 12,
    # a cell of its own (epoch 9 is in column 22, epoch 11 in row 13)
    grid = grid_of(picture_of(run("--lr", 0.005, "--epochs", 12, "--plot").stdout))
    factor = 0.99 * 0.96 * 0.91
    assert cell(2 - factor**11) == (12, 23)
    assert grid[12][23] == "*"
    assert cell(2 - factor**10) != (12, 23) and cell(2 - factor**12) != (12, 23)


def test_a_curve_flatter_than_a_float_can_show_is_drawn_on_one_row():
    # x = 1, 1 and y = 0, 100: least squares w = 50, lowest mean loss 2500. One float above
    # 50 the loss rises by (7.1e-15)^2, far below the spacing of floats near 2500: the top of
    # the picture equals its bottom, and everything is drawn on the top row
    result = run("--data", "1,0 1,100", "--batch", "--w", "50.00000000000001", "--plot", "--quiet")
    assert result.returncode == 0
    grid = grid_of(picture_of(result.stdout))
    assert "S" in grid[0] and all(line.strip() == "" for line in grid[1:])
