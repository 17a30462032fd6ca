"""--data: the learner's own samples, and where per-sample and full-batch steps settle.

Worked by hand for x = 1, 2, 3 and y = 2, 4, 6.5. The least-squares w is
sum(x * y) / sum(x * x) = 29.5 / 14 = 59/28. A step with sample x takes w to
(1 - 2a x^2) w + 2a x y, so an epoch of per-sample steps takes w to F w + C with
F = (1 - 2a)(1 - 8a)(1 - 18a) and C = (1 - 18a)((1 - 8a) 4a + 16a) + 39a,
and w settles at C / (1 - F): at a = 0.1, C = 2.556 and F = -0.128, so 2.556 / 1.128.
"""

from fractions import Fraction

import pytest
from conftest import TRANSCRIPT

import gradient_descent as gd

DATA = "1,2 2,4 3,6.5"
XS, YS = [1.0, 2.0, 3.0], [2.0, 4.0, 6.5]
BEST = 59 / 28


def hand_map(a):
    factor = (1 - 2 * a) * (1 - 8 * a) * (1 - 18 * a)
    shift = (1 - 18 * a) * ((1 - 8 * a) * 4 * a + 16 * a) + 39 * a
    return factor, shift


def hand_settle(a):
    factor, shift = hand_map(a)
    return shift / (1 - factor)


def test_the_hand_settling_points():
    assert hand_settle(0.1) == pytest.approx(2.556 / 1.128, rel=1e-12)
    assert [round(hand_settle(a), 5) for a in (0.1, 0.01, 0.001)] == [2.26596, 2.11508, 2.1079]


def test_the_least_squares_w_is_59_28():
    assert gd.best_w(XS, YS) == pytest.approx(BEST, rel=1e-15)


@pytest.mark.parametrize("lr", [0.1, 0.01, 0.001, 0.3])
def test_the_epoch_map_is_the_closed_form_exactly(lr):
    a, b, d = gd.epoch_map(lr, False, XS, YS)
    factor, shift = hand_map(Fraction(lr))  # exact, for the float lr
    assert (Fraction(a, d), Fraction(b, d)) == (factor, shift)


def test_the_full_batch_map_is_the_mean_step():
    # one full-batch step: w - lr * mean(2x(xw - y)) = (1 - 2 lr mean(x^2)) w + 2 lr mean(x y)
    a, b, d = gd.epoch_map(0.1, True, XS, YS)
    lr = Fraction(0.1)
    assert Fraction(a, d) == 1 - 2 * lr * Fraction(14, 3)
    assert Fraction(b, d) == 2 * lr * Fraction(29.5) / 3


@pytest.mark.parametrize("lr", [0.1, 0.01, 0.001])
def test_per_sample_steps_settle_where_the_closed_form_says(lr):
    assert gd.train(1.0, lr, 20000, x_data=XS, y_data=YS) == pytest.approx(
        hand_settle(lr), abs=1e-9
    )


def test_each_epoch_follows_the_closed_form():
    factor, shift = hand_map(0.1)
    seen, w = [], 1.0
    gd.train(1.0, 0.1, 8, on_epoch=lambda e, w, l, g: seen.append(w), x_data=XS, y_data=YS)
    for got in seen:
        w = factor * w + shift
        assert got == pytest.approx(w, rel=1e-12)


def test_full_batch_reaches_the_least_squares_w():
    assert gd.train_batch(1.0, 0.1, 500, x_data=XS, y_data=YS) == pytest.approx(BEST, abs=1e-12)


def test_the_command_settles_near_2_27_per_sample(run):
    result = run("--data", DATA, "--lr", 0.1, "--epochs", 200, "--quiet")
    lines = result.out.splitlines()
    assert lines[1].startswith("progress: 199 w= 2.27 loss= ")
    assert float(lines[2].split()[-1]) == pytest.approx(4 * hand_settle(0.1), rel=1e-12)
    assert (result.status, result.err) == (0, "")


def test_the_command_with_batch_reaches_4_times_59_28(run):
    last = run("--data", DATA, "--lr", 0.1, "--epochs", 500, "--quiet", "--batch").out.splitlines()[
        -1
    ]
    assert float(last.split()[-1]) == pytest.approx(4 * BEST, rel=1e-12)


def test_the_lectures_data_given_explicitly_prints_the_transcript(run):
    assert run("--data", "1,2 2,4 3,6") == (0, TRANSCRIPT, "")


def test_the_order_of_the_samples_is_the_order_of_the_steps(run):
    # lr 0.01 from w = 1, x = 3 first: grad = 2*3*(3 - 6) = -18, w = 1.18;
    # x = 2: grad = 4 * (2.36 - 4) = -6.56, w = 1.2456; x = 1: grad = 2 * (1.2456 - 2)
    # = -1.5088, w = 1.260688; the last sample's loss: (1.260688 - 2)^2 = 0.5466
    assert run("--data", "3,6 2,4 1,2", "--epochs", 1).out.splitlines()[1:5] == [
        "\tgrad:  3.0 6.0 -18.0",
        "\tgrad:  2.0 4.0 -6.56",
        "\tgrad:  1.0 2.0 -1.51",
        "progress: 0 w= 1.26 loss= 0.55",
    ]


def test_plot_states_the_least_squares_w_and_measures_from_where_the_steps_settle(run):
    out = run("--data", DATA, "--lr", 0.1, "--plot", "--quiet").out
    assert "o = the least-squares w, 2.10714, where the mean loss is lowest" in out.splitlines()
    assert f"log10 |w - {hand_settle(0.1):.6g}| after each epoch" in out
    # full-batch steps settle at the least-squares w itself
    batch = run("--data", DATA, "--batch", "--plot", "--quiet").out
    assert "log10 |w - 2.10714| after each epoch" in batch


def test_warnings_name_the_point_the_steps_go_away_from(run):
    point, factor = hand_settle(0.3), hand_map(0.3)[0]  # F = 0.4 * -1.4 * -4.4 = 2.464
    assert run("--data", DATA, "--lr", 0.3, "--epochs", 1, "--quiet").err == (
        "gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to "
        f"{point:.6g} (the w an epoch leaves where it is) by {factor:.3g}, so it grows; per-sample "
        "steps converge on this data for --lr below 0.204 or between 0.477 and 0.519\n"
    )
    batch = run("--data", DATA, "--lr", 0.3, "--epochs", 1, "--quiet", "--batch").err
    # full batch: the w an epoch leaves in place is the least-squares w
    assert "from w to 2.10714 (the w an epoch leaves where it is) by -1.8, so it grows" in batch


def test_a_start_exactly_where_an_epoch_leaves_w_is_not_warned_about(run):
    # x = 1, 1 and y = 1, 3 at lr 1.5: each step multiplies by 1 - 3 = -2, so an epoch takes
    # w to 4w + (-2 * 3 + 9) = 4w + 3, which leaves w = -1 in place: -1 -> 5 -> -1
    result = run("--data", "1,1 1,3", "--lr", 1.5, "--w", -1, "--epochs", 3, "--quiet")
    assert (result.err, result.out.splitlines()[1]) == ("", "progress: 2 w= -1.0 loss= 16.0")
    assert (
        "each epoch multiplies the distance from w to -1 "
        in run("--data", "1,1 1,3", "--lr", 1.5, "--epochs", 1).err
    )


@pytest.mark.parametrize(
    "args",
    [(["--lr", 0.7]), (["--lr", 0.5, "--batch"])],
)
def test_the_convergent_rates_follow_the_x_values(run, args):
    # x = 1, 2: (1 - 2a)(1 - 8a) = 1 at a = 0.625; full batch 1 - 5a = -1 at a = 0.4. Both are
    # first diverging floats themselves (0.625 exactly; 0.4's float gives F = -1 - 2e-17), so the
    # rates are named from the float below, rounded down: a rate typed as "below" them can never
    # round up to one that diverges
    rates = "for --lr below 0.399\n" if "--batch" in args else "for --lr below 0.624\n"
    assert run("--data", "1,2 2,4.5", "--epochs", 1, *args).err.endswith(rates)


@pytest.mark.parametrize(
    "data",
    [
        "1,2 3",
        "1,2,3",
        "1;2",
        "a,2",
        "1,inf",
        "nan,1",
        "",
        "1e-200,1",
        "1,1e200",
        "1e151,1",
        "-1e-151,0",
    ],
)
def test_bad_data_gets_one_line_naming_data(run, data):
    assert run("--data", data) == (
        2,
        "",
        (
            "gradient_descent.py: error: argument --data: expected x,y pairs of numbers, each 0 or from "
            f'1e-150 to 1e150 in size, such as "1,2 2,4", got {data!r} (see --help)\n'
        ),
    )


def test_data_whose_every_x_is_0_is_refused(run):
    assert run("--data", "0,1 0,5").err == (
        "gradient_descent.py: error: argument --data: every x is 0, so the loss does not depend on w (see --help)\n"
    )


@pytest.mark.parametrize(
    "data", ["1e-150,1e150", "1e150,1e-150", "-1e150,1e150 1e-150,0", "0,1e150 1,1"]
)
def test_data_at_the_ends_of_the_range_runs(run, data):
    result = run("--data", data, "--epochs", 3, "--quiet", "--w", 0)
    assert result.status in (0, 1) and "Traceback" not in result.err


def test_a_loss_past_the_largest_float_inside_an_epoch_that_ends_within_it_goes_on(run):
    # x = 3 first at lr 0.48 from w = 1e153: that step multiplies the distance by
    # 1 - 18 * 0.48 = -7.64, and that sample's loss would be (3 * 7.64e153)^2 = 5.3e308, past the
    # largest float, but no line shows it: the epoch ends with x = 1, whose loss fits, and a whole
    # epoch multiplies the distance by -7.64 * -2.84 * 0.04 = 0.868, so the run converges
    assert (3 * 7.64e153) * (3 * 7.64e153) == float("inf")
    result = run("--data", "3,6 2,4 1,2", "--lr", 0.48, "--w", 1e153, "--epochs", 3000, "--quiet")
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines()[1].startswith("progress: 2999 w= 2.0 ")  # (0.868^3000 * 1e153)
