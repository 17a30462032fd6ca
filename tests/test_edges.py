"""The edges: every option given numbers from 1e-300 to 1e300 in every mode ends with a clear
line and a documented status, never a traceback; public functions refuse what they cannot use
with a ValueError; --explain's arithmetic is the arithmetic done, on every Python."""

import itertools
import re

import pytest
from conftest import picture

import gradient_descent as gd

SIZES = [5e-324, 1e-300, 1e-200, 1e-151, 1e-150, 1e-20, 1.0, 1e20, 1e150, 1e151, 1e200, 1e300]
SIZES += [1.7976931348623157e308]
MODES = [[], ["--batch"], ["--plot"], ["--rates"], ["--explain"], ["--step"], ["--quiet"]]
MODES += [["--batch", "--plot", "--rates"], ["--batch", "--step"]]


def sweep_cases():
    for size, sign in itertools.product(SIZES, (1, -1)):
        v = sign * size
        yield ["--lr", size]
        yield ["--w", v]
        yield ["--data", f"{v!r},2 2,4"]
        yield ["--data", f"1,{v!r} 2,4"]
        yield ["--data", f"{v!r},{v!r}", "--lr", 0.1]
        yield ["--data", f"{v!r},1 1,2", "--lr", 2]
        yield ["--data", f"1,{v!r}", "--w", v]  # a start at the lowest point: w stays there


@pytest.mark.parametrize("mode", MODES, ids=" ".join)
def test_every_size_in_every_option_ends_with_a_documented_status(run, mode):
    for args in sweep_cases():
        result = run(*args, "--epochs", 3, *mode, stdin="\n" * 20)
        assert result.status in (0, 1, 2), args
        lines = result.err.splitlines()
        if result.status == 2:  # refused: one line that says why
            assert len(lines) == 1 and lines[0].startswith("gradient_descent.py: error: "), args
            assert result.out == ""
        else:  # at most a warning and why it stopped, and never inf or nan as a number shown
            assert len(lines) <= 2, args
            assert all(line.startswith("gradient_descent.py: ") for line in lines), args
            assert not re.search(r"\b(inf|nan)\b", result.out.replace("(no picture", "")), args
        if result.status == 1:
            assert lines[-1].startswith("gradient_descent.py: diverged: "), args


@pytest.mark.parametrize(
    "args, said",
    [
        (["--lr", "1e-400"], "argument --lr: expected a finite number greater than 0, got '1e-400'"),
        (["--lr", "1e400"], "argument --lr: expected a finite number greater than 0, got '1e400'"),
        (["--w", "1e309"], "argument --w: expected a finite number, got '1e309'"),
        (["--data", "1e-151,2"], "argument --data: expected x,y pairs of numbers, each 0 or "),
        (["--data", "1,1e151"], "argument --data: expected x,y pairs of numbers, each 0 or "),
        (["--data", "1,1.5e150"], "argument --data: expected x,y pairs of numbers, each 0 or "),
        # within the data's range the start can still be too far: the loss at w = 1e300 for
        # x = 1e150 is (1e450)^2; the least-squares w is 1 / 1e150
        (["--data", "1e150,1", "--w", "1e300"], ("at the start, w = 1e+300, the loss does not "
         "fit in a float: start nearer 1e-150 with --w")),
    ],
)  # fmt: skip
def test_sizes_that_cannot_be_used_are_refused_in_the_users_terms(run, args, said):
    result = run(*args)
    assert result.status == 2
    assert result.err.startswith("gradient_descent.py: error: " + said)


def test_a_picture_around_a_large_w_is_wide_enough_to_tell_its_ends_apart(run):
    # w = 1e149 is already the lowest point; 1e149 +- 1 would be the same float
    lines = picture(run("--data", "1,1e149", "--w", 1e149, "--plot").out, "mean loss over w")
    ticks = lines[16].split()[1:]
    assert len(set(ticks)) == 3 and float(ticks[0]) < 1e149 < float(ticks[2])
    assert "under the S: epochs 0 to 9" in lines


def test_the_smallest_and_largest_data_the_script_takes_still_train(run):
    # both samples lie on y = x, so w settles at 1. The step for x = 1e150 multiplies w - 1 by
    # 1 - 2 * 1e-301 * 1e300 = 0.8; the one for x = 1e-150 by 1 - 2e-601, which rounds to 1
    result = run("--data", "1e-150,1e-150 1e150,1e150", "--w", 2, "--lr", 1e-301, "--epochs", 2)
    assert (result.status, result.err) == (0, "")
    progress = [line.split()[:4] for line in result.out.splitlines() if line.startswith("prog")]
    assert progress == [["progress:", "0", "w=", "1.8"], ["progress:", "1", "w=", "1.64"]]


# --- from Python: a ValueError that says what is wrong, and no hangs --------


@pytest.mark.parametrize(
    "call",
    [
        lambda: gd.train(x_data=[1.0, 2.0]),
        lambda: gd.train(x_data=[], y_data=[]),
        lambda: gd.train_batch(x_data=[1.0], y_data=[]),
        lambda: gd.train_batch(x_data=[1.0], y_data=[], epochs=0),  # even with nothing to do
        lambda: gd.train(x_data=[], y_data=[], epochs=0),
        lambda: gd.mean_loss(1.0, [], []),
        lambda: gd.mean_gradient(1.0, [1.0, 2.0], [2.0]),
        lambda: gd.epoch_map(0.1, False, [], []),
        lambda: gd.epoch_map(0.1, True, [1.0], [1.0, 2.0]),
        lambda: gd.convergent_rates(False, []),
        lambda: gd.convergent_rates(True, [0.0, 0.0]),
        lambda: gd.convergent_rates(False, [1e-200]),
    ],
)
def test_public_functions_refuse_data_they_cannot_use_with_a_value_error(call):
    with pytest.raises(ValueError, match=r"^expected "):
        call()


def test_an_interval_with_no_float_inside_is_still_put_in_words():
    assert gd.rates_text([(0.5, 0.5)], 3)  # (nothing lies strictly inside: it still returns)


# --- --explain: the arithmetic shown is the arithmetic done -----------------


def arithmetic(out):
    """Each line of --explain's arithmetic as (expression, value shown)."""
    for line in out.splitlines():
        if line.startswith("\t") and not line.startswith("\tgrad: "):
            body = line.strip()
            body = body.split(" = ", 1)[1] if body.startswith(("grad = ", "w = ")) else body
            expression, shown = body.rsplit(" = ", 1)
            yield expression, shown


@pytest.mark.parametrize(
    "args",
    [
        # sum() of floats compensates since 3.12: 2e16 - 1 - 2e16 is 0.0 added left to right,
        # and -1/3 compensated; the script adds left to right on every Python
        ["--data", "1,-1e16 1,0.5 1,1e16", "--w", 0, "--batch"],
        ["--data=-1,1", "--w=-1", "--batch"],  # a gradient of -0.0, shown as -0.0
        ["--data", "1,2 2,4 3,6.5", "--lr", 0.1],
        ["--data", "0.1,0.3 0.2,0.7 0.3,0.9", "--batch", "--lr", 1.7],
    ],
)
def test_each_line_of_arithmetic_re_evaluates_to_what_it_shows(run, args):
    result = run(*args, "--explain", "--epochs", 3)
    lines = list(arithmetic(result.out))
    assert len(lines) >= 6
    for expression, shown in lines:
        assert repr(eval(expression)) == repr(float(shown)), expression  # the sign of 0 too


def test_the_arithmetic_opens_with_the_formula_it_fills_in(run):
    assert run("--explain", "--epochs", 0).out.splitlines()[0] == (
        "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
    )
    assert run("--batch", "--explain", "--epochs", 0).out.splitlines()[0] == (
        "each epoch: grad = mean of 2 * x * (x * w - y), then w = w - lr * grad"
    )


def test_the_compensated_sum_case_shows_the_sum_done_left_to_right(run):
    result = run("--data", "1,-1e16 1,0.5 1,1e16", "--w", 0, "--batch", "--explain", "--epochs", 1)
    assert "\tgrad = (2e+16 + -1.0 + -2e+16) / 3 = 0.0" in result.out.splitlines()
    negative = run("--data=-1,1", "--w=-1", "--batch", "--explain", "--epochs", 1).out
    # 2 * -1 * (-1 * -1 - 1) = -2 * 0.0 = -0.0, and its mean -0.0 / 1 = -0.0
    assert "\tgrad = (-0.0) / 1 = -0.0" in negative.splitlines()
