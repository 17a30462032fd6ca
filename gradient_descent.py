"""Gradient descent by hand, as in lecture 3 of Sung Kim's "PyTorch Zero to All".

`python gradient_descent.py` prints what the lecture printed; `--help` lists the experiments.
"""
# The runnable companion to the blog post "PyTorch Lecture about Machine Learning - 3: Gradient
# Descent". Standard library only, Python 3.9 or newer.

import io
import math
import os
import sys

# What help(gradient_descent) lists: the lecture's part, and what else you would call
__all__ = [
    "convergent_rates", "epoch_map", "forward", "gradient", "lecture", "loss", "main",
    "mean_gradient", "mean_loss", "train", "train_batch", "x_data", "y_data",
]  # fmt: skip

# ---------------------------------------------------------------------------
# The lecture: data, model, loss, gradient, training loop, and its run
# ---------------------------------------------------------------------------

# Training data: every point lies on y = 2 * x, so the best w is 2
x_data = [1.0, 2.0, 3.0]
y_data = [2.0, 4.0, 6.0]


# Our model for the forward pass
def forward(x, w):
    """The prediction for x: x * w."""
    return x * w


# Loss function: the squared error of one sample
def loss(x, y, w):
    """The squared error of the prediction for the sample (x, y)."""
    y_pred = forward(x, w)
    return (y_pred - y) * (y_pred - y)


# Compute gradient: d loss / d w of (x * w - y) ** 2
def gradient(x, y, w):
    """d loss / d w at w: 2 * x * (x * w - y)."""
    return 2 * x * (x * w - y)


# Training loop: one gradient step per sample, as in the lecture
def train(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None, x_data=x_data, y_data=y_data):
    """Return w after `epochs` passes over the samples, starting from `w`.

    on_step(x_val, y_val, w, grad) is called before each update (if it returns
    True, training stops there), on_epoch(epoch, w, l, grad) after each epoch.
    The samples are the lecture's unless you pass lists as x_data and y_data:
    the defaults are fixed when the module loads, so reassigning
    gradient_descent.x_data later does not change them. OverflowError stops
    training before a step whose loss would not fit in a float.
    """
    check_data(x_data, y_data)
    for epoch in range(epochs):
        for x_val, y_val in zip(x_data, y_data):
            # Compute derivative w.r.t to the learned weights
            grad = gradient(x_val, y_val, w)
            if not math.isfinite(loss(x_val, y_val, w - lr * grad)):
                raise OverflowError(
                    f"in epoch {epoch}, the step from w = {w} would take the loss"
                    " past the largest float"
                )
            if on_step and on_step(x_val, y_val, w, grad):
                return w
            # Update the weights
            w = w - lr * grad
            # Compute the loss and print progress
            l = loss(x_val, y_val, w)
        if on_epoch:
            on_epoch(epoch, w, l, grad)
    return w


# The lecture's printed lines: one per step, one per epoch
def print_grad(x_val, y_val, w, grad):
    print("\tgrad: ", x_val, y_val, round(grad, 2))


def print_progress(epoch, w, l, grad):  # the lecture's line leaves out grad
    print("progress:", epoch, "w=", round(w, 2), "loss=", round(l, 2))


# The lecture's run: w = 1.0 stands for a random start
def lecture(w=1.0, lr=0.01, epochs=10, on_step=print_grad, on_epoch=print_progress, data=None):
    """Print the prediction for 4 hours, train, print the prediction again; return w."""
    # data: (training, x_data, y_data), for another kind of training or other samples
    training, *samples = data or (train, x_data, y_data)
    # Before training
    print("Prediction (before training)", 4, forward(4, w))
    w = training(w, lr, epochs, on_step, on_epoch, *samples)
    # After training
    print("Predicted score (after training)", "4 hours of studying: ", forward(4, w))
    return w


# ValueError unless there are as many y values as x values, and at least one.
def check_data(x_data, y_data):
    if len(x_data) != len(y_data) or not x_data:
        raise ValueError(
            f"expected as many x as y values, and some: got {len(x_data)} and {len(y_data)}"
        )


# ---------------------------------------------------------------------------
# Full batch: one step per epoch on the mean loss, the loss the lecture defines
# ---------------------------------------------------------------------------


# Added left to right, as --explain writes it, so it is the same on every Python (sum() of floats
# compensates for rounding since 3.12).
def mean(values):
    total = values[0]
    for value in values[1:]:
        total = total + value
    return total / len(values)


def mean_loss(w, x_data=x_data, y_data=y_data):
    """The mean of the samples' losses: the height of the loss curve at w."""
    check_data(x_data, y_data)
    return mean(list(map(loss, x_data, y_data, [w] * len(x_data))))


def mean_gradient(w, x_data=x_data, y_data=y_data):
    """d mean_loss / d w: the mean of the samples' gradients."""
    check_data(x_data, y_data)
    return mean(list(map(gradient, x_data, y_data, [w] * len(x_data))))


def train_batch(
    w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None, x_data=x_data, y_data=y_data
):
    """Like train(), with one step per epoch on the mean loss: on_step(x_data, y_data, w, grad)
    before it, on_epoch(epoch, w, mean loss, grad) after it."""
    check_data(x_data, y_data)
    for epoch in range(epochs):
        grad = mean_gradient(w, x_data, y_data)
        if not math.isfinite(mean_loss(w - lr * grad, x_data, y_data)):
            raise OverflowError(
                f"in epoch {epoch}, the step from w = {w} would take the loss"
                " past the largest float"
            )
        if on_step and on_step(x_data, y_data, w, grad):
            return w
        w = w - lr * grad
        if on_epoch:
            on_epoch(epoch, w, mean_loss(w, x_data, y_data), grad)
    return w


# ---------------------------------------------------------------------------
# Where w settles: an epoch takes w to F * w + C, worked out exactly
# ---------------------------------------------------------------------------


def epoch_map(lr, batch=False, x_data=x_data, y_data=y_data):
    """(a, b, d) such that one epoch takes w to (a * w + b) / d, exactly for the floats given:
    the epoch factor F is a / d, and w settles where an epoch leaves it, at b / (d - a)."""
    # A step w - lr * 2x(xw - y) = (1 - 2 lr x^2) w + 2 lr x y, in integers as each float is a
    # ratio of two. Per sample, an epoch takes the steps in turn; a full-batch step is their mean.
    check_data(x_data, y_data)
    (p, q), maps = float(lr).as_integer_ratio(), []
    for x, y in zip(x_data, y_data):
        (r, s), (t, u) = float(x).as_integer_ratio(), float(y).as_integer_ratio()
        maps.append(((q * s * s - 2 * p * r * r) * u, 2 * p * r * t * s, q * s * s * u))
    if batch:  # the mean: every d is a power of 2, so the largest is a common denominator
        a, b, d = 0, 0, max(list(zip(*maps))[2])
        for e, f, g in maps:
            a, b = a + e * (d // g), b + f * (d // g)
        return a, b, d * len(maps)
    while len(maps) > 1:  # neighbours in pairs: the integers grow evenly, which keeps this quick
        pairs, maps = zip(maps[::2], maps[1::2] + [(1, 0, 1)]), []
        for (a, b, d), (e, f, g) in pairs:
            maps.append((e * a, e * b + f * d, d * g))
    return maps[0]


# The least-squares w, sum(x * y) / sum(x * x), where the mean loss is lowest: where full-batch
# steps settle, at every lr.
def best_w(x_data, y_data):
    a, b, d = epoch_map(0.5, True, x_data, y_data)
    return b / (d - a)


# ---------------------------------------------------------------------------
# Which learning rates converge: where |F| < 1
# ---------------------------------------------------------------------------


# Whether |F| >= 1 at the float lr: decided in floats unless log |F| is so near 0 that their error
# could change the answer, then exactly, by epoch_map(). Rounding a factor moves its log by 2**-53
# at most, and each log is within 1 ULP (2**-52 of its size): the bound allows 4 times that or more.
def diverges(lr, pairs, batch, x_data):
    (p, q), logs = lr.as_integer_ratio(), []
    for r, s in pairs:
        top = q * s - p * r  # the factor is top / (q * s)
        try:  # (a factor of 0, past the largest float or below the smallest: nan, decided exactly)
            logs.append(math.log(abs(top / (q * s)) or math.nan))
        except OverflowError:
            logs.append(math.nan)
    size = math.fsum(logs)  # log |F|
    if abs(size) > 2**-50 * (len(logs) + math.fsum(map(abs, logs))):  # (nan is not)
        return size > 0
    a, _, d = epoch_map(lr, batch, x_data, [0.0] * len(x_data))  # (F does not depend on y)
    return abs(a) >= d


def convergent_rates(batch=False, x_data=x_data):
    """The intervals (low, high) of learning rates at which |F| < 1, in order: every float
    strictly between low and high converges, low and high do not (the first low is 0)."""
    # F is the product of 1 - lr / z over the samples, z = 1 / (2x^2) (with batch, one factor),
    # so F is 0 at each such z. Between two of them log|F| is concave: it rises to one peak and
    # falls, so |F| < 1 near each z, and in between unless the peak reaches 1. Long runs of
    # zeros are settled at once: where |F| < 1 throughout, or where no float converges.
    if not any(x_data):
        raise ValueError("expected an x that is not 0: without one, the loss does not depend on w")
    pairs, zs = [], []  # F is the product of factors 1 - lr * r / s, r / s = 2x^2 in integers
    try:
        for x in x_data:
            r, s = float(x).as_integer_ratio()
            if r:
                pairs.append((2 * r * r, s * s))
                zs.append(s * s / (2 * r * r))
    except OverflowError:  # (an x too small to square)
        raise ValueError("expected each x to be 0 or from 1e-150 to 1e150 in size") from None
    if batch:  # one factor: r / s is the mean of 2x^2
        a, _, d = epoch_map(0.5, True, x_data, x_data)  # F = 1 - 0.5 * r / s, whatever y is
        pairs, zs = [(2 * (d - a), d)], [d / (2 * (d - a))]
    zs.sort()
    zeros, intervals, low, k, known = sorted(set(zs)), [], 0.0, 0, (pairs, batch, x_data)
    while k < len(zeros):
        if low is None and settled(k, k, zeros, zs, True):  # past an interval, no float converges
            j = farthest(k, zeros, zs, True)
            for z in zeros[k : j + 1]:
                if math.frexp(z)[0] == 0.5:  # z is exactly 1 / (2x^2), and there F = 0
                    intervals.append((math.nextafter(z, 0), math.nextafter(z, math.inf)))
            k = j + 1
            continue
        if low is None:
            low = end(zeros[k], zeros[k - 1], zs, known)
        k = farthest(k, zeros, zs, False)
        high = end(zeros[k], zeros[k + 1] if k + 1 < len(zeros) else 3 * zeros[-1], zs, known)
        if high is not None:  # (at 3 * zeros[-1], past the last zero, every factor is -2 or less)
            intervals += [(low, high)] * (low < high)  # (equal: the zero's own float diverges)
            low = None
        k += 1
    return intervals


# log |1 - lr / z|, the size of the factor of each zero z of F, in floats.
def sizes(lr, zs):
    out = []
    for z in zs:
        out.append(math.log(abs(1 - lr / z) or 5e-324))
    return out


# Whether |F| < 1 all the way from zeros[j] to zeros[k], as each factor is largest in size at an
# end; or (dead) whether no float near them converges, but an exact zero, as the other factors
# there pass 2**160 in size, while a float's own factor is 2**-160 or more.
def settled(j, k, zeros, zs, dead):
    import bisect

    ends = list(map(min if dead else max, sizes(zeros[j], zs), sizes(zeros[k], zs)))
    if not dead:
        return math.fsum(ends) < -1e-9 * len(zs)
    first, last = bisect.bisect_left(zs, zeros[j]), bisect.bisect_right(zs, zeros[k])
    out, near = math.fsum(ends[:first]) + math.fsum(ends[last:]), zs[first:last]
    return k - j < 64 and all(  # (log 5e-324 = -744.4 for each own factor)
        out + math.fsum(sizes(z, near)) > (120 - 744.4) * near.count(z) for z in set(near)
    )


# A j as far as possible with settled(k, j), found in steps that double.
def farthest(k, zeros, zs, dead):
    step = 1
    while k + step < len(zeros) and settled(k, k + step, zeros, zs, dead):
        k, step = k + step, 2 * step
    return k


# The first float from the zero z towards `toward` where |F| >= 1, or None: past the peak of log|F|
# between two zeros (found in floats), if the peak reaches 0.
def end(z, toward, zs, known):
    peak = crossing(past_peak, (z, zs), z, toward)
    if not diverges(peak, *known):
        return None
    return z if diverges(z, *known) else crossing(diverges, known, z, peak)


# Whether log|F| has stopped rising on the way from the zero z to lr: its slope, the sum of 1 / (lr
# - v) over the zeros v, is 0 or of the other sign.
def past_peak(lr, z, zs):
    slope = []
    for v in zs:
        slope.append((lr - v) ** -1)
    return (lr - z) * math.fsum(slope) <= 0


# Where test(lr, *args) turns true between two floats: the true one of the neighbours.
def crossing(test, args, false_at, true_at):
    middle = (false_at + true_at) / 2
    while middle not in (false_at, true_at):  # (at most about 2100 halvings)
        false_at, true_at = (false_at, middle) if test(middle, *args) else (middle, true_at)
        middle = (false_at + true_at) / 2
    return true_at


# ---------------------------------------------------------------------------
# The learning rate in words: the warnings' sentence
# ---------------------------------------------------------------------------

MODES = ("per-sample", "full-batch")  # the steps, without and with --batch


# top / bottom (integers) to `digits` significant digits, written plainly, or with an exponent when
# very small or large.
def text(top, bottom, digits=3, rounding="ROUND_HALF_EVEN"):
    from decimal import Decimal, localcontext

    cut = max(0, min(abs(top).bit_length(), bottom.bit_length()) - 600)  # still exact to 1e-170
    with localcontext() as context:
        context.prec, context.rounding = digits, rounding
        number = (Decimal(top >> cut) / Decimal(bottom >> cut)).normalize()
    return format(number, "f" if -7 < number.adjusted() < 16 else "g")


# F = a / d, 3 significant digits; near +-1, as +-1 and how far from it it lies.
def factor_text(a, d):
    shown = text(a, d)
    gap = {"1": a - d, "-1": a + d}.get(shown)  # F - 1 or F + 1, in units of 1 / d
    if gap:
        gap = text(gap, d, 2)
        shown += " - " + gap[1:] if gap[0] == "-" else " + " + gap
    return shown


# The intervals in words, every rate named converging: their ends rounded inwards, a narrow one's
# with more digits. Past 4 intervals, the 3 widest, and where the rest lie.
def rates_text(intervals, digits):
    widths, named, rest, words = [], [], [], []
    for low, high in intervals:
        widths.append(high - low)
    least = sorted(widths)[-3] if len(intervals) > 4 else 0  # name the 3 widest
    for low, high in intervals:
        (named if high - low >= least else rest).append((low, high))
    for low, high in named:
        first, last = math.nextafter(low, math.inf), math.nextafter(high, 0)  # both converge
        for more in range(digits, 18):  # a narrow interval needs more digits
            a = text(*first.as_integer_ratio(), more, "ROUND_CEILING")
            b = text(*last.as_integer_ratio(), more, "ROUND_FLOOR")
            if float(a) < float(b):  # (rounded away from first and last, so a and b converge)
                break
        words.append(f"between {a} and {b}" if float(a) < float(b) else f"exactly {first!r}")
        if not low:
            words[-1] = "below " + text(*high.as_integer_ratio(), digits, "ROUND_FLOOR")
    if rest:
        low = text(*rest[0][0].as_integer_ratio(), digits, "ROUND_FLOOR")
        high = text(*rest[-1][1].as_integer_ratio(), digits, "ROUND_CEILING")
        words[-1] += f", and in {len(rest)} narrow intervals that lie between {low} and {high}"
    return " or ".join(words)


# One sentence on what this learning rate does to the distance from where w settles.
def growth_note(lr, batch, x_data, y_data):
    a, b, d = epoch_map(lr, batch, x_data, y_data)
    rates = rates_text(convergent_rates(batch, x_data), 3)
    rates = f"; {MODES[batch]} steps converge on this data for --lr {rates}"
    if a == d:
        effect = (
            f"adds {text(b, d)} to w, so w never settles"
            if b
            else "brings w back to where it started"
        )
        return f"at --lr {lr} each epoch {effect}{rates}"
    apart = mean_loss(best_w(x_data, y_data), x_data, y_data) > 0  # off every line through 0
    what = text(b, d - a, 6) + " (the w an epoch leaves where it is)" * apart
    effect = "grows" if abs(a) > d else "stays the same" if abs(a) == d else "shrinks"
    effect = f"by {factor_text(a, d)}, so it {effect}{rates}"
    return f"at --lr {lr} each epoch multiplies the distance from w to {what} {effect}"


# ---------------------------------------------------------------------------
# Explain: each update with the numbers put into the post's formulas
# ---------------------------------------------------------------------------

EXPLAIN = "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
EXPLAIN_BATCH = "each epoch: grad = mean of 2 * x * (x * w - y), then w = w - lr * grad"


# The arithmetic of one step (with batch, of the epoch's, x_val and y_val all the samples): the
# gradient (each sample's, then their mean), then the update.
def explain_step(x_val, y_val, w, grad, lr, batch):
    lines, grads, name = "", [], "" if batch else "grad = "
    for x, y in zip(x_val, y_val) if batch else [(x_val, y_val)]:
        grads.append(str(gradient(x, y, w)))
        lines += f"\t{name}2 * {x} * ({x} * {w} - {y}) = {grads[-1]}\n"
    if batch:
        lines += f"\tgrad = ({' + '.join(grads)}) / {len(grads)} = {grad}\n"
    return lines + f"\tw = {w} - {lr} * {grad} = {w - lr * grad}"


# ---------------------------------------------------------------------------
# Pictures in text: the loss curve, the distance, one step, and the rates
# ---------------------------------------------------------------------------

WIDTH = 59  # a picture's columns; with its labels, 72 at most


# A picture's lines, and what was drawn in each cell: each (x, y, char, tag) of points in its cell
# of box = (left, right, low, high), later ones over earlier; under it the left end, middle and
# right end of x, with the digits that tell them apart.
def draw(title, points, box, name="w", rows=14, labels=None):
    left, right, low, high = box  # (only the top of a curve can be past the largest float)
    if not math.isfinite(high):
        return [title, "(no picture: its numbers do not fit in a float)"], {}
    grid, at = [], {}
    for row in range(rows):
        grid.append([" "] * WIDTH)
    for x, y, char, tag in points:  # (each x lies between left and right)
        row = (high - y) / (high - low or math.inf) * (rows - 1)
        if math.isfinite(row) and 0 <= round(row) < rows:
            row, column = round(row), round((x - left) / (right - left) * (WIDTH - 1))
            grid[row][column] = char
            at.setdefault((row, column), []).append((char, tag))
    labels, lines = labels or {0: format(high, ".3g"), rows - 1: format(low, ".3g")}, [title]
    for row, chars in enumerate(grid):
        lines.append((labels.get(row, "").rjust(9) + " |" + "".join(chars)).rstrip())
    widest = len(format(max(abs(left), abs(right)), ".0f"))  # whole numbers in full, below 1e15
    for digits in range(max(3, widest) if widest < 16 else 3, 18):  # the fewest that tell apart
        ticks = []
        for x in left, (left + right) / 2, right:
            ticks.append(format(x, f".{digits}g"))
        if len(set(ticks)) == 3:
            break
    axis = ticks[0].ljust(WIDTH // 2 - len(ticks[1]) // 2) + ticks[1]
    axis = name.rjust(9) + "  " + axis.ljust(WIDTH - len(ticks[2])) + ticks[2]
    return lines + [" " * 10 + "+" + "-" * WIDTH, axis], at


# A picture of the mean loss over w around w = bottom, where it is lowest, wide enough for each (w,
# char, tag) of marks, drawn on the curve, later ones over earlier; with a slope, the tangent of
# that slope through the last mark. Its lines, and what each cell holds.
def curve(title, x_data, y_data, bottom, marks, slope=None):
    half, points, at = abs(bottom) / 1e6, [], marks[-1][0]  # (wide enough for 7 digits to
    for w, _, _ in marks:  # tell its ends apart)
        half = max(half, abs(w - bottom))
    left, right = bottom - (half or 1.0), bottom + (half or 1.0)
    height = mean_loss(at, x_data, y_data)
    for j in range(WIDTH):
        v = left + (right - left) * j / (WIDTH - 1)
        points.append((v, mean_loss(v, x_data, y_data), ".", None))
        if slope is not None:  # the tangent: the line through the last mark, of this slope
            slant = "/" if slope > 0 else "\\" if slope else "-"
            points.append((v, height + slope * (v - at), slant, None))
    for w, char, tag in marks:
        points.append((w, mean_loss(w, x_data, y_data), char, tag))
    # (the loss is symmetric about its lowest point: as high at the right end as at the left)
    return draw(title, points, (left, right, mean_loss(bottom, x_data, y_data), points[0][1]))


# --plot's pictures. The mean loss over w around the least-squares w, with S at the start, each
# marked (epoch, w) as its digit (0-9) or a * later on, and for data off every line through 0, o at
# the least-squares w; then which marks are drawn under others. And log10 of the distance from w to
# where w settles, after each marked epoch: for a fixed epoch factor F, a straight line that
# changes by log10 |F| an epoch.
def pictures(start, marks, lr, batch, x_data, y_data):
    import textwrap  # here: only --plot and --rates use it

    a, b, d = epoch_map(lr, batch, x_data, y_data)
    centre, point, shown = best_w(x_data, y_data), None, []
    apart = mean_loss(centre, x_data, y_data) > 0  # off every line through 0: no w fits them all
    try:  # where an epoch leaves w in place: for F = 1 nowhere, or everywhere
        point = b / (d - a)
    except (ZeroDivisionError, OverflowError):  # (or past the largest float)
        pass
    for epoch, w in marks[::-1]:  # stars, then digits down to 0: the earliest epoch shows
        shown.append((w, "*" if epoch >= 10 else str(epoch), str(epoch)))
    shown += [(centre, "o", None)] * apart + [(start, "S", None)]
    title = "mean loss over w: S = start, 0-9 = w after that epoch, * = a later epoch"
    lines, at = curve(title, x_data, y_data, centre, shown)
    for there in at.values():  # the mark drawn last shows: name the epochs under it
        char, tag = there.pop()
        hidden = []
        for _, epoch in there[::-1]:
            hidden += [epoch] if epoch else []
        if hidden:  # (for a star, which epoch's star; notes wrapped at 72, as the pictures are)
            which = " of epoch " + tag if char == "*" else ""
            lines += textwrap.wrap(f"epochs under the {char}{which}: {', '.join(hidden)}", 72)
    lines += [f"o = the least-squares w, {centre:.6g}, where the mean loss is lowest"] * apart
    if point is None or not marks:
        return lines + ["(no distance picture: no epochs, or no float where an epoch leaves w)"]
    points, there = [], []  # (the marked epochs are far enough apart to have a column each,
    for epoch, w in marks:  # but the last, which is drawn over the one before it if it has to)
        if w == point:
            there.append(str(epoch))
        else:
            points.append((epoch, math.log10(abs(w - point)), "*", None))
    title = f"log10 of the distance from w to {text(b, d - a, 6)} after each epoch"
    lines.append(title)
    if points:
        heights = list(zip(*points))[1]
        box = (0, max(marks[-1][0], 1), min(heights), max(heights))
        lines[-1:] = draw(title, points, box, "epoch")[0]
    if there:
        lines += textwrap.wrap(
            "epochs that end exactly there, at distance 0: " + ", ".join(there), 72
        )
    line = "each epoch multiplies the distance by F = 0: after one epoch, w is there"
    if a:
        slope = math.log10(abs(a)) - math.log10(d)
        line = f"each epoch multiplies the distance by F = {factor_text(a, d)}, so on this scale "
        line += f"the epochs lie on a line of slope log10 |F| = {slope:.3g}"
        line += " (until it nears rounding, 1e-16 of w)" if slope < 0 else ""
    return lines + textwrap.wrap(line, 72)


# The loss this step goes down, around its lowest point: W at w, with the tangent there (its slope
# is grad), and N where the step lands; and the slope measured on the curve.
def step_picture(x_val, y_val, w, grad, lr, batch):
    xs, ys = (x_val, y_val) if batch else ([x_val], [y_val])
    title, h = f"loss of the sample ({x_val}, {y_val}) over w", 0.001 * max(abs(w), 1.0)
    title = "mean loss over w" if batch else title
    marks = [(w - lr * grad, "N", None), (w, "W", None)]
    lines = curve(title, xs, ys, best_w(xs, ys) if any(xs) else w, marks, grad)[0]  # (x = 0: flat)
    slope = (mean_loss(w + h, xs, ys) - mean_loss(w - h, xs, ys)) / (2 * h)
    lines.append("W = w now, N = where this step lands; the line through W: the tangent")
    return (
        "\n".join(lines)
        + f"\nmeasured slope: (loss(w + h) - loss(w - h)) / 2h = {slope:.6g}, h = {h:g}"
    )


# A map of the learning rates: the epoch factor F over lr, from -2 to 2, with -1 < F < 1 marked.
def rate_map(lr, batch, x_data):
    import textwrap  # here: only --plot and --rates use it

    intervals, points, band = convergent_rates(batch, x_data), [], ""
    right = 1.1 * intervals[-1][1]  # a little past the largest rate that converges
    for j in range(WIDTH):
        r = right * j / (WIDTH - 1)
        a, _, d = epoch_map(r, batch, x_data, [0.0] * len(x_data))  # (F does not depend on y)
        try:  # (off the map, above 2 or below -2, F is not drawn)
            points.append((r, a / d, ".", None))
        except OverflowError:  # (past the largest float, even more so)
            pass
        band += " " if abs(a) >= d else "="
    title = f"epoch factor F over --lr, {MODES[batch]} steps: w converges where -1 < F < 1"
    labels = {0: "2", 3: "1", 6: "0", 9: "-1", 12: "-2"}
    lines = draw(title, points, (0, right, -2, 2), "lr", 13, labels)[0]
    label = "--lr " + str(lr)
    marker = (label + " is off to the right >").rjust(WIDTH)
    if lr <= right:
        column = round(lr / right * (WIDTH - 1))
        marker = " " * column + "^ " + label
        if len(marker) > WIDTH:  # the label left of the ^
            marker = (label + " ^").rjust(column + 1)
    lines += ["converges  " + band.rstrip(), " " * 11 + marker]
    return "\n".join(lines + textwrap.wrap("|F| < 1 for --lr " + rates_text(intervals, 6), 72))


# ---------------------------------------------------------------------------
# Command line: the options, and checking what they are given
# ---------------------------------------------------------------------------

HELP = """\
usage: gradient_descent.py [-h] [--lr RATE] [--epochs N] [--w START] [--data PAIRS]
                           [--batch] [--quiet | --explain | --step] [--plot] [--rates]

Gradient descent on y = x * w, as in lecture 3 of PyTorch Zero to All.
With no options it prints exactly what the lecture printed.

options:
  -h, --help    show this help and exit
  --lr RATE     learning rate: how far each step moves w (default: 0.01)
  --epochs N    passes over the data (default: 10)
  --w START     the weight before training (default: 1.0)
  --data PAIRS  the samples as x,y pairs, in the order the steps take them
                (default: "1,2 2,4 3,6"); each number 0 or from 1e-150 to 1e150
                in size
  --batch       one step per epoch on the mean loss, the loss as the lecture
                defines it (default: one step per sample, as the lecture's code)
  --quiet       print only the first line, the last epoch's line and the last line
  --explain     show each update with the numbers put into the formulas
  --step        show each step on its loss curve, with the tangent, and its
                arithmetic and line, then wait: Enter takes the step, a number N
                takes N steps, q (or the end of the input) stops training there;
                the prompt goes to stderr, and only when the input is a terminal
  --plot        after training, draw the loss curve with w marked at each epoch,
                and the distance from where w settles on a log scale
  --rates       after training, draw the epoch factor over the learning rate

An option's value may start with '-', as in --w -1e3. --quiet goes with neither
--explain nor --step, which show every step; the rest go with every option.

examples:
  python3 gradient_descent.py --lr 0.001   too small: w creeps towards 2
  python3 gradient_descent.py --lr 0.1     w zig-zags across 2 and settles
  python3 gradient_descent.py --lr 0.21    too large: w moves away from 2
  python3 gradient_descent.py --lr 0.5     larger still, and it converges again
  python3 gradient_descent.py --rates      which learning rates converge
  python3 gradient_descent.py --w 3        start above 2, on the other side of it
  python3 gradient_descent.py --batch      full batch: one step on the mean loss
  python3 gradient_descent.py --data "1,2 2,4 3,6.5"   off every line y = w * x
  python3 gradient_descent.py --plot       the descent drawn on the loss curve
  python3 gradient_descent.py --explain    the arithmetic of every step
  python3 gradient_descent.py --step       one step at a time, with the tangent

exit status:
  0 done (also when --step is stopped early), 1 diverged (the loss no longer
  fits in a float), 2 bad input, 3 the output could not be written; Ctrl-C
  ends it by SIGINT, as it does any program (a shell shows status 130)
"""
OPTIONS = {  # what each option takes
    "--lr": "a finite number greater than 0",
    "--epochs": "a whole number, 0 or more",
    "--w": "a finite number",
    "--data": 'x,y pairs of numbers, each 0 or from 1e-150 to 1e150 in size, such as "1,2 2,4"',
}
FLAGS = ["--batch", "--quiet", "--explain", "--step", "--plot", "--rates"]


# The number written in text, if it is finite and above `above`; else None.
def number(text, kind=float, above=-math.inf):
    try:
        value = kind(text)
    except ValueError:
        return None
    return value if above < value < math.inf else None


# descend()'s arguments from the command line, or None for --help; ValueError says what is wrong,
# in the user's terms. An option's value is the argument after it, even one that starts with '-'.
def options(argv):
    given, args = {}, iter(argv)
    for arg in args:
        name, equals, value = arg.partition("=")
        if arg in ("-h", "--help"):
            return None
        if name in FLAGS and not equals:
            given[name] = arg
        elif name in OPTIONS:
            given[name] = value if equals else next(args, None)
            if given[name] is None:
                raise ValueError("argument " + name + ": expected one argument")
        else:
            raise ValueError("unrecognized argument: " + arg)
    texts = {"--lr": "0.01", "--epochs": "10", "--w": "1.0", "--data": "1,2 2,4 3,6", **given}
    xs, ys = [], []
    for pair in texts["--data"].split():
        x, _, y = pair.partition(",")
        xs.append(number(x))
        ys.append(number(y))
    found = {"lr": number(texts["--lr"], float, 0), "epochs": number(texts["--epochs"], int, -1)}
    found["w"], found["data"] = number(texts["--w"]), (xs, ys) if xs else None
    for value in xs + ys:  # each 0 or from 1e-150 to 1e150 in size, so that x * x fits
        if value is None or value and not 1e-150 <= abs(value) <= 1e150:
            found["data"] = None
    for name, expected in OPTIONS.items():
        if found[name[2:]] is None:
            raise ValueError(f"argument {name}: expected {expected}, got {texts[name]!r}")
    if not any(xs):
        raise ValueError("argument --data: every x is 0, so the loss does not depend on w")
    if "--quiet" in given and ("--explain" in given or "--step" in given):
        raise ValueError("argument --quiet: not with --explain or --step, which show every step")
    if not math.isfinite(mean_loss(found["w"], xs, ys)):
        start = f"at the start, w = {found['w']}, the loss does not fit in a float: "
        raise ValueError(start + f"start nearer {best_w(xs, ys):.6g} with --w")
    for name in FLAGS:
        found[name[2:]] = name in given
    return found


# ---------------------------------------------------------------------------
# One run, as the command line asks for it
# ---------------------------------------------------------------------------


# One run as the command line asks for it; returns the exit status.
def descend(w, lr, epochs, data, batch, quiet, explain, step, plot, rates):
    xs, ys = data
    marks, waits = {}, [0]  # marks: epoch -> w for --plot; waits: steps to take before --step waits

    def on_step(x_val, y_val, w, grad):  # what each step shows, and where --step waits
        if step:
            print(step_picture(x_val, y_val, w, grad, lr, batch))
        if step or explain:
            print(explain_step(x_val, y_val, w, grad, lr, batch))
        if not batch:
            print_grad(x_val, y_val, w, grad)
        return step and stop(waits)

    def on_epoch(epoch, w, l, grad):  # what each epoch shows, and what --plot keeps
        if plot:  # every 2**k-th epoch, at most WIDTH - 1 of them, and the latest
            marks[epoch], every = w, 1 << (epoch // (WIDTH - 1)).bit_length()
            for e in list(marks):
                if e % every and e < epoch:
                    del marks[e]
        if quiet and epoch < epochs - 1:
            return
        if batch:  # the lecture's line, with the epoch's gradient
            print(
                "progress:", epoch, "grad=", round(grad, 2), "w=", round(w, 2), "loss=", round(l, 2)
            )
        else:
            print_progress(epoch, w, l, grad)

    a, b, d = epoch_map(lr, batch, xs, ys)
    p, q = w.as_integer_ratio()  # an epoch leaves w in place if (a w + b) / d = w, exactly
    if epochs and abs(a) >= d and (a == d or (a - d) * p + b * q):
        warn("warning: " + growth_note(lr, batch, xs, ys))
    if explain or step:
        print(EXPLAIN_BATCH if batch else EXPLAIN)
    status = 0
    try:
        lecture(
            w,
            lr,
            epochs,
            None if quiet else on_step,
            on_epoch,
            (train_batch if batch else train, xs, ys),
        )
    except OverflowError as exc:
        status = 1
        sys.stdout.flush()  # the lines so far come first, then why it stopped
        warn(f"diverged: {exc}; {growth_note(lr, batch, xs, ys)}")
    if plot:
        print("\n".join(pictures(w, sorted(marks.items()), lr, batch, xs, ys)))
    if rates:
        print(rate_map(lr, batch, xs))
    return status


# --step: whether to stop training here. When no steps are left to take without a pause, asks:
# Enter takes this step, a number N takes N steps, q or the end of the input stops.
def stop(waits):
    waits[0] -= 1
    sys.stdout.flush()  # the step shows before the question
    while waits[0] < 0:
        asked = sys.stdin and sys.stderr and sys.stdin.isatty()  # a person types the answers
        if asked:
            warn("Enter takes this step, a number N takes N steps, q stops > ", "")
        answer = sys.stdin.readline() if sys.stdin else ""
        reply = answer.strip() or "1"
        if asked and not answer:  # Ctrl-D ends the input, and the prompt's line
            print(file=sys.stderr)
        if not answer or reply == "q":
            break
        if reply.isdecimal() and float(reply) > 0:  # (past the steps left, or the largest float:
            waits[0] = float(reply) - 1  # all of them)
        else:
            warn("expected Enter, a whole number of steps or q, got " + repr(reply))
    return waits[0] < 0


def main(argv=None):
    """The command line: the lecture's run with no options; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv:  # the lecture's run, with nothing to parse or check
        lecture()
        return 0
    try:
        found = options(argv)
    except ValueError as error:  # one line, with the characters that do not print escaped
        message = ""
        for char in str(error):
            message += char if char.isprintable() else repr(char)[1:-1]
        warn("error: " + message + " (see --help)")
        return 2
    if not found:
        print(HELP, end="")
        return 0
    return descend(**found)


# ---------------------------------------------------------------------------
# Running as a command: faults end the run with one line, never a traceback
# ---------------------------------------------------------------------------


# A line on stderr (with end="", the --step prompt). If stderr is closed or failing, the run goes
# on without it.
def warn(text, end="\n"):
    if sys.stderr is None:  # started with stderr closed: never fall back on stdout
        return
    try:
        print("gradient_descent.py: " + text, end=end, file=sys.stderr, flush=True)
    except OSError:  # point it at the null device, so nothing fails again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


# main() as a command: its exit status, with faults turned into one line on stderr.
def command():
    if sys.stdout is None:  # started with stdout closed
        warn("error: cannot write output: stdout is closed")
        return 3
    out = sys.stdout
    if not hasattr(out.buffer, "raw"):  # unbuffered (-u): a full pipe must not drop lines unseen
        sys.stdout = io.TextIOWrapper(
            io.BufferedWriter(out.buffer), out.encoding, out.errors, line_buffering=True
        )
    if sys.argv[1:]:  # Ctrl-C during a write loses at most that write (the lecture's lines are
        sys.stdout.reconfigure(write_through=True)  # too few to fill a pipe and make one wait)
    try:
        status = main()
        sys.stdout.flush()  # a failed write shows up here, not as noise at exit
        return status
    except KeyboardInterrupt:
        pass
    except OSError as error:  # stderr's failures are dealt with in warn(): this is stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing fails again at exit
        if isinstance(error, BrokenPipeError):  # the reader went away, as with `| head`
            return 141
        warn(f"error: cannot write output: {error.strerror or error}")
        return 3
    while True:  # Ctrl-C: end as it ends any program, after what was printed reaches the reader,
        try:  # by SIGINT, so that a shell running it in a loop stops too; a second press only
            import signal  # starts this again

            try:
                sys.stdout.flush()  # waits for a reader that is not reading yet, as `less` does
            except (OSError, ValueError):  # nothing more can reach the reader
                pass
            if sys.platform != "win32":  # (Windows has no SIGINT to send)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                os.kill(os.getpid(), signal.SIGINT)
            return 130  # the status shells give for Ctrl-C (on Windows, or if SIGINT is blocked)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    sys.exit(command())
