"""--data: the learner's own samples, and where per-sample and full-batch steps settle.

Worked by hand for x = 1, 2, 3 and y = 2, 4, 6.5. The least-squares w is
sum(x * y) / sum(x * x) = 29.5 / 14 = 59/28. A step with sample x takes w to
(1 - 2a x^2) w + 2a x y, so an epoch of per-sample steps takes w to F w + C with
F = (1 - 2a)(1 - 8a)(1 - 18a) and C = (1 - 18a)((1 - 8a) 4a + 16a) + 39a,
and w settles at C / (1 - F): at a = 0.1, C = 2.556 and F = -0.128, so 2.556 / 1.128.
"""

from pathlib import Path

import pytest
from command import run

import gradient_descent as gd

DATA = "1,2 2,4 3,6.5"
XS, YS = [1.0, 2.0, 3.0], [2.0, 4.0, 6.5]
BEST = 59 / 28
TRANSCRIPT = (Path(__file__).resolve().parent / "lecture-transcript.txt").read_text()


def hand_map(a):
    factor = (1 - 2 * a) * (1 - 8 * a) * (1 - 18 * a)
    shift = (1 - 18 * a) * ((1 - 8 * a) * 4 * a + 16 * a) + 39 * a
    return factor, shift


def hand_settle(a):
    factor, shift = hand_map(a)
    return shift / (1 - factor)


def test_the_hand_settling_points_are_those_worked_in_the_issue():
    assert hand_settle(0.1) == pytest.approx(2.556 / 1.128, rel=1e-12)
    assert round(hand_settle(0.1), 5) == 2.26596
    assert round(hand_settle(0.01), 5) == 2.11508
    assert round(hand_settle(0.001), 5) == 2.1079


def test_the_least_squares_w_is_59_28():
    assert gd.best_w(XS, YS) == pytest.approx(BEST, rel=1e-15)


@pytest.mark.parametrize("lr", [0.1, 0.01, 0.001])
def test_per_sample_steps_settle_where_the_closed_form_says(lr):
    assert gd.settling_point(lr, False, XS, YS) == pytest.approx(hand_settle(lr), rel=1e-12)
    assert gd.train(1.0, lr, 20000, x_data=XS, y_data=YS) == pytest.approx(
        hand_settle(lr), abs=1e-9
    )


def test_each_epoch_follows_the_closed_form():
    factor, shift = hand_map(0.1)
    seen = []
    gd.train(1.0, 0.1, 8, on_epoch=lambda e, w, l, g: seen.append(w), x_data=XS, y_data=YS)
    w = 1.0
    for got in seen:
        w = factor * w + shift
        assert got == pytest.approx(w, rel=1e-12)


def test_full_batch_reaches_the_least_squares_w():
    assert gd.train_batch(1.0, 0.1, 500, x_data=XS, y_data=YS) == pytest.approx(BEST, abs=1e-12)
    assert gd.settling_point(0.1, True, XS, YS) == pytest.approx(BEST, rel=1e-15)


def test_the_command_settles_near_2_27_per_sample():
    result = run("--data", DATA, "--lr", 0.1, "--epochs", 200, "--quiet")
    lines = result.stdout.splitlines()
    assert lines[1].startswith("progress: 199 w= 2.27 loss= ")
    assert lines[2].startswith("Predicted score (after training) 4 hours of studying:  9.06")
    assert float(lines[2].split()[-1]) == pytest.approx(4 * hand_settle(0.1), rel=1e-12)
    assert (result.stderr, result.returncode) == ("", 0)


def test_the_command_with_batch_reaches_4_times_59_28():
    result = run("--data", DATA, "--lr", 0.1, "--epochs", 500, "--quiet", "--batch")
    last = result.stdout.splitlines()[-1]
    assert float(last.split()[-1]) == pytest.approx(4 * BEST, rel=1e-12)


def test_the_lectures_data_given_explicitly_prints_the_transcript():
    result = run("--data", "1,2 2,4 3,6")
    assert (result.stdout, result.stderr, result.returncode) == (TRANSCRIPT, "", 0)


def test_the_order_of_the_samples_is_the_order_of_the_steps():
    # lr 0.01 from w = 1, x = 3 first: grad = 2*3*(3 - 6) = -18, w = 1.18;
    # x = 2: grad = 4 * (2.36 - 4) = -6.56, w = 1.2456; x = 1: grad = 2 * (1.2456 - 2)
    # = -1.5088, w = 1.260688; the last sample's loss: (1.260688 - 2)^2 = 0.5466
    lines = run("--data", "3,6 2,4 1,2", "--epochs", 1).stdout.splitlines()
    assert lines[1:5] == [
        "\tgrad:  3.0 6.0 -18.0",
        "\tgrad:  2.0 4.0 -6.56",
        "\tgrad:  1.0 2.0 -1.51",
        "progress: 0 w= 1.26 loss= 0.55",
    ]


def test_explain_states_both_points_before_the_steps():
    lines = run("--data", DATA, "--lr", 0.1, "--explain", "--epochs", 1).stdout.splitlines()
    assert lines[1] == (
        "least-squares w (lowest mean loss): 2.10714; per-sample steps at --lr 0.1 settle at w = 2.26596"
    )
    assert lines[2] == "Prediction (before training) 4 4.0"
    batch = run("--data", DATA, "--batch", "--explain", "--epochs", 1).stdout.splitlines()
    assert batch[1] == "least-squares w (lowest mean loss): 2.10714; full-batch steps settle there"


def test_data_on_a_line_states_nothing_more():
    lines = run("--data", "1,3 2,6", "--explain", "--epochs", 1).stdout.splitlines()
    assert lines[1] == "Prediction (before training) 4 4.0"


def test_the_plot_marks_both_points_and_names_them():
    # the mean loss at 59/28: residuals 3/28, 6/28, -5/28, so (9 + 36 + 25) / 784 / 3 = 0.02976
    out = run("--data", DATA, "--lr", 0.1, "--plot", "--quiet").stdout.splitlines()
    title = next(i for i, line in enumerate(out) if line.startswith("mean loss over w"))
    picture = out[title:]
    assert picture[14].startswith("   0.0298 |")
    grid = [line.split("|", 1)[1] for line in picture[1:15]]
    assert grid[13][29] == "o"  # the centre column is the least-squares w
    # x at 2.26596: the picture spans 59/28 +- |1 - 59/28| = 1.10714, so column
    # round((2.26596 - 1) / 2.21429 * 58) = 33, and row round(13 * (1 - (0.15882/1.10714)^2)) = 13
    assert grid[13][33] == "x"
    assert picture[17] == "o = the least-squares w, 2.10714, where the mean loss is lowest"
    assert picture[18] == "x = where these per-sample steps settle, w = 2.26596"


def test_warnings_name_the_settling_point_for_the_data_given():
    point = hand_settle(0.3)
    factor = hand_map(0.3)[0]  # 0.4 * -1.4 * -4.4 = 2.464
    result = run("--data", DATA, "--lr", 0.3, "--epochs", 1, "--quiet")
    assert result.stderr == (
        f"gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to "
        f"{point:.6g} (the w an epoch leaves where it is) by {factor:.3g}, so it grows; per-sample "
        "steps converge on this data for --lr below 0.204 or between 0.477 and 0.519\n"
    )
    batch = run("--data", DATA, "--lr", 0.3, "--epochs", 1, "--quiet", "--batch").stderr
    assert "from w to 2.10714 (the least-squares w) by -1.8, so it grows" in batch


@pytest.mark.parametrize(
    "args, rates",
    [
        (["--lr", 0.7], "per-sample steps converge on this data for --lr below 0.625"),
        (["--lr", 0.5, "--batch"], "full-batch steps converge on this data for --lr below 0.4"),
    ],
)
def test_the_convergent_rates_follow_the_x_values(args, rates):
    # x = 1, 2: (1 - 2a)(1 - 8a) = 1 at a = 0.625; full batch 1 - 5a = -1 at a = 0.4
    result = run("--data", "1,2 2,4.5", "--epochs", 1, *args)
    assert result.stderr.endswith(f"; {rates}\n")
    assert run("--data", "1,2 2,4.5", "--rates", "--quiet").stdout.endswith(
        "|F| < 1 for --lr below 0.625\n"
    )


@pytest.mark.parametrize(
    "data, says",
    [
        ("1,2 3", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got '1,2 3'"),
        ("1,2,3", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got '1,2,3'"),
        ("1;2", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got '1;2'"),
        ("a,2", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got 'a,2'"),
        ("1,inf", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got '1,inf'"),
        ("nan,1", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got 'nan,1'"),
        ("", "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got ''"),
        ("0,1 0,5", "every x is 0, so the loss does not depend on w"),
        ("1e200,1", "expected values whose loss fits in a float, got '1e200,1'"),
        ("1e154,1e155", "expected values whose loss fits in a float, got '1e154,1e155'"),
        (
            "-1,-2",
            "expected one argument; write a value that starts with '-' as --data=\"-1,-2 2,4\"",
        ),
    ],
)
def test_bad_data_gets_one_line_naming_data(data, says):
    result = run("--data", data)
    assert result.stdout == ""
    assert result.stderr == f"gradient_descent.py: error: argument --data: {says} (see --help)\n"
    assert result.returncode == 2


def test_data_that_starts_with_minus_is_taken_when_attached():
    # y = -2x, best w = -2: the x**2 are the lecture's, so an epoch multiplies w + 2 by
    # 0.739312; from w = 1 (distance 3), 10 epochs end at -2 + 3 * 0.739312**10 = -1.854,
    # and the last sample's loss is (-3w - 6)**2 = 9 * (w + 2)**2 = 0.192
    w = -2 + 3 * 0.739312**10
    result = run("--data=-1,2 -2,4 -3,6", "--quiet")
    assert result.stdout.splitlines()[1] == f"progress: 9 w= {round(w, 2)} loss= 0.19"
    assert round(9 * (w + 2) ** 2, 2) == 0.19


def test_explain_says_when_per_sample_steps_never_settle():
    # x = 1, 1 at lr 1: an epoch takes w to w + 2 (see test_rates.py), so there is no point
    lines = run("--data", "1,2 1,3", "--lr", 1, "--explain", "--epochs", 1).stdout.splitlines()
    assert lines[1] == (
        "least-squares w (lowest mean loss): 2.5; per-sample steps at --lr 1.0 never settle"
    )


def test_a_run_can_overflow_at_a_rate_that_converges_and_says_so():
    # x = 3 first at lr 0.48 from w = 1e153: that step multiplies the distance by
    # 1 - 18 * 0.48 = -7.64, and (3 * 7.64e153)^2 = 5.3e308 no longer fits in a float,
    # although a whole epoch would multiply the distance by 0.04 * -2.84 * -7.64 = 0.868
    result = run("--data", "3,6 2,4 1,2", "--lr", 0.48, "--w", 1e153, "--epochs", 1)
    assert result.returncode == 1
    assert result.stderr.startswith("gradient_descent.py: diverged: in epoch 0, w = ")
    assert result.stderr.endswith(
        "; at --lr 0.48 each epoch multiplies the distance from w to 2 by 0.868, so it shrinks; "
        "per-sample steps converge on this data for --lr below 0.204 or between 0.477 and 0.519\n"
    )


def test_the_settling_point_is_always_on_the_picture():
    # from w = 2.11, 0.00286 from the least-squares w, the steps still head for 2.26596:
    # epoch 0 ends at -0.128 * 2.11 + 2.556 = 2.28592, the farthest point, so the picture
    # spans 59/28 -+ 0.17878; x sits in column round((2.26596 - 1.92836) / 0.35756 * 58) = 55
    # and row round(13 * (1 - (0.15882 / 0.17878)^2)) = 3
    out = run("--data", DATA, "--lr", 0.1, "--w", 2.11, "--plot", "--quiet").stdout.splitlines()
    title = next(i for i, line in enumerate(out) if line.startswith("mean loss over w"))
    grid = [line.split("|", 1)[1] for line in out[title + 1 : title + 15]]
    assert [(row, line.index("x")) for row, line in enumerate(grid) if "x" in line] == [(3, 55)]
    assert grid[0].rstrip().endswith("0")  # epoch 0 at the right end, at the top


def test_a_range_too_narrow_for_the_loss_to_change_is_drawn_flat():
    # one float above the least-squares w, the mean loss differs from its lowest value by
    # 14/3 * (4.4e-16)^2, far below the spacing of floats near 0.0298: all on the top row
    out = run(
        "--data", DATA, "--batch", "--w", "2.1071428571428577", "--plot", "--quiet", "--epochs", 3
    ).stdout.splitlines()
    title = next(i for i, line in enumerate(out) if line.startswith("mean loss over w"))
    grid = [line.split("|", 1)[1] for line in out[title + 1 : title + 15]]
    assert grid[0][0] == "." and grid[0][29] == "o" and grid[0][58] == "S"
    assert all(line.strip() == "" for line in grid[1:])


def test_data_whose_best_w_fits_blames_the_start_instead():
    # y = 1e200 * x: at w = 1e200 every loss is 0, so the start w = 1 is what overflows
    result = run("--data", "1,1e200")
    assert result.stderr == (
        "gradient_descent.py: error: argument --w: expected a start whose loss fits in a float, "
        "got '1.0' (see --help)\n"
    )
    assert run("--data", "1,1e200", "--w", "1e200", "--quiet").returncode == 0


def test_data_near_the_largest_float_runs_when_its_start_fits():
    # x^2 = 1.69e308 fits, y^2 = 1.82e308 does not, but (1.3e154 - 1.35e154)^2 = 2.5e305 does
    assert run("--data", "1.3e154,1.35e154", "--quiet", "--epochs", 0).returncode == 0
