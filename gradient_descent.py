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
def train(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None):
    """Return w after `epochs` passes over the data, starting from `w`.

    It prints nothing itself. If given, on_step(x_val, y_val, w, grad) is
    called before each update, and on_epoch(epoch, w, l, grad) after each
    epoch, with that epoch's last gradient.
    Raises OverflowError as soon as w or the loss is no longer a finite number.
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
def mean_loss(w):
    return sum(loss(x, y, w) for x, y in zip(x_data, y_data)) / len(x_data)


# d mean_loss / d w: the mean of the samples' gradients, (1/N) * sum of 2x(xw - y)
def mean_gradient(w):
    return sum(gradient(x, y, w) for x, y in zip(x_data, y_data)) / len(x_data)


def train_batch(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None):
    """Like train(), but one update per epoch, with the gradient of the mean loss.

    If given, on_step(w, grad) is called before each update and
    on_epoch(epoch, w, l, grad) after it, where l is the mean loss.
    """
    for epoch in range(epochs):
        grad = mean_gradient(w)
        if on_step:
            on_step(w, grad)
        w = w - lr * grad
        l = mean_loss(w)
        if not math.isfinite(l):
            raise OverflowError(f"in epoch {epoch}, w = {w} and the loss = {l}")
        if on_epoch:
            on_epoch(epoch, w, l, grad)
    return w


def print_batch_progress(epoch, w, l, grad):
    print("progress:", epoch, "grad=", round(grad, 2), "w=", round(w, 2), "loss=", round(l, 2))


# ---------------------------------------------------------------------------
# Divergence: how much one epoch scales the distance from w to the best w
# ---------------------------------------------------------------------------


# The w where the mean gradient is zero: sum(x * y) / sum(x * x), 2 for this data
def best_w():
    return sum(x * y for x, y in zip(x_data, y_data)) / sum(x * x for x in x_data)


def epoch_factor(lr, batch=False):
    """What one epoch multiplies w - best_w() by.

    The data lies exactly on y = best_w() * x, so gradient(x, y, w) is
    2 * x**2 * (w - best_w()) and a step with sample x multiplies the distance
    by 1 - 2 * lr * x**2; a full-batch step uses the mean of x**2 instead.
    """
    if batch:
        return 1 - 2 * lr * sum(x * x for x in x_data) / len(x_data)
    factor = 1.0
    for x in x_data:
        factor *= 1 - 2 * lr * x * x
    return factor


def lr_limit(batch=False):
    """The smallest positive learning rate at which |epoch_factor| reaches 1."""
    # At lr = 1 / min(x**2) every step's factor is -1 or less, so the limit is below it:
    # walk towards it in 1000 small steps, then bisect the step where |factor| reaches 1.
    step = 1 / min(x * x for x in x_data) / 1000
    lo, hi = 0.0, step
    while abs(epoch_factor(hi, batch)) < 1:
        lo, hi = hi, hi + step
    for _ in range(100):
        mid = (lo + hi) / 2
        if abs(epoch_factor(mid, batch)) < 1:
            lo = mid
        else:
            hi = mid
    return hi


def growth_note(lr, batch):
    """One sentence on what a learning rate does to the distance from the best w."""
    factor = epoch_factor(lr, batch)
    size = abs(factor)
    effect = "grows" if size > 1 else "stays the same" if size == 1 else "shrinks"
    mode = "full-batch steps" if batch else "per-sample steps"
    return (
        f"at --lr {lr} each epoch multiplies the distance from w to {best_w()} by {factor:.3g}, "
        f"so it {effect}; {mode} converge on this data only for --lr below {lr_limit(batch):.3g}"
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


def explain_batch_step(w, grad, lr):
    """The arithmetic of one full-batch step: each sample's gradient, their mean, the update."""
    lines = [f"\t{explain_gradient(x, y, w)}" for x, y in zip(x_data, y_data)]
    terms = " + ".join(str(gradient(x, y, w)) for x, y in zip(x_data, y_data))
    lines.append(f"\tgrad = ({terms}) / {len(x_data)} = {grad}")
    lines.append(f"\t{explain_update(w, lr, grad)}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Plot: the mean-loss curve in the terminal, with w marked at each epoch
# ---------------------------------------------------------------------------

WIDTH, HEIGHT = 59, 14  # the curve's columns and rows; with labels, 72 x 19 at most
MARKS = 60  # a long run marks about this many epochs, evenly spread, beyond the first 10
ZOOM = 10  # epochs further than ZOOM times the start's distance from best w are left off


def marked(epoch, epochs):
    """Whether --plot marks this epoch: the first 10, the last, and evenly spread others."""
    return epoch < 10 or epoch == epochs - 1 or epoch % -(-epochs // MARKS) == 0


def w_axis(left, centre, right):
    """The labels under the picture: w at its left end, its middle and its right end."""
    digits = 3
    while len({f"{w:.{digits}g}" for w in (left, centre, right)}) < 3 and digits < 17:
        digits += 1  # a narrow range needs more digits to tell its ends apart
    ticks = [f"{w:.{digits}g}" for w in (left, centre, right)]
    axis = ticks[0].ljust(WIDTH // 2 - len(ticks[1]) // 2) + ticks[1]
    return axis.ljust(WIDTH - len(ticks[2])) + ticks[2] + " w"


def picture(start, marks):
    """The mean loss over w around best_w(), as text, with S at `start` and each
    (epoch, w) in `marks` as the epoch's digit (0-9) or, after epoch 9, a *."""
    centre = best_w()
    reach = ZOOM * max(abs(start - centre), 1e-9)
    shown = [(epoch, w) for epoch, w in marks if abs(w - centre) <= reach]
    half = max([abs(start - centre)] + [abs(w - centre) for _, w in shown]) or 1.0
    left, right = centre - half, centre + half
    column_w = [left + (right - left) * j / (WIDTH - 1) for j in range(WIDTH)]
    top = max(mean_loss(left), mean_loss(right))
    if not math.isfinite(top):
        return f"(no plot: the loss near w = {left:.3g} does not fit in a float)"
    bottom = mean_loss(centre)  # the lowest point of the curve

    def cell(w):  # (row, column) of the point (w, mean_loss(w)); row 0 is the top
        row = round((top - mean_loss(w)) / (top - bottom) * (HEIGHT - 1)) if top > bottom else 0
        return row, round((w - left) / (right - left) * (WIDTH - 1))

    grid = [[" "] * WIDTH for _ in range(HEIGHT)]
    points = [(w, ".") for w in column_w]
    points += [(w, "*") for epoch, w in shown if epoch >= 10]
    points += [(w, str(epoch)) for epoch, w in reversed(shown) if epoch < 10]
    for w, char in points + [(start, "S")]:  # where marks meet, the last drawn shows
        row, column = cell(w)
        grid[row][column] = char

    lines = ["mean loss over w: S = start, 0-9 = w after that epoch, * = a later epoch"]
    for row, chars in enumerate(grid):
        label = f"{top:.3g}" if row == 0 else f"{bottom:.3g}" if row == HEIGHT - 1 else ""
        lines.append(f"{label:>9} |{''.join(chars)}".rstrip())
    lines += [" " * 10 + "+" + "-" * WIDTH, " " * 11 + w_axis(left, centre, right)]
    if len(shown) < len(marks):
        epoch, w = marks[-1]
        lines.append(f"{len(marks) - len(shown)} of the marked epochs are off the picture,")
        lines.append(f"further than {reach:.3g} from {centre}; after epoch {epoch}, w = {w:.3g}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------

PROG = "gradient_descent.py"
EXAMPLES = """\
examples:
  python gradient_descent.py --lr 0.001   too small: w creeps towards 2
  python gradient_descent.py --lr 0.1     w zig-zags across 2 and settles
  python gradient_descent.py --lr 0.21    too large: w moves away from 2
  python gradient_descent.py --w -5       start on the other side of 2
  python gradient_descent.py --batch      the slide's full-batch form
  python gradient_descent.py --plot       the descent drawn on the loss curve
  python gradient_descent.py --explain    the arithmetic of every step
"""


def make_parser():
    import argparse  # here, not at the top: a run with no options has no use for it

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Gradient descent on y = 2x, as in lecture 3 of PyTorch Zero to All.\n"
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

    # Bad input: one line on stderr, without the usage block, and exit status 2
    def error(message):
        if message.endswith("expected one argument"):  # argparse takes -1e3 for an option
            message += "; write a value that starts with '-' as --w=-1e3"
        parser.exit(2, f"{PROG}: error: {message} (see --help)\n")

    parser.error = error
    return parser


def number(text, kind=float):
    """The number written in text, or None."""
    try:
        return kind(text)
    except ValueError:
        return None


def check(parser, args):
    """The options as numbers and flags for descend(); wrong ones end the run here."""
    lr, epochs, w = number(args.lr), number(args.epochs, int), number(args.w)
    if lr is None or not (math.isfinite(lr) and lr > 0):
        parser.error(f"argument --lr: expected a finite number greater than 0, got {args.lr!r}")
    if epochs is None or epochs < 0:
        parser.error(f"argument --epochs: expected a whole number, 0 or more, got {args.epochs!r}")
    if w is None or not math.isfinite(w):
        parser.error(f"argument --w: expected a finite number, got {args.w!r}")
    if not math.isfinite(mean_loss(w)):
        parser.error(f"argument --w: expected a start whose loss fits in a float, got {args.w!r}")
    return dict(vars(args), lr=lr, epochs=epochs, w=w)


def printers(lr, epochs, batch, quiet, explain):
    """The training function, and what it calls to print each step and each epoch."""
    if batch:
        run, on_step, on_epoch = train_batch, None, print_batch_progress
        if explain:

            def on_step(w, grad):
                print(explain_batch_step(w, grad, lr))

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

    return run, on_step, on_epoch


def descend(w=1.0, lr=0.01, epochs=10, batch=False, quiet=False, explain=False, plot=False):
    """One run as the command line asks for it; returns the exit status."""
    run, on_step, on_epoch = printers(lr, epochs, batch, quiet, explain)
    marks = []  # (epoch, w) for --plot
    if plot:
        shown_epoch = on_epoch

        def on_epoch(epoch, w, l, grad):
            if marks and not marked(marks[-1][0], epochs):
                marks.pop()  # keep only the marked epochs and the latest one
            marks.append((epoch, w))
            shown_epoch(epoch, w, l, grad)

    if abs(epoch_factor(lr, batch)) >= 1 and epochs > 0 and w != best_w():
        print(f"{PROG}: warning: {growth_note(lr, batch)}", file=sys.stderr)
    if explain:
        print(EXPLAIN_BATCH if batch else EXPLAIN_STEP)
    try:
        lecture(w, lr, epochs, run, on_step, on_epoch)
    except OverflowError as exc:
        if plot:
            print(picture(w, marks))
        sys.stdout.flush()  # the lines so far come first, then why it stopped
        print(f"{PROG}: diverged: {exc}; {growth_note(lr, batch)}", file=sys.stderr)
        return 1
    if plot:
        print(picture(w, marks))
    return 0


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the lecture's run, with nothing to parse
        return descend()
    parser = make_parser()
    return descend(**check(parser, parser.parse_args(argv)))


if __name__ == "__main__":
    try:
        status = main()
        sys.stdout.flush()  # a closed pipe shows up here, not as noise at exit
    except KeyboardInterrupt:  # Ctrl-C: stop without a traceback, as a shell expects
        status = 130
    except BrokenPipeError:  # the reader went away, as with `| head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        status = 141
    sys.exit(status)
