"""--exercise: the lecture's y_hat = x^2 * w2 + x * w1 + b, from w2 = w1 = b = 1.0.

Every expected value here comes from outside the code under test: worked by hand in the
comments, or from loop() below, an independent re-implementation in plain floats that does the
operations in the same order as the lecture's formulas. Covered: every printed line (per sample
and --batch), the numbers after 10 epochs, convergence, the derivatives against central
differences (exercise 3-1), --explain's arithmetic and measured slopes, refused options, a
diverging run, and train2() from Python.

The first steps by hand, from (w2, w1, b) = (1, 1, 1) at lr 0.01 on (1, 2), (2, 4), (3, 6):
  sample (1, 2): y_hat = 1 + 1 + 1 = 3, error 1, grads 2 * 1 * 1, 2 * 1, 2 = 2, 2, 2;
                 each parameter 1 - 0.01 * 2 = 0.98
  sample (2, 4): y_hat = 4 * 0.98 + 2 * 0.98 + 0.98 = 6.86, error 2.86,
                 grads 8 * 2.86, 4 * 2.86, 2 * 2.86 = 22.88, 11.44, 5.72;
                 w2 = 0.98 - 0.2288 = 0.7512, w1 = 0.98 - 0.1144 = 0.8656,
                 b = 0.98 - 0.0572 = 0.9228
  sample (3, 6): y_hat = 9 * 0.7512 + 3 * 0.8656 + 0.9228 = 10.2804, error 4.2804,
                 grads 18 * 4.2804, 6 * 4.2804, 2 * 4.2804 = 77.0472, 25.6824, 8.5608;
                 w2 = -0.019272, w1 = 0.608776, b = 0.837192
  epoch 0's loss (the last sample's, at the new point): y_hat = -0.173448 + 1.826328 + 0.837192
                 = 2.490072, error -3.509928, loss 12.319594...
With --batch the first epoch's errors are 1, 3, 7 (y_hat 3, 7, 13), so the mean gradients are
(2 + 24 + 126) / 3 = 152 / 3, (2 + 12 + 42) / 3 = 56 / 3 and (2 + 6 + 14) / 3 = 22 / 3.
"""

import collections
import math
import re

import pytest

import gradient_descent as gd

X, Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]  # the lecture's data: every point on y = 2x
START = (1.0, 1.0, 1.0)
OFF_THE_LINE = "-2,1 0,3 1.5,-4 0.5,7"  # negative x, x = 0, and no parabola through all four
DIVERGED = (
    "gradient_descent.py: diverged: in epoch %d, which started from (w2, w1, b) = %r, "
    "the loss went past the largest float\n"
)
ERROR = "gradient_descent.py: error: "


# ---------------------------------------------------------------------------
# The independent loop
# ---------------------------------------------------------------------------


def grads_at(x, y, w2, w1, b):
    """The chain rule through y_hat: 2 * error times what multiplies each parameter."""
    error = (x * x * w2 + x * w1 + b) - y
    return 2 * x * x * error, 2 * x * error, 2 * error


def sample_loss(x, y, w2, w1, b):
    error = (x * x * w2 + x * w1 + b) - y
    return error * error


def left_to_right_mean(values):
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total / len(values)


def mean_loss(params, xs, ys):
    return left_to_right_mean([sample_loss(x, y, *params) for x, y in zip(xs, ys)])


def predict(params):
    w2, w1, b = params
    return 4 * 4 * w2 + 4 * w1 + b


def printed(*words):
    """The line print(*words) writes."""
    return " ".join(map(str, words))


def rounded(values):
    return [round(value, 2) for value in values]


Loop = collections.namedtuple("Loop", "lines params steps diverged starts")


def loop(lr=0.01, epochs=10, xs=X, ys=Y, batch=False, max_steps=None):
    """The exercise in plain floats: the lines the command prints, the final (w2, w1, b), each
    step's (xs, ys, params, grads), the epoch in which the loss first does not fit (or None),
    and the (w2, w1, b) each epoch started from. Stops before step max_steps + 1 if given."""
    params, steps, starts = START, [], []
    lines = [printed("Prediction (before training)", 4, predict(START))]
    groups = [(xs, ys)] if batch else [([x], [y]) for x, y in zip(xs, ys)]
    for epoch in range(epochs):
        starts.append(params)
        for step_xs, step_ys in groups:
            if max_steps is not None and len(steps) == max_steps:
                return Loop(lines, params, steps, None, starts)
            each = [grads_at(x, y, *params) for x, y in zip(step_xs, step_ys)]
            grads = tuple(left_to_right_mean(list(column)) for column in zip(*each))
            steps.append((step_xs, step_ys, params, grads))
            if not batch:
                lines.append(printed("\tgrad: ", step_xs[0], step_ys[0], *rounded(grads)))
            params = tuple(p - lr * g for p, g in zip(params, grads))
            loss = mean_loss(params, step_xs, step_ys)  # per sample: that sample's loss
        if not loss < math.inf:
            return Loop(lines, params, steps, epoch, starts)
        shown = (["grad=", *rounded(grads)] if batch else []) + ["w2=", round(params[0], 2)]
        shown += ["w1=", round(params[1], 2), "b=", round(params[2], 2), "loss=", round(loss, 2)]
        lines.append(printed("progress:", epoch, *shown))
    lines.append(
        printed("Predicted score (after training)", "4 hours of studying: ", predict(params))
    )
    return Loop(lines, params, steps, None, starts)


def test_the_loop_itself_takes_the_steps_worked_by_hand():
    steps = loop(epochs=1).steps
    assert steps[0][3] == (2.0, 2.0, 2.0)
    assert steps[1][2] == pytest.approx((0.98, 0.98, 0.98))
    assert steps[1][3] == pytest.approx((22.88, 11.44, 5.72))
    assert steps[2][2] == pytest.approx((0.7512, 0.8656, 0.9228))
    assert steps[2][3] == pytest.approx((77.0472, 25.6824, 8.5608))
    assert loop(epochs=1).params == pytest.approx((-0.019272, 0.608776, 0.837192))
    assert loop(epochs=1).lines[4].endswith(" loss= 12.32")  # 3.509928 ** 2 = 12.3196
    assert loop(epochs=1, batch=True).steps[0][3] == pytest.approx((152 / 3, 56 / 3, 22 / 3))


# ---------------------------------------------------------------------------
# 1, 2: every printed line, and the numbers after the lecture's 10 epochs
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options, settings",
    [
        ([], {}),
        (["--batch"], {"batch": True}),
        (["--lr", 0.03, "--epochs", 20, "--data", OFF_THE_LINE], {"lr": 0.03, "epochs": 20}),
        (
            ["--lr", 0.03, "--epochs", 20, "--data", OFF_THE_LINE, "--batch"],
            {"lr": 0.03, "epochs": 20, "batch": True},
        ),
    ],
    ids=["lecture", "batch", "off-the-line", "off-the-line-batch"],
)
def test_every_printed_line_is_what_the_independent_loop_gives(run, options, settings):
    if "--data" in options:
        settings = {**settings, "xs": [-2.0, 0.0, 1.5, 0.5], "ys": [1.0, 3.0, -4.0, 7.0]}
    result = run("--exercise", *options)
    assert (result.status, result.err) == (0, "")
    assert result.out.splitlines() == loop(**settings).lines


def test_the_first_lines_are_the_ones_worked_by_hand(run):
    lines = run("--exercise").out.splitlines()
    assert lines[0] == "Prediction (before training) 4 21.0"  # 16 + 4 + 1
    assert lines[1] == "\tgrad:  1.0 2.0 2.0 2.0 2.0"
    assert lines[2] == "\tgrad:  2.0 4.0 22.88 11.44 5.72"
    assert lines[3] == "\tgrad:  3.0 6.0 77.05 25.68 8.56"
    assert lines[4] == "progress: 0 w2= -0.02 w1= 0.61 b= 0.84 loss= 12.32"
    batch = run("--exercise", "--batch").out.splitlines()  # 152/3, 56/3, 22/3
    assert batch[1].startswith("progress: 0 grad= 50.67 18.67 7.33 ")


def test_after_the_lectures_10_epochs(run):
    # The numbers the exercise states, checked against the loop, train2() and the run
    expected, prediction = (0.2876, 0.7804, 0.9336), 8.66
    params = loop().params
    assert tuple(round(p, 4) for p in params) == expected
    assert round(predict(params), 2) == prediction
    assert tuple(round(p, 4) for p in gd.train2()) == expected
    last = run("--exercise").out.splitlines()[-1]
    assert last.startswith("Predicted score (after training) 4 hours of studying:  ")
    assert float(last.split()[-1]) == predict(params)
    assert round(float(last.split()[-1]), 2) == prediction


# ---------------------------------------------------------------------------
# 3: convergence
# ---------------------------------------------------------------------------


def test_a_long_run_fits_the_line_the_data_lies_on(run):
    # The data lies on y = 2x, so (w2, w1, b) = (0, 2, 0) fits exactly and predicts 8 for 4 hours
    result = run("--exercise", "--lr", 0.02, "--epochs", 10000, "--quiet")
    lines = result.out.splitlines()
    assert (result.status, result.err, len(lines)) == (0, "", 3)
    assert lines[1].startswith("progress: 9999 w2= 0.0 w1= 2.0 b= 0.0 ")
    assert abs(float(lines[-1].split()[-1]) - 8) < 1e-5


# ---------------------------------------------------------------------------
# 4: exercise 3-1, the derivatives
# ---------------------------------------------------------------------------


def central(f, v, h):
    return (f(v + h) - f(v - h)) / (2 * h)


@pytest.mark.parametrize(
    "x, y, params",
    [
        (1.0, 2.0, (1.0, 1.0, 1.0)),
        (3.0, 6.0, (1.0, 1.0, 1.0)),
        (-2.5, 1.0, (0.5, -1.5, 2.0)),
        (0.0, 3.0, (1.0, 1.0, 1.0)),  # x = 0: the loss does not depend on w2 or w1
        (3.0, 6.0, (0.0, 2.0, 0.0)),  # on the line: every derivative 0
        (1e-3, 7.0, (-3.0, 4.0, 0.25)),
        (1e3, -4.0, (1e-3, 2.0, -7.0)),
        (-1e5, 2e5, (2.0, -3.0, 1e4)),
        (0.5, -1e6, (1e6, -2e6, 3e5)),
    ],
)
def test_the_derivatives_are_the_slopes_of_the_loss(x, y, params):
    grads = gd.gradient2(x, y, *params)
    for j, grad in enumerate(grads):

        def along(v, j=j):
            moved = list(params)
            moved[j] = v
            return gd.loss2(x, y, *moved)

        # The loss is a parabola along each parameter, so a central difference is exact but for
        # rounding: y_hat - y is off by a few 2**-53 of its terms' sizes, so each loss by that
        # times 2 * |error|, and the loss itself by 2**-53 of its size; 2h divides both
        h = 1e-3 * max(1.0, abs(params[j]))
        terms = abs(x * x * params[0]) + abs(x * params[1]) + abs(params[2]) + abs(y)
        terms += (x * x, abs(x), 1.0)[j] * h
        sides = [along(params[j] + h), along(params[j] - h)]
        slack = 1e-15 * (terms * sum(map(math.sqrt, sides)) + sum(sides)) / h
        assert central(along, params[j], h) == pytest.approx(grad, rel=1e-7, abs=slack)


@pytest.mark.parametrize(
    "x, y, params, grads",
    [
        (1.0, 2.0, (1.0, 1.0, 1.0), (2.0, 2.0, 2.0)),  # error 1
        (3.0, 6.0, (1.0, 1.0, 1.0), (126.0, 42.0, 14.0)),  # error 13 - 6 = 7: 18 * 7, 6 * 7, 2 * 7
        (0.0, 3.0, (1.0, 1.0, 1.0), (0.0, 0.0, -4.0)),  # y_hat = b = 1, error -2
        (-2.0, 1.0, (1.0, 1.0, 1.0), (16.0, -8.0, 4.0)),  # y_hat = 4 - 2 + 1 = 3, error 2
        (3.0, 6.0, (0.0, 2.0, 0.0), (0.0, 0.0, 0.0)),  # on the line
    ],
)
def test_the_derivatives_worked_by_hand(x, y, params, grads):
    assert gd.gradient2(x, y, *params) == grads
    assert gd.loss2(x, y, *params) == (grads[2] / 2) ** 2


# ---------------------------------------------------------------------------
# 5, 6: --explain
# ---------------------------------------------------------------------------

ARITHMETIC = re.compile(
    r"\t(y_hat|grad w2|grad w1|grad b|w2|w1|b) = (.+) = (\S+?)(?:, measured (\S+))?"
)
Sum = collections.namedtuple("Sum", "label expression value measured")


def arithmetic(out):
    """Each line `\\t<label> = <expression> = <value>[, measured S]` of --explain."""
    found = []
    for line in out.splitlines():
        match = ARITHMETIC.fullmatch(line)
        if match:
            found.append(Sum(*match.groups()))
    return found


def evaluate(expression):
    """The expression as Python evaluates it: numbers and + - * / ( ) only."""
    assert re.fullmatch(r"[-+*/() 0-9.e]+", expression), expression
    return eval(expression, {"__builtins__": {}})


def check_arithmetic(out, count):
    sums = arithmetic(out)
    assert len(sums) == count
    for s in sums:
        assert repr(evaluate(s.expression)) == s.value, s
        if s.label.startswith("grad"):  # the slope measured, equal to the gradient as shown
            assert float(s.measured) == float(format(float(s.value), ".6g")), s
        else:
            assert s.measured is None
    return sums


def test_explain_one_step_worked_by_hand(run):
    # From (1, 1, 1) on the sample (3, 6): y_hat = 9 + 3 + 1 = 13, error 7, so the gradients are
    # 2 * 9 * 7 = 126, 2 * 3 * 7 = 42 and 2 * 7 = 14; then w2 = 1 - 1.26, w1 = 1 - 0.42,
    # b = 1 - 0.14
    result = run("--exercise", "--explain", "--data", "3,6", "--epochs", 1)
    assert result.status == 0
    sums = check_arithmetic(result.out, 7)
    values = {s.label: float(s.value) for s in sums}
    assert values["y_hat"] == 13.0
    assert (values["grad w2"], values["grad w1"], values["grad b"]) == (126.0, 42.0, 14.0)
    assert [float(s.measured) for s in sums[1:4]] == [126.0, 42.0, 14.0]
    assert (values["w2"], values["w1"], values["b"]) == pytest.approx((-0.26, 0.58, 0.86))


def test_explain_opens_with_its_formulas_in_lines_of_72_columns_at_most(run):
    lines = run("--exercise", "--explain", "--epochs", 0).out.splitlines()
    header = lines[: lines.index("Prediction (before training) 4 21.0")]
    assert len(header) == 5 and max(map(len, header)) <= 72
    # each formula whole on one line, none split where a wrap would split it
    for formula in (
        "y_hat = x * x * w2 + x * w1 + b",
        "grad w2 = 2 * x * x * (y_hat - y)",
        "grad w1 = 2 * x * (y_hat - y)",
        "grad b = 2 * (y_hat - y)",
        "(loss(p + h) - loss(p - h)) / 2h",
        "p = p - lr * grad",
    ):
        assert any(formula in line for line in header), formula


@pytest.mark.parametrize("data", ["1,2 2,4 3,6", OFF_THE_LINE])
def test_explain_per_sample_every_expression_is_the_value_shown(run, data):
    result = run("--exercise", "--explain", "--data", data)
    assert result.status == 0
    check_arithmetic(result.out, 10 * len(data.split()) * 7)  # y_hat, 3 gradients, 3 updates


@pytest.mark.parametrize(
    "data, first",
    [
        ("1,2 2,4 3,6", [152 / 3, 56 / 3, 22 / 3]),  # worked by hand in the module docstring
        ("1,2 2,4 3,6.5", [143 / 3, 53 / 3, 7.0]),  # errors 1, 3, 6.5: (2 + 24 + 117) / 3, ...
    ],
)
def test_explain_with_batch_every_expression_is_the_value_shown(run, data, first):
    result = run("--exercise", "--explain", "--batch", "--data", data)
    assert result.status == 0
    sums = check_arithmetic(result.out, 10 * (3 + 3 + 3))  # per epoch: 3 y_hat, 3 grads, 3 updates
    for s in sums:
        if s.label.startswith("grad"):  # the mean: (term + term + term) / n
            assert s.expression.startswith("(") and s.expression.endswith(") / 3"), s
    assert [float(s.value) for s in sums[3:6]] == pytest.approx(first, rel=1e-15)


def test_explain_with_batch_of_two_samples_shows_their_mean(run):
    # from (1, 1, 1): y_hat = 3 for x = 1 and 4 + 2 + 1 = 7 for x = 2, errors 1 and 3, so the
    # mean gradients are (2 + 8 * 3) / 2 = 13, (2 + 4 * 3) / 2 = 7 and (2 + 2 * 3) / 2 = 4
    result = run("--exercise", "--explain", "--batch", "--data", "1,2 2,4", "--epochs", 1)
    grads = [s for s in check_arithmetic(result.out, 2 + 3 + 3) if s.label.startswith("grad")]
    assert [s.expression[-5:] for s in grads] == [") / 2"] * 3
    assert [float(s.value) for s in grads] == [13.0, 7.0, 4.0]


# At the smallest x the data allow, the curvature along w2, mean(x^4), is 1e-400 or less, past
# the smallest float: the scale of h must not come out as 0. From (1, 1, 1), y_hat rounds to 1.0,
# so by hand the gradients are 2 x^2 (1 - y), 2 x (1 - y) and 2 (1 - y)
@pytest.mark.parametrize("x, y", [(1e-100, 1e-100), (1e-150, 1.0), (-1e-150, 4.0)])
def test_explain_measures_each_slope_at_the_smallest_x(run, x, y):
    result = run("--exercise", "--explain", "--epochs", 1, "--data", "%r,%r" % (x, y))
    grads = [s for s in check_arithmetic(result.out, 7) if s.label.startswith("grad")]
    assert [float(s.value) for s in grads] == [2 * x * x * (1 - y), 2 * x * (1 - y), 2 * (1 - y)]


# --explain's measured slope where the mean loss along a parameter does not come down to 0 at its
# lowest point (data off every parabola, with --batch) and the gradient is small. From (1, 1, 1)
# the errors are -1, 3, -3 and 1 - d (d = 6.000000000001 - 6, about 1e-12), so by hand the mean
# gradients are -2d, -d and -d/2: the slopes of the mean loss along w2, w1, b. A central
# difference with h = 1 measures them within 1% (checked here); an h as small as the distance to
# the lowest point (about 2e-13) would subtract two losses of about 5 that differ in their last
# bits only.
def test_explain_measures_a_small_slope_on_a_loss_that_stays_above_0(run):
    xs, ys = [-1.0, 0.0, 1.0, 2.0], [2.0, -2.0, 6.0, 6.000000000001]
    data = " ".join("%r,%r" % pair for pair in zip(xs, ys))
    result = run("--exercise", "--explain", "--batch", "--epochs", 1, "--data", data)
    grads = [s for s in arithmetic(result.out) if s.label.startswith("grad")]
    d = ys[3] - 6
    for j, s in enumerate(grads):
        assert float(s.value) == pytest.approx([-2 * d, -d, -d / 2][j], rel=1e-3)

        def along(v, j=j):
            moved = list(START)
            moved[j] = v
            return mean_loss(moved, xs, ys)

        assert central(along, 1.0, 1.0) == pytest.approx(float(s.value), rel=0.01)  # measurable
        assert float(s.measured) == pytest.approx(float(s.value), rel=0.01), s


# Where the loss itself fits but is above half the largest float, f(v + h) + f(v - h) does not
# fit: the slope must still be measured from the two losses, not come out as 0 from an h so small
# that v + h == v. In this diverging run (the loop below says it stops in epoch 104) the last
# step's loss is about 1.15e308, which fits.
def test_explain_measures_where_the_loss_fits_even_above_half_the_largest_float(run):
    expected = loop(lr=0.1, epochs=105)
    result = run("--exercise", "--explain", "--lr", 0.1, "--epochs", 105)
    assert result.status == 1 and expected.diverged == 104
    grads = [s for s in arithmetic(result.out) if s.label.startswith("grad")]
    assert len(grads) == 3 * len(expected.steps)
    wrong = []
    for (xs, ys, params, _), three in zip(expected.steps, zip(*[iter(grads)] * 3)):  # in threes
        if mean_loss(params, xs, ys) < math.inf:  # the loss fits: its slope can be measured
            for s in three:
                if float(s.measured) != pytest.approx(float(s.value), rel=1e-3):
                    wrong.append((s.label, s.value, s.measured))
    assert wrong == []


# Once a gradient is inf, h = inf / 2 is inf again (and nan stays nan): measured() must not
# halve it for ever. Here the first gradient overflows: y_hat = 1e154 + 1e77 + 1, so grad w2 =
# 2 * 1e154 * 1e154 = inf, and the run (as it does without --explain) ends in epoch 0 with
# status 1. (Should it hang, the suite's 20 s guard in conftest.py fails the test.)
def test_explain_ends_when_a_gradient_overflows(run):
    expected = loop(epochs=1, xs=[1e77], ys=[0.0])
    assert expected.diverged == 0 and expected.steps[0][3][0] == math.inf
    assert run("--exercise", "--data", "1e77,0", "--epochs", 1).err == DIVERGED % (0, START)
    result = run("--exercise", "--explain", "--data", "1e77,0", "--epochs", 1)
    assert (result.status, result.err) == (1, DIVERGED % (0, START))


# Where the gradients fit but the loss does not, no slope can be measured, and --explain says so.
# Three samples (1, 0) at lr 1e100: each step moves each parameter by lr * 2 y_hat, so y_hat
# goes 3, 3 (1 - 6e100) = -1.8e101, then 1.08e202, where the loss (1.08e202)^2 is past the
# largest float while the gradients 2.16e202 and the step 2.16e302 are not.
def test_explain_says_where_the_loss_about_a_parameter_does_not_fit(run):
    result = run("--exercise", "--explain", "--data", "1,0 1,0 1,0", "--lr", 1e100, "--epochs", 1)
    grads = [line for line in result.out.splitlines() if line.startswith("\tgrad ")]
    assert len(grads) == 9
    for line in grads[6:]:
        assert line.endswith(" = 2.16e+202, measured none, the loss about it does not fit")
    assert result.status == 1


# ---------------------------------------------------------------------------
# 7: refused
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("option", [["--w", 2], ["--step"], ["--rates"], ["--plot"]], ids=str)
def test_options_for_one_weight_are_refused_with_one_line(run, option):
    result = run("--exercise", *option)
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith(ERROR + "argument --exercise: ")
    assert result.err.count("\n") == 1 and result.err.endswith("\n")


def test_data_whose_loss_at_the_start_does_not_fit_is_refused(run):
    # y_hat = 1e200 + 1e100 + 1, and its square is past the largest float, about 1.8e308
    result = run("--exercise", "--data", "1e100,1")
    assert (result.status, result.out) == (2, "")
    assert result.err.startswith(ERROR) and result.err.count("\n") == 1


@pytest.mark.parametrize("x, refused", [("1e100", True), ("1.1e77", False)])
def test_only_a_start_whose_loss_does_not_fit_is_refused_and_says_what_to_do(run, x, refused):
    # from (1, 1, 1), y_hat = x^2 + x + 1 for the sample (x, 0): for x = 1e100 its square,
    # 1e400, is past the largest float, 1.8e308; for x = 1.1e77, (1.21e154)^2 = 1.46e308 fits,
    # and the run starts (its first gradient, 2 x^2 y_hat = 2.9e308, does not: epoch 0 ends it)
    result = run("--exercise", "--data", x + ",0")
    if refused:
        assert (result.status, result.out) == (2, "")
        assert result.err == ERROR + (
            "at the start, w2 = w1 = b = 1.0, the loss does not fit in a float: use smaller x "
            "(see --help)\n"
        )
    else:
        assert result.out.startswith("Prediction (before training) 4 21.0\n")
        assert (result.status, result.err) == (1, DIVERGED % (0, START))


# ---------------------------------------------------------------------------
# 8: a diverging run
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("batch", [[], ["--batch"]], ids=["per-sample", "batch"])
def test_a_diverging_run_names_the_epoch_and_where_it_started(run, batch):
    expected = loop(lr=0.3, epochs=1000, batch=bool(batch))
    assert expected.diverged is not None
    # where that epoch started: the (w2, w1, b) after that many epochs
    start = loop(lr=0.3, epochs=expected.diverged, batch=bool(batch)).params
    assert start == expected.starts[-1]
    result = run("--exercise", "--lr", 0.3, "--epochs", 1000, "--quiet", *batch)
    assert result.status == 1
    assert result.out == "Prediction (before training) 4 21.0\n"
    assert result.err == DIVERGED % (expected.diverged, start)


# ---------------------------------------------------------------------------
# 9: train2() from Python
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "settings",
    [
        {},
        {"batch": True},
        {"lr": 0.05, "epochs": 37},
        {"lr": 0.03, "epochs": 50, "xs": [-2.0, 0.0, 1.5, 0.5], "ys": [1.0, 3.0, -4.0, 7.0]},
        {"epochs": 0},
    ],
)
def test_train2_returns_what_the_loop_gives(settings):
    names = {"xs": "x_data", "ys": "y_data"}
    given = {names.get(key, key): value for key, value in settings.items()}
    assert gd.train2(**given) == loop(**settings).params


def test_train2_calls_on_step_and_on_epoch_with_what_the_loop_computes():
    seen, epochs = [], []
    gd.train2(
        epochs=2,
        on_step=lambda xs, ys, params, grads: seen.append((xs, ys, params, tuple(grads))),
        on_epoch=lambda epoch, params, loss, grads: epochs.append((epoch, params)),
    )
    expected = loop(epochs=2)
    assert seen == [(tuple(xs), tuple(ys), p, g) for xs, ys, p, g in expected.steps]
    assert seen[0] == ((1.0,), (2.0,), (1.0, 1.0, 1.0), (2.0, 2.0, 2.0))  # by hand
    assert epochs == [(0, expected.starts[1]), (1, expected.params)]


@pytest.mark.parametrize("stop_at", [1, 3, 5])
def test_on_step_returning_true_stops_before_that_step(stop_at):
    calls = []

    def on_step(xs, ys, params, grads):
        calls.append(params)
        return len(calls) == stop_at

    params = gd.train2(on_step=on_step)
    assert len(calls) == stop_at
    assert params == loop(max_steps=stop_at - 1).params


@pytest.mark.parametrize("xs, ys", [([1.0, 2.0], [2.0]), ([1.0], [2.0, 4.0]), ([], [])])
def test_train2_refuses_mismatched_or_empty_data(xs, ys):
    with pytest.raises(ValueError):
        gd.train2(x_data=xs, y_data=ys)
