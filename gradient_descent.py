"""Gradient descent by hand, as in lecture 3 of Sung Kim's "PyTorch Zero to All".

The runnable companion to the blog post "PyTorch Lecture about Machine
Learning - 3: Gradient Descent". Standard library only, Python 3.9 or newer:

    python gradient_descent.py

prints what the lecture printed: w starts at 1.0 and slides towards 2.
"""

import math
import sys

# ---------------------------------------------------------------------------
# The lecture: data, model, loss, gradient, training loop, and its run
# ---------------------------------------------------------------------------

# Training data: every point lies on y = 2 * x, so the best w is 2
x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


# Our model for the forward pass
def forward(x, w):
    return x * w


# Loss function: the squared error of one sample
def loss(x, y, w):
    y_pred = forward(x, w)
    return (y_pred - y) * (y_pred - y)


# Compute gradient: d loss / d w of (x * w - y) ** 2
def gradient(x, y, w):
    return 2 * x * (x * w - y)


# Training loop: one gradient step per sample, as in the lecture
def train(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None, x_data=x_data, y_data=y_data):
    """Return w after `epochs` passes over the data, starting from `w`.

    It prints nothing itself. If given, on_step(x_val, y_val, w, grad) is
    called before each update, and on_epoch(epoch, w, l, grad) after each
    epoch, with that epoch's last gradient.
    Raises OverflowError as soon as w or the loss is no longer a finite number.
    The data is the lecture's unless other x_data and y_data are given.
    """
    for epoch in range(epochs):
        for x_val, y_val in zip(x_data, y_data):
            # Compute derivative w.r.t to the learned weights
            grad = gradient(x_val, y_val, w)
            if on_step:
                on_step(x_val, y_val, w, grad)
            # Update the weights
            w = w - lr * grad
            # Compute the loss and print progress
            l = loss(x_val, y_val, w)
            if not math.isfinite(l):  # w is infinite or nan too, or soon will be
                raise OverflowError(f"in epoch {epoch}, w = {w} and the loss = {l}")
        if on_epoch:
            on_epoch(epoch, w, l, grad)
    return w


# The lecture's printed lines: one per step, one per epoch
def print_grad(x_val, y_val, w, grad):
    print("\tgrad: ", x_val, y_val, round(grad, 2))


def print_progress(epoch, w, l, grad):  # the lecture's line leaves out grad
    print("progress:", epoch, "w=", round(w, 2), "loss=", round(l, 2))


# The lecture's run: w = 1.0 stands for a random start; returns the trained w
def lecture(w=1.0, lr=0.01, epochs=10, training=train, on_step=print_grad, on_epoch=print_progress):
    # Before training
    print("Prediction (before training)", 4, forward(4, w))
    w = training(w, lr, epochs, on_step, on_epoch)
    # After training
    print("Predicted score (after training)", "4 hours of studying: ", forward(4, w))
    return w


# ---------------------------------------------------------------------------
# Full batch: the slide's form, one step per epoch on the mean loss
# ---------------------------------------------------------------------------


# The mean loss over all samples: the height of the loss curve at w
def mean_loss(w, x_data=x_data, y_data=y_data):
    return sum(loss(x, y, w) for x, y in zip(x_data, y_data)) / len(x_data)


# d mean_loss / d w: the mean of the samples' gradients, (1/N) * sum of 2x(xw - y)
def mean_gradient(w, x_data=x_data, y_data=y_data):
    return sum(gradient(x, y, w) for x, y in zip(x_data, y_data)) / len(x_data)


def train_batch(
    w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None, x_data=x_data, y_data=y_data
):
    """Like train(), but one update per epoch, with the gradient of the mean loss.

    If given, on_step(w, grad) is called before each update and
    on_epoch(epoch, w, l, grad) after it, where l is the mean loss.
    """
    for epoch in range(epochs):
        grad = mean_gradient(w, x_data, y_data)
        if on_step:
            on_step(w, grad)
        w = w - lr * grad
        l = mean_loss(w, x_data, y_data)
        if not math.isfinite(l):
            raise OverflowError(f"in epoch {epoch}, w = {w} and the loss = {l}")
        if on_epoch:
            on_epoch(epoch, w, l, grad)
    return w


def print_batch_progress(epoch, w, l, grad):
    print("progress:", epoch, "grad=", round(grad, 2), "w=", round(w, 2), "loss=", round(l, 2))


# ---------------------------------------------------------------------------
# Where w settles: what one epoch does to w
# ---------------------------------------------------------------------------


# The least-squares w, where the mean gradient is zero: sum(x * y) / sum(x * x)
def best_w(x_data=x_data, y_data=y_data):
    return sum(x * y for x, y in zip(x_data, y_data)) / sum(x * x for x in x_data)


# Whether the data is off every line y = x * w: then no w makes every loss zero
def off_line(x_data=x_data, y_data=y_data):
    return mean_loss(best_w(x_data, y_data), x_data, y_data) > 0


def epoch_map(lr, batch=False, x_data=x_data, y_data=y_data):
    """(F, C) such that one epoch takes w to F * w + C.

    A step w - lr * 2x(xw - y) is (1 - 2 * lr * x**2) * w + 2 * lr * x * y; a
    full-batch step uses the means of x**2 and x * y. Exact for Fraction inputs.
    """
    if batch:
        n = len(x_data)
        return (
            1 - 2 * lr * sum(x * x for x in x_data) / n,
            2 * lr * sum(x * y for x, y in zip(x_data, y_data)) / n,
        )
    factor, shift = 1, 0
    for x, y in zip(x_data, y_data):
        factor, shift = (1 - 2 * lr * x * x) * factor, (1 - 2 * lr * x * x) * shift + 2 * lr * x * y
    return factor, shift


def epoch_factor(lr, batch=False, x_data=x_data):
    """What one epoch multiplies the distance from w to where w settles by."""
    return epoch_map(lr, batch, x_data, x_data)[0]  # F does not depend on y


def exact_map(lr, batch, x_data, y_data):
    """epoch_map() in exact rational arithmetic, for the float lr and data given."""
    from fractions import Fraction  # here: only a run that needs it pays for loading it

    return epoch_map(Fraction(lr), batch, list(map(Fraction, x_data)), list(map(Fraction, y_data)))


def settling_point(lr, batch=False, x_data=x_data, y_data=y_data):
    """The w an epoch leaves where it is, C / (1 - F); None when F is exactly 1."""
    factor, shift = exact_map(lr, batch, x_data, y_data)
    return None if factor == 1 else float(shift / (1 - factor))


# ---------------------------------------------------------------------------
# Which learning rates converge: where |F| < 1
# ---------------------------------------------------------------------------


def converges(lr, batch=False, x_data=x_data):
    """Whether |epoch_factor(lr)| < 1, decided exactly for the float lr given."""
    return abs(exact_map(lr, batch, x_data, x_data)[0]) < 1


def crossing(test, false_at, true_at):
    """Where test(lr) turns true between two learning rates: the float on its true side.

    test must be false at false_at and true at true_at, and change only once between them
    (false_at may be the larger). Halving ends when the two are neighbouring floats."""
    while True:
        middle = (false_at + true_at) / 2
        if middle in (false_at, true_at):
            return true_at
        if test(middle):
            true_at = middle
        else:
            false_at = middle


def convergent_rates(batch=False, x_data=x_data):
    """The intervals (low, high) of lr > 0 on which |epoch_factor(lr)| < 1."""

    def diverges(lr):
        return abs(epoch_factor(lr, batch, x_data)) >= 1

    # F(lr) is the product of 1 - c * lr, one factor per step, and is 0 at each lr = 1 / c.
    # Between two zeros |F| rises to one peak and falls: d log|F| / d lr = -sum c / (1 - c * lr)
    # falls from +inf to -inf. Past the last zero |F| grows, and it is 1 or more by
    # lr = 2 / min(c), where every factor is -1 or less.
    scales = (
        [2 * sum(x * x for x in x_data) / len(x_data)] if batch else [2 * x * x for x in x_data]
    )
    scales = [c for c in scales if c > 0]  # a sample with x = 0 never moves w

    def falling(lr):
        return sum(c / (1 - c * lr) for c in scales) > 0

    zeros = sorted({1 / c for c in scales})
    intervals, low = [], 0.0
    for left, right in zip(zeros, zeros[1:]):
        peak = crossing(falling, left, right)
        if diverges(peak):
            intervals.append((low, crossing(diverges, left, peak)))
            low = crossing(diverges, right, peak)
    intervals.append((low, crossing(diverges, zeros[-1], 2 * zeros[-1])))
    return intervals


# ---------------------------------------------------------------------------
# The learning rate in words: the warnings' sentence
# ---------------------------------------------------------------------------


def decimal_text(value, digits, rounding="ROUND_HALF_EVEN"):
    """value (a float or Fraction) to `digits` significant digits, as plain text."""
    from decimal import Decimal, localcontext
    from fractions import Fraction

    exact = Fraction(value)
    with localcontext() as context:
        context.prec, context.rounding = digits, rounding
        number = (Decimal(exact.numerator) / Decimal(exact.denominator)).normalize()
    return f"{number:f}" if -7 < number.adjusted() < 16 else f"{number:g}"


def factor_text(factor):
    """An exact factor with 3 significant digits, or as many more as show its side of 1."""
    from fractions import Fraction

    digits = 3
    while True:  # ends: the factor's denominator is a power of 2, so its decimals end
        shown = abs(Fraction(decimal_text(factor, digits)))
        if (shown > 1, shown == 1) == (abs(factor) > 1, abs(factor) == 1):
            return decimal_text(factor, digits)
        digits += 1


def rates_text(intervals, digits=3):
    """The intervals as words, their ends rounded inwards, so every rate named converges."""
    parts = []
    for low, high in intervals:
        if low == 0:
            parts.append(f"below {decimal_text(high, digits, 'ROUND_FLOOR')}")
            continue
        more = digits
        while True:  # a narrow interval needs more digits to show it
            low_text = decimal_text(low, more, "ROUND_CEILING")
            high_text = decimal_text(high, more, "ROUND_FLOOR")
            if float(low_text) < float(high_text):
                break
            more += 1
        parts.append(f"between {low_text} and {high_text}")
    return " or ".join(parts)


def growth_note(lr, batch, x_data=x_data, y_data=y_data):
    """One sentence on what a learning rate does to the distance from where w settles."""
    factor, shift = exact_map(lr, batch, x_data, y_data)
    mode = "full-batch steps" if batch else "per-sample steps"
    rates = f"{mode} converge on this data for --lr {rates_text(convergent_rates(batch, x_data))}"
    if factor == 1:
        return f"at --lr {lr} each epoch adds {float(shift):.3g} to w, so w never settles; {rates}"
    point = float(shift / (1 - factor))
    if off_line(x_data, y_data):
        where = "the least-squares w" if batch else "the w an epoch leaves where it is"
        point = f"{point:.6g} ({where})"
    else:
        point = f"{point:.6g}"
    size = abs(factor)
    effect = "grows" if size > 1 else "stays the same" if size == 1 else "shrinks"
    return (
        f"at --lr {lr} each epoch multiplies the distance from w to {point} "
        f"by {factor_text(factor)}, so it {effect}; {rates}"
    )


# ---------------------------------------------------------------------------
# Explain: each update with the numbers put into the post's formulas
# ---------------------------------------------------------------------------


# The formulas, printed once before the numbers
EXPLAIN_STEP = "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
EXPLAIN_BATCH = "each epoch: grad = the mean of 2 * x * (x * w - y), then w = w - lr * grad"


def explain_gradient(x, y, w):
    return f"2 * {x} * ({x} * {w} - {y}) = {gradient(x, y, w)}"


def explain_update(w, lr, grad):
    return f"w = {w} - {lr} * {grad} = {w - lr * grad}"


def explain_step(x_val, y_val, w, grad, lr):
    """The arithmetic of one per-sample step: its gradient, then its update."""
    return f"\tgrad = {explain_gradient(x_val, y_val, w)}\n\t{explain_update(w, lr, grad)}"


def explain_batch_step(w, grad, lr, x_data=x_data, y_data=y_data):
    """The arithmetic of one full-batch step: each sample's gradient, their mean, the update."""
    lines = [f"\t{explain_gradient(x, y, w)}" for x, y in zip(x_data, y_data)]
    terms = " + ".join(str(gradient(x, y, w)) for x, y in zip(x_data, y_data))
    lines.append(f"\tgrad = ({terms}) / {len(x_data)} = {grad}")
    lines.append(f"\t{explain_update(w, lr, grad)}")
    return "\n".join(lines)


def settling_text(lr, batch, x_data, y_data):
    """For data off a line through 0: the least-squares w, and where these steps settle."""
    best = f"least-squares w (lowest mean loss): {best_w(x_data, y_data):.6g}"
    if batch:
        return f"{best}; full-batch steps settle there"
    point = settling_point(lr, batch, x_data, y_data)
    settles = "never settle" if point is None else f"settle at w = {point:.6g}"
    return f"{best}; per-sample steps at --lr {lr} {settles}"


# ---------------------------------------------------------------------------
# Plot: the mean-loss curve in the terminal, with w marked at each epoch
# ---------------------------------------------------------------------------

WIDTH, HEIGHT = 59, 14  # the curve's columns and rows; with labels, 72 x 20 at most
MARKS = 60  # a long run marks about this many epochs, evenly spread, beyond the first 10
ZOOM = 10  # epochs further than ZOOM times the start's distance from best w are left off


def marked(epoch, epochs):
    """Whether --plot marks this epoch: the first 10, the last, and evenly spread others."""
    return epoch < 10 or epoch == epochs - 1 or epoch % -(-epochs // MARKS) == 0


def axis_labels(left, centre, right, width=WIDTH):
    """The labels under a picture: its left end, middle and right end."""
    digits = 3
    while len({f"{v:.{digits}g}" for v in (left, centre, right)}) < 3:
        digits += 1  # a narrow range needs more digits to tell its ends apart (17 always do)
    ticks = [f"{v:.{digits}g}" for v in (left, centre, right)]
    axis = ticks[0].ljust(width // 2 - len(ticks[1]) // 2) + ticks[1]
    return axis.ljust(width - len(ticks[2])) + ticks[2]


def picture(start, marks, settle=None, x_data=x_data, y_data=y_data):
    """The mean loss over w around best_w(), as text, with S at `start` and each
    (epoch, w) in `marks` as the epoch's digit (0-9) or, after epoch 9, a *.
    For data off a line, o marks the least-squares w, and x the `settle` point if given."""
    centre = best_w(x_data, y_data)
    apart = off_line(x_data, y_data)
    anchors = [start] + [w for w in [settle] if w is not None]  # always on the picture
    reach = ZOOM * max(abs(w - centre) for w in anchors)
    shown = [(epoch, w) for epoch, w in marks if abs(w - centre) <= reach]
    half = max(abs(w - centre) for w in anchors + [w for _, w in shown]) or 1.0
    left, right = centre - half, centre + half
    top = max(mean_loss(left, x_data, y_data), mean_loss(right, x_data, y_data))
    if not math.isfinite(top):
        return f"(no plot: the loss near w = {left:.3g} does not fit in a float)"
    bottom = mean_loss(centre, x_data, y_data)  # the lowest point of the curve

    def cell(w):  # (row, column) of the point (w, mean_loss(w)); row 0 is the top
        height = mean_loss(w, x_data, y_data)
        row = round((top - height) / (top - bottom) * (HEIGHT - 1)) if top > bottom else 0
        return row, round((w - left) / (right - left) * (WIDTH - 1))

    grid = [[" "] * WIDTH for _ in range(HEIGHT)]
    points = [(left + (right - left) * j / (WIDTH - 1), ".") for j in range(WIDTH)]
    points += [(w, "*") for epoch, w in shown if epoch >= 10]
    points += [(w, str(epoch)) for epoch, w in reversed(shown) if epoch < 10]
    points += [(centre, "o")] * apart + [(w, "x") for w in anchors[1:]]
    for w, char in points + [(start, "S")]:  # where marks meet, the last drawn shows
        row, column = cell(w)
        grid[row][column] = char

    lines = ["mean loss over w: S = start, 0-9 = w after that epoch, * = a later epoch"]
    for row, chars in enumerate(grid):
        label = f"{top:.3g}" if row == 0 else f"{bottom:.3g}" if row == HEIGHT - 1 else ""
        lines.append(f"{label:>9} |{''.join(chars)}".rstrip())
    lines += [" " * 10 + "+" + "-" * WIDTH, " " * 11 + axis_labels(left, centre, right) + " w"]
    if apart:
        lines.append(f"o = the least-squares w, {centre:.6g}, where the mean loss is lowest")
        if settle is not None:
            lines.append(f"x = where these per-sample steps settle, w = {settle:.6g}")
    if len(shown) < len(marks):
        epoch, w = marks[-1]
        lines.append(f"{len(marks) - len(shown)} of the marked epochs are off the picture,")
        lines.append(
            f"further than {reach:.3g} from {centre:.6g}; after epoch {epoch}, w = {w:.3g}"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Rates: the epoch factor over the learning rate, and where it is below 1 in size
# ---------------------------------------------------------------------------

RATE_ROWS = 13  # F from 2 (top) to -2 (bottom), a third per row: rows 3, 6, 9 are 1, 0, -1


def rate_map(lr, batch=False, x_data=x_data):
    """A map of the learning rates: the epoch factor F over lr, with -1 < F < 1 marked."""
    import textwrap  # here: only --rates uses it

    intervals = convergent_rates(batch, x_data)
    right = 1.1 * intervals[-1][1]  # a little past the largest convergent rate
    column_lr = [right * j / (WIDTH - 1) for j in range(WIDTH)]
    grid = [["-" if row in (3, 9) else " "] * WIDTH for row in range(RATE_ROWS)]
    for j, rate in enumerate(column_lr):
        factor = epoch_factor(rate, batch, x_data)
        row = round((2 - factor) * 3)
        mark = "^" if row < 0 else "v" if row >= RATE_ROWS else "."  # off the map: on its edge
        grid[min(max(row, 0), RATE_ROWS - 1)][j] = mark
    mode = "full-batch" if batch else "per-sample"
    lines = [f"epoch factor F over --lr, {mode} steps: w converges where -1 < F < 1"]
    for row, chars in enumerate(grid):
        label = {0: "2", 3: "1", 6: "0", 9: "-1", 12: "-2"}.get(row, "")
        lines.append(f"{label:>9} |{''.join(chars)}".rstrip())
    band = "".join("=" if converges(r, batch, x_data) else " " for r in column_lr)
    column = round(lr / right * (WIDTH - 1))
    if lr > right:
        marker = f"--lr {lr} is off to the right >".rjust(WIDTH)
    elif column + len(f"^ --lr {lr}") <= WIDTH:
        marker = " " * column + f"^ --lr {lr}"
    else:
        marker = f"--lr {lr} ^".rjust(column + 1)
    lines += [
        " " * 10 + "+" + "-" * WIDTH,
        f"{'lr':>9}  " + axis_labels(0, right / 2, right),
        f"{'converges':>9}  " + band.rstrip(),
        " " * 11 + marker,
    ]
    lines += textwrap.wrap(f"|F| < 1 for --lr {rates_text(intervals, 6)}", 72)
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command line: the options, and checking what they are given
# ---------------------------------------------------------------------------

PROG = "gradient_descent.py"
EXAMPLES = """\
examples:
  python3 gradient_descent.py --lr 0.001   too small: w creeps towards 2
  python3 gradient_descent.py --lr 0.1     w zig-zags across 2 and settles
  python3 gradient_descent.py --lr 0.21    too large: w moves away from 2
  python3 gradient_descent.py --lr 0.5     larger still, and it converges again
  python3 gradient_descent.py --rates      which learning rates converge
  python3 gradient_descent.py --w 3        start above 2, on the other side of it
  python3 gradient_descent.py --batch      the slide's full-batch form
  python3 gradient_descent.py --data "1,2 2,4 3,6.5"   data that is not on a line
  python3 gradient_descent.py --plot       the descent drawn on the loss curve
  python3 gradient_descent.py --explain    the arithmetic of every step

exit status:
  0 done, 1 diverged (the loss no longer fits in a float), 2 bad input,
  3 the output could not be written; Ctrl-C ends it by SIGINT, as it does
  any program (a shell shows status 130)
"""
# argparse reads a value that starts with '-' (but is not a plain number) as an option
HINTS = {"--w": "--w=-1e3", "--data": '--data="-1,-2 2,4"'}


def make_parser():
    import argparse  # here, not at the top: a run with no options has no use for it

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Gradient descent on y = x * w, as in lecture 3 of PyTorch Zero to All.\n"
        "With no options it prints exactly what the lecture printed.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--lr",
        default="0.01",
        metavar="RATE",
        help="learning rate: how far each step moves w (default: %(default)s)",
    )
    parser.add_argument(
        "--epochs",
        default="10",
        metavar="N",
        help="passes over the data (default: %(default)s)",
    )
    parser.add_argument(
        "--w",
        default="1.0",
        metavar="START",
        help="the weight before training (default: %(default)s)",
    )
    parser.add_argument(
        "--data",
        default="1,2 2,4 3,6",
        metavar="PAIRS",
        help='the samples as x,y pairs, in the order the steps take them (default: "%(default)s")',
    )
    parser.add_argument(
        "--batch",
        action="store_true",
        help="one step per epoch on the mean loss, the slide's form "
        "(default: one step per sample, the lecture's code)",
    )
    say = parser.add_mutually_exclusive_group()
    say.add_argument(
        "--quiet",
        action="store_true",
        help="print only the first line, the last epoch's line and the last line",
    )
    say.add_argument(
        "--explain",
        action="store_true",
        help="show each update with the numbers put into the formulas",
    )
    parser.add_argument(
        "--plot",
        action="store_true",
        help="after training, draw the loss curve with w marked at each epoch",
    )
    parser.add_argument(
        "--rates",
        action="store_true",
        help="after training, draw the epoch factor over the learning rate",
    )

    # Bad input: one line on stderr, without the usage block, and exit status 2
    def error(message):
        option = message.split(":")[0].replace("argument ", "")
        if message.endswith("expected one argument") and option in HINTS:
            message += f"; write a value that starts with '-' as {HINTS[option]}"
        # control characters in what the user typed are shown escaped: one line, no terminal codes
        message = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        warn(f"error: {message} (see --help)")
        parser.exit(2)

    parser.error = error
    parser.print_help = lambda file=None: print(parser.format_help(), end="")  # errors surface
    return parser


def number(text, kind=float):
    """The number written in text, or None."""
    try:
        return kind(text)
    except ValueError:
        return None


def samples(text):
    """The x,y pairs written in text, such as "1,2 2,4 3,6", as (x_data, y_data), or None."""
    pairs = [pair.split(",") for pair in text.split()]
    values = [number(value) for pair in pairs for value in pair]
    if not pairs or any(len(pair) != 2 for pair in pairs) or None in values:
        return None
    if not all(map(math.isfinite, values)):
        return None
    return values[0::2], values[1::2]


def check(parser, args):
    """The options as numbers and flags for descend(); wrong ones end the run here."""
    lr, epochs, w, data = (
        number(args.lr),
        number(args.epochs, int),
        number(args.w),
        samples(args.data),
    )
    if lr is None or not (math.isfinite(lr) and lr > 0):
        parser.error(f"argument --lr: expected a finite number greater than 0, got {args.lr!r}")
    if epochs is None or epochs < 0:
        parser.error(f"argument --epochs: expected a whole number, 0 or more, got {args.epochs!r}")
    if w is None or not math.isfinite(w):
        parser.error(f"argument --w: expected a finite number, got {args.w!r}")
    if data is None:
        parser.error(
            f'argument --data: expected x,y pairs of finite numbers, such as "1,2 2,4", got {args.data!r}'
        )
    x_data, y_data = data
    if not any(x_data):
        parser.error("argument --data: every x is 0, so the loss does not depend on w")
    best = best_w(x_data, y_data)  # no start does better: if its loss overflows, blame the data
    if not (
        math.isfinite(sum(x * x for x in x_data)) and math.isfinite(mean_loss(best, x_data, y_data))
    ):
        parser.error(
            f"argument --data: expected values whose loss fits in a float, got {args.data!r}"
        )
    if not math.isfinite(mean_loss(w, x_data, y_data)):
        parser.error(f"argument --w: expected a start whose loss fits in a float, got {args.w!r}")
    return dict(vars(args), lr=lr, epochs=epochs, w=w, data=data)


# ---------------------------------------------------------------------------
# One run, as the command line asks for it
# ---------------------------------------------------------------------------


def printers(lr, epochs, batch, quiet, explain, x_data, y_data):
    """The training function, and what it calls to print each step and each epoch."""
    if batch:
        run, on_step, on_epoch = train_batch, None, print_batch_progress
        if explain:

            def on_step(w, grad):
                print(explain_batch_step(w, grad, lr, x_data, y_data))

    else:
        run, on_step, on_epoch = train, print_grad, print_progress
        if explain:

            def on_step(x_val, y_val, w, grad):
                print(explain_step(x_val, y_val, w, grad, lr))

    if quiet:  # keep only the last epoch's line
        on_step, show_epoch, last = None, on_epoch, epochs - 1

        def on_epoch(epoch, w, l, grad):
            if epoch == last:
                show_epoch(epoch, w, l, grad)

    def training(w, lr, epochs, on_step, on_epoch):  # run on the data asked for
        return run(w, lr, epochs, on_step, on_epoch, x_data, y_data)

    return training, on_step, on_epoch


def descend(
    w=1.0,
    lr=0.01,
    epochs=10,
    batch=False,
    quiet=False,
    explain=False,
    plot=False,
    rates=False,
    data=(x_data, y_data),
):
    """One run as the command line asks for it; returns the exit status."""
    xs, ys = data
    training, on_step, on_epoch = printers(lr, epochs, batch, quiet, explain, xs, ys)
    marks = []  # (epoch, w) for --plot
    if plot:
        shown_epoch = on_epoch

        def on_epoch(epoch, w, l, grad):
            if marks and not marked(marks[-1][0], epochs):
                marks.pop()  # keep only the marked epochs and the latest one
            marks.append((epoch, w))
            shown_epoch(epoch, w, l, grad)

    if epochs > 0 and not converges(lr, batch, xs):
        factor, shift = exact_map(lr, batch, xs, ys)
        if factor * w + shift != w:  # a start that an epoch leaves where it is stays there
            warn(f"warning: {growth_note(lr, batch, xs, ys)}")
    apart = off_line(xs, ys)
    if explain:
        print(EXPLAIN_BATCH if batch else EXPLAIN_STEP)
        if apart:
            print(settling_text(lr, batch, xs, ys))

    def show_pictures():
        if plot:
            settle = settling_point(lr, batch, xs, ys) if apart and not batch else None
            print(picture(w, marks, settle, xs, ys))
        if rates:
            print(rate_map(lr, batch, xs))

    try:
        lecture(w, lr, epochs, training, on_step, on_epoch)
    except OverflowError as exc:
        show_pictures()
        sys.stdout.flush()  # the lines so far come first, then why it stopped
        warn(f"diverged: {exc}; {growth_note(lr, batch, xs, ys)}")
        return 1
    show_pictures()
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the lecture's run, with nothing to parse or check
        lecture()
        return 0
    parser = make_parser()
    return descend(**check(parser, parser.parse_args(argv)))


# ---------------------------------------------------------------------------
# Running as a command: faults end the run with one line, never a traceback
# ---------------------------------------------------------------------------


def warn(text):
    """One line on stderr. If stderr is closed or failing, the run goes on without it."""
    if sys.stderr is None:  # started with stderr closed: never fall back on stdout
        return
    try:
        print(f"{PROG}: {text}", file=sys.stderr)  # stderr is line-buffered: written now
    except OSError:
        quieten(sys.stderr)


def quieten(stream):
    """Point a failed stream at the null device, so nothing fails again at exit."""
    import os

    os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def interrupted():
    """End the process as an uncaught Ctrl-C does: the lines so far reach the reader,
    then SIGINT, so that a shell running it in a loop stops too."""
    try:
        sys.stdout.flush()
    except (OSError, RuntimeError):  # nothing more can reach the reader
        pass
    import os
    import signal  # here: only a run that is interrupted pays for loading it

    if sys.platform == "win32":  # no signal to re-send: the status shells give for Ctrl-C
        os._exit(130)
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGINT)


def unraisable(report):
    """Python drops an exception it cannot raise, as in a callback of its import machinery,
    with only an "Exception ignored" message; a Ctrl-C must not be dropped."""
    if issubclass(report.exc_type, KeyboardInterrupt):
        interrupted()
    sys.__unraisablehook__(report)


def command():
    """main() as a command: its exit status, with faults turned into one line on stderr."""
    if sys.stdout is None:  # started with stdout closed
        warn("error: cannot write output: stdout is closed")
        return 3
    sys.unraisablehook = unraisable
    try:
        try:
            status = main()
        except SystemExit as stop:  # --help, and bad input
            status = stop.code
        sys.stdout.flush()  # a failed write shows up here, not as noise at exit
    except KeyboardInterrupt:
        interrupted()
    except OSError as error:  # stderr's failures are dealt with in warn(): this is stdout
        quieten(sys.stdout)
        if isinstance(error, BrokenPipeError):  # the reader went away, as with `| head`
            return 141
        warn(f"error: cannot write output: {error.strerror}")
        return 3
    return status


if __name__ == "__main__":
    sys.exit(command())
