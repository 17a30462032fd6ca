"""Gradient descent by hand, as in lecture 3 of Sung Kim's "PyTorch Zero to All".

`python3 gradient_descent.py` (`py` on Windows) prints what the lecture printed; `--help` lists
the experiments.

The file, section by section:
  the lecture           x_data, y_data, forward, loss, gradient, train, lecture: the post's code
  full batch            one step per epoch on the mean loss (--batch)
  where w settles       epoch_map(): an epoch takes w to F * w + C, worked out exactly
  which rates converge  convergent_rates(): where |F| < 1, with a speed layer for many samples
  the rates in words    the warnings' sentence
  explain               each step's arithmetic (--explain, --step)
  pictures              the loss curve, the distance, one step, the rates (--plot, --step, --rates)
  the exercise          the lecture's y_hat = x^2 * w2 + x * w1 + b, its gradients checked
  command line          the options and their help, from one table
  one run               descend(): what each step and epoch shows, and when a run stops
  faults                one line and a status, never a traceback
"""
# The runnable companion to the blog post "PyTorch Lecture about Machine Learning - 3: Gradient
# Descent". Standard library only, Python 3.9 or newer.

import io
import math
import os
import sys

# What help(gradient_descent) lists: the lecture's part, and what else you would call
__all__ = [
    "convergent_rates", "epoch_map", "forward", "forward2", "gradient", "gradient2", "lecture",
    "loss", "loss2", "main", "mean_gradient", "mean_loss", "train", "train2", "train_batch",
    "x_data", "y_data",
]  # fmt: skip

# --- The lecture: data, model, loss, gradient, training loop, and its run

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


# ValueError unless there are as many y values as x values, at least one (zip() would drop the rest)
def check_data(x_data, y_data):
    if len(x_data) != len(y_data) or not x_data:
        raise ValueError(
            f"expected as many x as y values, at least one: got {len(x_data)} and {len(y_data)}"
        )


# Training loop: one gradient step per sample, as in the lecture
def train(w=1.0, lr=0.01, epochs=10, on_step=None, on_epoch=None, x_data=x_data, y_data=y_data):
    """Return w after `epochs` passes over the samples, starting from `w`.

    on_step(x_val, y_val, w, grad) is called before each update (if it returns True, training
    stops there), on_epoch(epoch, w, l, grad) after each epoch. The samples are the lecture's
    unless you pass lists as x_data and y_data: the defaults are fixed when the module loads,
    so reassigning gradient_descent.x_data later changes neither train() nor lecture().
    """
    check_data(x_data, y_data)
    for epoch in range(epochs):
        for x_val, y_val in zip(x_data, y_data):
            # Compute derivative w.r.t to the learned weights
            grad = gradient(x_val, y_val, w)
            if on_step is not None and on_step(x_val, y_val, w, grad):
                return w
            # Update the weights
            w = w - lr * grad
            # Compute the loss and print progress
            l = loss(x_val, y_val, w)
        if on_epoch is not None:
            on_epoch(epoch, w, l, grad)
    return w


# The lecture's printed lines: one per step, one per epoch
def print_grad(x_val, y_val, w, grad):
    print("\tgrad: ", x_val, y_val, round(grad, 2))


def print_progress(epoch, w, l, grad):  # the lecture's line leaves out grad
    print("progress:", epoch, "w=", round(w, 2), "loss=", round(l, 2))


# The lecture's run: w = 1.0 stands for a random start
def lecture(
    w=1.0,
    lr=0.01,
    epochs=10,
    on_step=print_grad,
    on_epoch=print_progress,
    x_data=x_data,
    y_data=y_data,
    training=train,
):
    """Print the prediction for 4 hours, train, print the prediction again; return w."""
    # Before training
    print("Prediction (before training)", 4, forward(4, w))
    w = training(w, lr, epochs, on_step, on_epoch, x_data, y_data)
    # After training
    print("Predicted score (after training)", "4 hours of studying: ", forward(4, w))
    return w


# --- Full batch: one step per epoch on the mean loss, the loss the lecture defines
# (From here on text is joined with %, not f-strings: the whole file compiles on every run, and a
# %-string in about 60% of the instructions.)


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
        if on_step is not None and on_step(x_data, y_data, w, grad):
            return w
        w = w - lr * grad
        if on_epoch is not None:
            on_epoch(epoch, w, mean_loss(w, x_data, y_data), grad)
    return w


# --- Where w settles: an epoch takes w to F * w + C, worked out exactly


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


# --- Which learning rates converge: where |F| < 1
# F is a product of factors 1 - lr / z, one a sample (with --batch, one), z = 1 / (2x^2) the rate
# at which that sample's step lands on its own best w. Between two neighbouring z (and past the
# last) log|F| is concave: it rises to one peak and falls. So |F| < 1 near each z, and in a gap
# unless its peak reaches 1; past the last z |F| only grows. The plain search takes the gaps in
# turn: the peak in floats (past_peak), and if |F| >= 1 there, the floats where |F| turns 1
# (crossing), each decided exactly (diverges). With many samples a speed layer (settled,
# farthest) passes runs of gaps at once: where |F| < 1 all the way, or where no float converges.


# log |1 - lr * r / s| for each (r, s) of pairs, each factor rounded to a float once from its
# exact value: 0 gives -inf, a factor past the largest float inf, one below the smallest -inf.
def sizes(lr, pairs):
    (p, q), logs = lr.as_integer_ratio(), []
    for r, s in pairs:
        top = abs(q * s - p * r)  # the factor is top / (q * s) in size
        try:
            logs.append(math.log(top / (q * s)))
        except OverflowError:
            logs.append(math.inf)
        except ValueError:  # (0, or rounded to 0)
            logs.append(-math.inf)
    return logs


# The sum of logs from sizes(), log |F| in floats, and how far it can be from the exact value:
# rounding a factor moves its log by 2**-53 at most, math.log is within 1 ULP (2**-52 of its
# size), and fsum adds no error of its own; 2**-50 allows 4 times that. (nan and an infinite
# bound where a factor is 0 or outside the floats' range: then no comparison holds.)
def summed(logs):
    bound = 2**-50 * (len(logs) + math.fsum(map(abs, logs)))
    return (math.fsum(logs) if bound < math.inf else math.nan), bound


# Whether |F| >= 1 at the float lr: decided in floats unless log |F| is so near 0 that their error
# could change the answer, then exactly, by epoch_map().
def diverges(lr, pairs, batch, x_data):
    size, bound = summed(sizes(lr, pairs))
    if abs(size) > bound:
        return size > 0
    a, _, d = epoch_map(lr, batch, x_data, [0.0] * len(x_data))  # (F does not depend on y)
    return abs(a) >= d


def convergent_rates(batch=False, x_data=x_data):
    """The intervals (low, high) of learning rates at which |F| < 1, in order: every float
    strictly between low and high converges, low and high do not (the first low is 0)."""
    if not any(x_data):
        raise ValueError("expected an x that is not 0: without one, the loss does not depend on w")
    zeros = []  # (z, (r, s)): each factor 1 - lr * r / s, r / s = 2x^2 in integers, and its zero
    for x in x_data:
        if x and not 1e-150 <= abs(x) <= 1e150:  # (so that 2x^2 and its zero fit in a float)
            raise ValueError("expected each x to be 0 or from 1e-150 to 1e150 in size")
        r, s = float(x).as_integer_ratio()
        if r:
            zeros.append((s * s / (2 * r * r), (2 * r * r, s * s)))
    if batch:  # one factor: r / s is the mean of 2x^2
        a, _, d = epoch_map(0.5, True, x_data, x_data)  # F = 1 - 0.5 * r / s, whatever y is
        zeros = [(d / (2 * (d - a)), (2 * (d - a), d))]
    zs, pairs = zip(*sorted(zeros))
    zeros, intervals, low, k, known = sorted(set(zs)), [], 0.0, 0, (pairs, batch, x_data)
    while k < len(zeros):
        if low is None and settled(k, k, zeros, zs, pairs, True):  # past an interval, no float
            j = farthest(k, zeros, zs, pairs, True)  # converges for a while
            for z in zeros[k : j + 1]:  # but at an exact zero (x a power of 2, z one too): F = 0
                if math.frexp(z)[0] == 0.5:
                    intervals.append((math.nextafter(z, 0), math.nextafter(z, math.inf)))
            k = j + 1
            continue
        if low is None:
            low = edge(zeros[k], zeros[k - 1], zs, known)
        k = farthest(k, zeros, zs, pairs, False)
        # (3 times the largest zero makes every factor 1 - lr / z -2 or less: there |F| > 1)
        high = edge(zeros[k], zeros[k + 1] if k + 1 < len(zeros) else 3 * zeros[-1], zs, known)
        if high is not None:
            intervals += [(low, high)] * (low < high)  # (equal: the zero's own float diverges)
            low = None
        k += 1
    return intervals


# The speed layer: whether zeros[j] to zeros[k] can be passed at once. Each factor is largest in
# size at an end of the run (and, for a zero outside it, smallest). Not dead: whether |F| < 1 all
# the way, from the largest sizes (and their error). Dead: whether no float in it converges but an
# exact zero. Next to a zero z a float's own factor is 2**-160 or more in size (lr and x are
# 53-bit integers over powers of 2), so |F| > 1 there if the others pass 2**160 = e**110.9 at z
# (e**120 leaves room for rounding, and for their change to the next float); between two zeros
# log|F| is concave, so at least that. At most 64 zeros a check: it costs their number squared.
def settled(j, k, zeros, zs, pairs, dead):
    import bisect

    ends = list(map(min if dead else max, sizes(zeros[j], pairs), sizes(zeros[k], pairs)))
    if not dead:
        size, bound = summed(ends)
        return size + bound < 0
    first, last = bisect.bisect_left(zs, zeros[j]), bisect.bisect_right(zs, zeros[k])
    out, near = ends[:first] + ends[last:], zs[first:last]  # the factors of zeros outside it
    if k - j >= 64:
        return False
    for z in set(near):
        others = []  # the pairs of the run's other zeros
        for v, pair in zip(near, pairs[first:last]):
            others += [pair] * (v != z)
        size, bound = summed(out + sizes(z, others))
        if not size - bound > 120 * near.count(z):
            return False
    return True


# A j as far as possible with settled(k, j), found in steps that double.
def farthest(k, zeros, zs, pairs, dead):
    step = 1
    while k + step < len(zeros) and settled(k, k + step, zeros, zs, pairs, dead):
        k, step = k + step, 2 * step
    return k


# The first float from the zero z towards `toward` where |F| >= 1, or None: past the peak of log|F|
# between two zeros, if the peak reaches 0.
def edge(z, toward, zs, known):
    peak = crossing(past_peak, (z, zs), z, toward)
    if not diverges(peak, *known):
        return None
    return z if diverges(z, *known) else crossing(diverges, known, z, peak)


# Whether log|F| has stopped rising on the way from the zero z to lr: its slope, the sum of
# 1 / (lr - v) over the zeros v, is 0 or of the other sign. (In floats: it finds the peak to
# within a few floats, which could miss a peak above 0 only where log|F| there is below about
# 2**-100 times the number of samples; none has turned up against the exact roots in the tests.)
def past_peak(lr, z, zs):
    slope = []
    for v in zs:
        slope.append((lr - v) ** -1)
    return (lr - z) * math.fsum(slope) <= 0


# Where test(lr, *args) turns true between two floats: the true one of the neighbours.
def crossing(test, args, false_at, true_at):
    middle = (false_at + true_at) / 2
    while middle not in (false_at, true_at):  # (halving between floats: at most about 2100 times)
        false_at, true_at = (false_at, middle) if test(middle, *args) else (middle, true_at)
        middle = (false_at + true_at) / 2
    return true_at


# --- The learning rate in words: the warnings' sentence

MODES = ("per-sample", "full-batch")  # the steps, without and with --batch


# top / bottom (integers) to `digits` significant digits, written plainly, or with an exponent when
# very small or large. Decimal divides the top 600 bits of each: a ratio exact to 2**-599, about
# 1e-180, far past the 17 digits ever written, so it rounds as the exact ratio would.
def decimals(top, bottom, digits=3, rounding="ROUND_HALF_EVEN"):
    from decimal import Decimal, localcontext

    cut = max(0, min(abs(top).bit_length(), bottom.bit_length()) - 600)
    with localcontext() as context:
        context.prec, context.rounding = digits, rounding
        written = (Decimal(top >> cut) / Decimal(bottom >> cut)).normalize()
    return format(written, "f" if -7 < written.adjusted() < 16 else "g")


# F = a / d, 3 significant digits; near +-1, as +-1 and how far from it it lies.
def factor_text(a, d):
    shown = decimals(a, d)
    gap = {"1": a - d, "-1": a + d}.get(shown)  # F - 1 or F + 1, in units of 1 / d
    if gap:
        gap = decimals(gap, d, 2)
        shown += " - " + gap[1:] if gap[0] == "-" else " + " + gap
    return shown


# The intervals in words, from the floats just inside each, rounded inwards so that a rate typed
# as written converges; a narrow one with more digits. Past 4, the 3 widest and where the rest lie.
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
            a = decimals(*first.as_integer_ratio(), more, "ROUND_CEILING")
            b = decimals(*last.as_integer_ratio(), more, "ROUND_FLOOR")
            if float(a) < float(b):  # (rounded away from first and last, so a and b converge)
                break
        words.append("between %s and %s" % (a, b) if float(a) < float(b) else "exactly %r" % first)
        if not low:
            words[-1] = "below " + decimals(*last.as_integer_ratio(), digits, "ROUND_FLOOR")
    if rest:
        low = decimals(*rest[0][0].as_integer_ratio(), digits, "ROUND_FLOOR")
        high = decimals(*rest[-1][1].as_integer_ratio(), digits, "ROUND_CEILING")
        words[-1] += ", and in %d narrow intervals that lie between %s and %s" % (
            len(rest),
            low,
            high,
        )
    return " or ".join(words)


# One sentence on what this learning rate does to the distance from where w settles, given the
# epoch's map (a, b, d) and the intervals of rates that converge.
def growth_note(lr, batch, x_data, y_data, epoch, intervals):
    a, b, d = epoch
    rates = "; %s steps converge on this data for --lr %s" % (
        MODES[batch],
        rates_text(intervals, 3),
    )
    if a == d:
        effect = "adds %s to w, so w never settles" % decimals(b, d) if b else "brings w back to"
        return "at --lr %s each epoch %s%s%s" % (lr, effect, " where it started" * (not b), rates)
    apart = mean_loss(best_w(x_data, y_data), x_data, y_data) > 0  # off every line through 0
    what = decimals(b, d - a, 6) + " (the w an epoch leaves where it is)" * apart
    effect = "grows" if abs(a) > d else "stays the same" if abs(a) == d else "shrinks"
    effect = "by %s, so it %s%s" % (factor_text(a, d), effect, rates)
    return "at --lr %s each epoch multiplies the distance from w to %s %s" % (lr, what, effect)


# --- Explain: each update with the numbers put into the post's formulas

EXPLAIN = "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
EXPLAIN_BATCH = "each epoch: grad = mean of 2 * x * (x * w - y), then w = w - lr * grad"


# The arithmetic of one step (with batch, of the epoch's, x_val and y_val all the samples): the
# gradient (each sample's, then their mean), then the update.
def explain_step(x_val, y_val, w, grad, lr, batch):
    lines, grads, name = "", [], "" if batch else "grad = "
    for x, y in zip(x_val, y_val) if batch else [(x_val, y_val)]:
        grads.append(str(gradient(x, y, w)))
        lines += "\t%s2 * %s * (%s * %s - %s) = %s\n" % (name, x, x, w, y, grads[-1])
    if batch:
        lines += "\tgrad = (%s) / %d = %s\n" % (" + ".join(grads), len(grads), grad)
    return lines + "\tw = %s - %s * %s = %s" % (w, lr, grad, w - lr * grad)


# (f(v + h) - f(v - h)) / 2h, the slope at v of the parabola f(v) = A (v - bottom)^2 + least,
# and h. Exact for any h but for rounding: f(v -+ h), about A h^2 + f(v), are each rounded by
# 2**-53 of that, an error least, 2**-52 sqrt(A f(v)), at h = sqrt(f(v) / A) (with least 0, the
# distance to the bottom). A is mean(phi^2), phi what multiplies v in each sample's prediction:
# by hypot, which does not underflow (x = 1e-100: phi^2 = x^4). h is halved while f(v -+ h) do
# not fit (nan if no h does).
def measured(f, v, phis):
    h = math.sqrt(f(v)) / math.hypot(*phis) * len(phis) ** 0.5 if any(phis) else 0.0
    h = h if 0 < h < math.inf else max(1.0, abs(v))  # (at the bottom: the slope is 0 for any h)
    while not (abs(f(v + h)) < math.inf and abs(f(v - h)) < math.inf) and h:
        h /= 2
    return ((f(v + h) - f(v - h)) / (2 * h) if h else math.nan), h


# --- Pictures in text: the loss curve, the distance, one step, and the rates

WIDTH = 59  # a picture's columns; with its labels, 72 at most


# Text wrapped at 72 columns, as every line but the arithmetic is.
def wrap(line):
    import textwrap  # here: only the pictures use it

    return textwrap.wrap(line, 72)


# A picture's lines, and what was drawn in each cell: each (x, y, char, tag) of points in its cell
# of box = (left, right, low, high), later ones over earlier, those outside it left out; under it
# the left end, middle and right end of x, with the digits that tell them apart.
def draw(title, points, box, name="w", rows=14, labels=None):
    left, right, low, high = box
    if not all(map(math.isfinite, box)):  # (only the top of a curve can be past the largest float)
        return wrap(title) + ["(no picture: its numbers do not fit in a float)"], {}
    grid, at = [], {}
    for row in range(rows):
        grid.append([" "] * WIDTH)
    for x, y, char, tag in points:
        row = (high - y) / (high - low or math.inf) * (rows - 1) if y > -math.inf else rows - 1
        column = (x - left) / (right - left) * (WIDTH - 1)
        if -0.5 < row < rows - 0.5 and -0.5 < column < WIDTH - 0.5:  # (nan is neither)
            row, column = round(row), round(column)
            grid[row][column] = char
            at.setdefault((row, column), []).append((char, tag))
    labels, lines = labels or {0: format(high, ".3g"), rows - 1: format(low, ".3g")}, wrap(title)
    for row, chars in enumerate(grid):
        lines.append((labels.get(row, "").rjust(9) + " |" + "".join(chars)).rstrip())
    widest = len(format(max(abs(left), abs(right)), ".0f"))  # whole numbers in full, below 1e15
    for digits in range(max(3, widest) if widest < 16 else 3, 18):  # the fewest that tell apart
        ticks = []
        for x in left, (left + right) / 2, right:
            ticks.append("%.*g" % (digits, x))
        if len(set(ticks)) == 3:
            break
    axis = ticks[0].ljust(WIDTH // 2 - len(ticks[1]) // 2) + ticks[1]
    axis = name.rjust(9) + "  " + axis.ljust(WIDTH - len(ticks[2])) + ticks[2]
    return lines + [" " * 10 + "+" + "-" * WIDTH, axis], at


# A picture of the mean loss over w from centre - half to centre + half, with each (w, char, tag)
# of marks on the curve, later ones over earlier; with a slope, the tangent of that slope through
# the last mark. Its lines, and what each cell holds.
def curve(title, x_data, y_data, centre, half, marks, slope=None):
    at, points, heights = marks[-1][0], [], []
    for j in range(WIDTH):
        v = centre - half + 2 * half * j / (WIDTH - 1)
        heights.append(mean_loss(v, x_data, y_data))
        points.append((v, heights[-1], ".", None))
        if slope is not None:  # the tangent: the line through the last mark, of this slope
            slant = "/" if slope > 0 else "\\" if slope else "-"
            points.append((v, mean_loss(at, x_data, y_data) + slope * (v - at), slant, None))
    for w, char, tag in marks:
        points.append((w, mean_loss(w, x_data, y_data), char, tag))
    low = min(*heights, *list(zip(*points[-len(marks) :]))[1])
    return draw(title, points, (centre - half, centre + half, low, max(heights)))


# Epochs in words, a run of consecutive ones as a range: [2, 3, 4, 9] -> "epochs 2 to 4 and 9".
def spans(epochs):
    runs = []
    for e in epochs:
        runs += [[e, e]] if not runs or runs[-1][1] != e - 1 else []
        runs[-1][1] = e
    words = []
    for a, b in runs:
        words.append("%d to %d" % (a, b) if b > a else str(a))
    return "epoch" + "s" * (len(epochs) > 1) + " " + " and ".join(", ".join(words).rsplit(", ", 1))


# --plot's pictures. The mean loss around the least-squares w (o, for data off every line through
# 0): S at the start, epochs 0-9 as digits, the last as *, the epochs hidden or off it named.
# Then log10 of each marked epoch's distance from where w settles (+ above, - below, = on it),
# from the start's distance down to where rounding stops w, a scale runs on the same data and
# start share: for a fixed F, a line changing by log10 |F| an epoch. `moved`: w's last change.
def pictures(start, marks, moved, epoch, x_data, y_data):
    (a, b, d), centre, last = epoch, best_w(x_data, y_data), marks[-1][0] if marks else -1
    shown, off, points, heights = [], [], [], []
    apart = mean_loss(centre, x_data, y_data) > 0  # off every line through 0: no w fits them all
    # the picture reaches 10 times as far as the start or epoch 1 (a diverging run's first climbs)
    reach = 10 * max(abs(start - centre), abs(dict(marks).get(1, start) - centre))
    for e, w in marks[::-1] + [(None, start)]:  # the last, 9 down to 0, then S: the earliest shows
        if e is None or e < 10 or e == last:
            fits = abs(w - centre) <= reach and mean_loss(w, x_data, y_data) < math.inf
            shown += [(w, "S" if e is None else "*" if e > 9 else str(e), e)] * fits
            off += [e] * (not fits)
    shown[-1:-1] = [(centre, "o", None)] * apart
    half = max(abs(w - centre) for w, _, _ in shown + [(centre * 1.000001, 0, 0)])  # (7 digits)
    title = "mean loss over w: S = start, 0-9 = after that epoch" + ", * = after %d" % last * (
        last > 9
    )
    lines, at = curve(title, x_data, y_data, centre, half or 1.0, shown)
    for there in at.values():  # the mark drawn last shows: name the epochs under it
        hidden = sorted(e for _, e in there[:-1] if e is not None)
        lines += wrap("under the %s: %s" % (there[-1][0], spans(hidden))) if hidden else []
    lines += wrap("farther out, off the picture: " + spans(off[::-1])) if off else []
    lines += ["o = the least-squares w, %.6g, where the mean loss is lowest" % centre] * apart
    try:  # where an epoch leaves w in place: for F = 1 nowhere, or everywhere
        point, every = b / (d - a), 1 << (last // (WIDTH - 1)).bit_length()
    except (ZeroDivisionError, OverflowError):  # (or past the largest float)
        marks = []
    if not marks:
        why = "no epoch ended" if last < 0 else "no float w is left in place by an epoch"
        return "\n".join(lines + ["(no distance picture: %s)" % why])
    # the scale, rows 0 to 12: from the start's distance (or a farther one) down to half an ULP
    # of where w settles, the least a float other than it can be from it; row 13 (-inf) holds =
    bottom = math.floor(math.log10(math.ulp(point)) - math.log10(2))
    for e, w in [
        (-1, start)
    ] + marks:  # (the first ten are kept for the curve; here, every `every`-th)
        if e < 0 or not e % every or e == last:
            heights.append(math.log10(abs(w - point)) if w != point else -math.inf)
            points += [(e, heights[-1], "+" if w > point else "-" if w < point else "=", None)] * (
                e >= 0
            )
    top, settles = math.ceil(max(heights + [bottom + 1])), decimals(b, d - a, 6)
    title = "log10 |w - %s| after each epoch: + w above it, - below, = on it" % settles
    lines += draw(
        title,
        points,
        (0, max(last, 1), bottom - (top - bottom) / 12, top),
        "epoch",
        14,
        {0: str(top), 12: str(bottom)},
    )[0]
    slope, line = (
        math.log10(abs(a) or 1) - math.log10(d),
        "each epoch multiplies the distance by F = %s: " % factor_text(a, d),
    )
    stays = moved < 0 and start == point  # (no + or - at all)
    line += (
        "w starts there and stays"
        if stays
        else "after one epoch, w is there"
        if not a
        else "the marks lie level"
        if not slope
        else (
            "the marks go %s %.3g an epoch (log10 |F|)"
            % ("down" if slope < 0 else "up", abs(slope))
        )
    )
    line += ", on alternate sides" * (a < 0 and every < 2 and not stays)  # (as the marks show)
    if moved < last and marks[-1][1] != point:  # (w the same from epoch `moved` on)
        line += "; from epoch %d on, rounding keeps w at %r" % (max(moved, 0), marks[-1][1])
    return "\n".join(lines + wrap(line))


# --step's window, one for the run: around where w settles (for F = 1, the least-squares w), as
# wide as the steps go. An epoch takes w to F w + C: epochs start within point -+ |w - point| for
# |F| <= 1, between w and w + epochs C for F = 1, and for |F| > 1 the window stops at 10 times the
# start's distance, as --plot does (wider, the first steps would be lost). A step's w is affine in
# its epoch's start: a pass over the samples from each end of that range finds them all.
def window(w, lr, epochs, batch, x_data, y_data, epoch):
    (a, b, d), centre, far = epoch, best_w(x_data, y_data), 0.0
    try:  # (a point, a drift or a growth past the largest float: a window no picture can hold)
        ends = (w, w + epochs * (b / d))
        if a != d:  # |F|^epochs, in logs: for |F| <= 1, 1
            centre, grow = b / (d - a), max(epochs * (math.log(abs(a) or 1) - math.log(d)), 0)
            far = min(
                abs(w - centre) * min(math.exp(min(grow, 709)), 10), 1e154 / max(map(abs, x_data))
            )
            ends = (centre - far, centre + far)
    except OverflowError:
        ends = (math.inf,)
    for v in ends:
        for x, y in [(x_data, y_data)] if batch else zip(x_data, y_data):
            v -= lr * (mean_gradient(v, x, y) if batch else gradient(x, y, v))
            far = max(far, math.inf if math.isnan(v) else abs(v - centre))
    return centre, max(far * (1 + 2**-40), abs(w - centre), abs(centre) / 1e6) or 1.0


# The loss this step goes down, on the run's window: W at w, with the tangent there (its slope is
# grad), and N where the step lands; and the slope measured on the curve, a parabola of curvature
# mean(x^2) (see measured()).
def step_picture(x_val, y_val, w, grad, lr, batch, window):
    xs, ys = (x_val, y_val) if batch else ([x_val], [y_val])
    title = "mean loss over w" if batch else "loss of the sample (%s, %s) over w" % (x_val, y_val)
    lines, drawn = curve(title, xs, ys, *window, [(w - lr * grad, "N", None), (w, "W", None)], grad)
    slope, h = measured(lambda v: mean_loss(v, xs, ys), w, xs)
    lines += ["W = w now, N = where this step lands; the line through W: the tangent"] * bool(drawn)
    lines += ["(W is off the picture: w has gone past its edge)"] * (abs(w - window[0]) > window[1])
    line = "measured slope: (loss(w + h) - loss(w - h)) / 2h = %.6g, h = %.3g" % (slope, h)
    lines += wrap(
        line if h else "measured slope: none, as the loss about w does not fit in a float"
    )
    return "\n".join(lines)


# A map of the learning rates: the epoch factor F over lr, from -2 to 2, with -1 < F < 1 marked.
def rate_map(lr, batch, x_data, intervals):
    points, band = [], ""
    right = 1.1 * intervals[-1][1]  # a little past the largest rate that converges
    for j in range(WIDTH):
        r = right * j / (WIDTH - 1)
        a, _, d = epoch_map(r, batch, x_data, [0.0] * len(x_data))  # (F does not depend on y)
        try:  # (off the map, above 2 or below -2, F is not drawn)
            points.append((r, a / d, ".", None))
        except OverflowError:  # (past the largest float, even more so)
            pass
        band += " " if abs(a) >= d else "="
    title = "epoch factor F over --lr, %s steps: w converges where -1 < F < 1" % MODES[batch]
    labels = {0: "2", 3: "1", 6: "0", 9: "-1", 12: "-2"}
    lines = draw(title, points, (0, right, -2, 2), "lr", 13, labels)[0]
    column = round(min(lr, right) / right * (WIDTH - 1))  # the run's rate, marked under the map
    label = "--lr %s" % lr + " is off to the right" * (lr > right)
    marker = (
        " " * column + "^ " + label
        if column + len(label) < WIDTH - 1
        else (label + " ^").rjust(column + 1)
    )
    lines += ["converges  " + band.rstrip(), " " * 11 + marker]
    return "\n".join(lines + wrap("|F| < 1 for --lr " + rates_text(intervals, 6)))


# --- The exercise: y_hat = x^2 * w2 + x * w1 + b, the lecture's last slides (--exercise)


# Our model for the forward pass, now with three parameters
def forward2(x, w2, w1, b):
    """The prediction for x: x^2 * w2 + x * w1 + b."""
    return x * x * w2 + x * w1 + b


# Loss function: the squared error, as before
def loss2(x, y, w2, w1, b):
    """The squared error of the prediction for the sample (x, y)."""
    y_pred = forward2(x, w2, w1, b)
    return (y_pred - y) * (y_pred - y)


# Exercise 3-1, compute the gradient: by the chain rule through y_hat, each parameter's gradient
# is 2 * (y_hat - y) times what multiplies that parameter in y_hat:
#   d loss / d w2 = 2 * x^2 * (y_hat - y)
#   d loss / d w1 = 2 * x * (y_hat - y)
#   d loss / d b  = 2 * (y_hat - y)
def gradient2(x, y, w2, w1, b):
    """(d loss / d w2, d loss / d w1, d loss / d b) at (w2, w1, b)."""
    error = forward2(x, w2, w1, b) - y
    return 2 * x * x * error, 2 * x * error, 2 * error


# The mean over the samples xs, ys of loss2, or with gradient2 of each gradient
def means2(w2, w1, b, xs, ys, each=loss2):
    found = list(map(each, xs, ys, [w2] * len(xs), [w1] * len(xs), [b] * len(xs)))
    return mean(found) if each is loss2 else list(map(mean, zip(*found)))


# Exercise 3-2, implement: the training loop, each step moving all three parameters by their
# gradients at the same point (the mean over the step's samples: one, or with batch all)
def train2(
    w2=1.0,
    w1=1.0,
    b=1.0,
    lr=0.01,
    epochs=10,
    on_step=None,
    on_epoch=None,
    x_data=x_data,
    y_data=y_data,
    batch=False,
):
    """Return (w2, w1, b) after `epochs` passes: one step per sample, or with batch one per epoch
    on the mean loss. on_step(xs, ys, (w2, w1, b), grads) is called before each step with its
    samples (if it returns True, training stops there), on_epoch(epoch, (w2, w1, b), l, grads)
    after each epoch."""
    check_data(x_data, y_data)
    for epoch in range(epochs):
        for xs, ys in [(x_data, y_data)] if batch else zip(zip(x_data), zip(y_data)):
            # Compute derivative w.r.t to the learned weights
            grads = means2(w2, w1, b, xs, ys, gradient2)
            if on_step is not None and on_step(xs, ys, (w2, w1, b), grads):
                return w2, w1, b
            # Update the weights
            w2, w1, b = w2 - lr * grads[0], w1 - lr * grads[1], b - lr * grads[2]
            # Compute the loss
            l = means2(w2, w1, b, xs, ys)
        if on_epoch is not None:
            on_epoch(epoch, (w2, w1, b), l, grads)
    return w2, w1, b


NAMES = ("w2", "w1", "b")
EXPLAIN2 = """\
each step: y_hat = x * x * w2 + x * w1 + b, then the gradients
  grad w2 = 2 * x * x * (y_hat - y), grad w1 = 2 * x * (y_hat - y),
  grad b = 2 * (y_hat - y) (with --batch, each the mean over samples),
each beside the slope measured on the loss along its parameter p,
(loss(p + h) - loss(p - h)) / 2h; then p = p - lr * grad for each p"""


# The arithmetic of one step of the exercise (with batch, of the epoch's): y_hat, each gradient,
# beside the slope measured along its parameter, the updates. Along a parameter the mean loss is a
# parabola of curvature mean(phi^2), phi what multiplies the parameter in y_hat (see measured()).
def explain2(xs, ys, params, grads, lr):
    lines, (w2, w1, b) = "", params
    for j, name in enumerate(NAMES):
        terms, phis = [], []
        for x, y in zip(xs, ys):
            y_hat = forward2(x, w2, w1, b)
            lines += (
                "\ty_hat = %s * %s * %s + %s * %s + %s = %s\n"
                % (x, x, w2, x, w1, b, y_hat)
                * (not j)
            )
            terms.append(
                "2 * %s(%s - %s)" % (("%s * %s * " % (x, x), "%s * " % x, "")[j], y_hat, y)
            )
            phis.append((x * x, x, 1.0)[j])
        along = lambda v, j=j: means2(*params[:j], v, *params[j + 1 :], xs, ys)
        slope = measured(along, params[j], phis)[0]  # (the mean loss with parameter j at v)
        terms = " + ".join(terms) if len(xs) < 2 else "(%s) / %d" % (" + ".join(terms), len(xs))
        slope = "none, the loss about it does not fit" if math.isnan(slope) else "%.6g" % slope
        lines += "\tgrad %s = %s = %s, measured %s\n" % (name, terms, grads[j], slope)
    for name, value, grad in zip(NAMES, params, grads):
        lines += "\t%s = %s - %s * %s = %s\n" % (name, value, lr, grad, value - lr * grad)
    return lines[:-1]


# --- Command line: the options, and checking what they are given

HELP = """\
usage: gradient_descent.py [-h] [--lr RATE] [--epochs N] [--w START] [--data PAIRS]
                           [--batch] [--quiet] [--explain] [--step] [--plot] [--rates]
                           [--exercise]

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
  --quiet       print only the first line, the last epoch's line and the last
                line; a long run on a terminal says how far it has got, on stderr
  --explain     show each update with the numbers put into the formulas
  --step        show each step on its loss curve, with the tangent, its
                arithmetic and line, then wait: Enter takes the step, a number
                that many steps, q stops (the prompt goes to stderr, at a
                terminal only)
  --plot        after training, draw the loss curve with w after the first 10
                epochs and the last, and the distance from where w settles on a
                log scale
  --rates       after training, draw the epoch factor over the learning rate
  --exercise    the lecture's exercise: y_hat = x^2 * w2 + x * w1 + b, from
                w2 = w1 = b = 1.0

An option may be shortened to any start that names it alone, as --ep for --epochs.
A value may start with '-', as in --w -1e3. --quiet goes with neither --explain
nor --step; --exercise with none of --w, --step, --plot and --rates, which are
for one weight; the rest go with every option.

examples, each after python3 gradient_descent.py:
  --lr 0.001   too small: w creeps towards 2
  --lr 0.1     w zig-zags across 2 and settles
  --lr 0.21    too large: w moves away from 2
  --lr 0.5     larger still, and it converges again
  --rates      which learning rates converge
  --w 3        start above 2, on the other side of it
  --batch      full batch: one step on the mean loss
  --data "1,2 2,4 3,6.5"   off every line y = w * x
  --plot       the descent drawn on the loss curve
  --explain    the arithmetic of every step
  --step       one step at a time, with the tangent
  --exercise   the lecture's exercise: three parameters

exit status: 0 done (--step stopped early too), 1 diverged (the loss past the
largest float), 2 bad input, 3 output not written, 141 its reader went away;
Ctrl-C ends it by SIGINT, as it does any program (a shell shows 130)
"""
# Each option: what its value must be, its default, and how it is read (a switch: None). A test
# holds HELP to this table.
OPTIONS = {
    "--lr": ("a finite number greater than 0", "0.01", float, 0),
    "--epochs": ("a whole number in digits, 0 or more", "10", int, -1),
    "--w": ("a finite number", "1.0", float),
    "--data": ('x,y pairs of numbers, each 0 or from 1e-150 to 1e150 in size, such as "1,2 2,4"',
               "1,2 2,4 3,6", None),
    "--batch": None, "--quiet": None, "--explain": None, "--step": None, "--plot": None,
    "--rates": None, "--exercise": None,
}  # fmt: skip


# The number written in `written`, if it is finite and above `above`; else None. With kind None,
# the samples: x,y pairs, each number 0 or from 1e-150 to 1e150 in size, so that x * x fits.
def parsed(written, kind=float, above=-math.inf):
    if kind is None:
        xs, ys = [], []
        for pair in written.split():
            x, _, y = pair.partition(",")
            xs.append(parsed(x))
            ys.append(parsed(y))
        for value in xs + ys:
            if value is None or value and not 1e-150 <= abs(value) <= 1e150:
                return None
        return (xs, ys) if xs else None
    try:
        found = kind(written)
    except ValueError:
        return None
    return found if above < found < math.inf else None


# descend()'s arguments from the command line, or None for --help; ValueError says what is wrong,
# in the user's terms. An option may be shortened to a start that names it alone, as argparse
# takes them; its value is the argument after it, even one that starts with '-'.
def options(argv):
    given, found, args = {}, {}, iter(argv)
    for arg in args:
        word, equals, value = arg.partition("=")
        names = []  # the options it could be
        for name in [*OPTIONS, "--help"]:
            names += [name] * (name.startswith(word) and len(word) > 2 and word[:2] == "--")
        name = "--help" if word == "-h" else word if word in names else names[0] if names else ""
        if len(names) > 1 and word not in names:
            raise ValueError("ambiguous option: %s could be %s" % (word, ", ".join(names)))
        if name == "--help":
            return None
        if not name or equals and not OPTIONS[name]:
            raise ValueError("unrecognized argument: " + arg)
        given[name] = OPTIONS[name] is None or (value if equals else next(args, None))
        if given[name] is None:
            raise ValueError("argument %s: expected one argument" % name)
    for name, option in OPTIONS.items():
        found[name[2:]] = name in given
        if option:
            found[name[2:]] = parsed(given.get(name, option[1]), *option[2:])
            if found[name[2:]] is None:
                raise ValueError(
                    "argument %s: expected %s, got %r"
                    % (name, option[0], given.get(name, option[1]))
                )
    (xs, ys), exercise = found["data"], found["exercise"]
    for bad, message in (
        (not any(xs), "argument --data: every x is 0, so the loss does not depend on w"),
        (found["quiet"] and (found["explain"] or found["step"]),
         "argument --quiet: not with --explain or --step, which show every step"),
        (exercise and ("--w" in given or found["step"] or found["rates"] or found["plot"]),
         "argument --exercise: not with --w, --step, --rates or --plot, which are for one weight"),
    ):  # fmt: skip
        if bad:
            raise ValueError(message)
    if (
        not (means2(1.0, 1.0, 1.0, xs, ys) if exercise else mean_loss(found["w"], xs, ys))
        < math.inf
    ):
        start = "w2 = w1 = b = 1.0" if exercise else "w = %s" % found["w"]
        raise ValueError(
            "at the start, %s, the loss does not fit in a float: " % start
            + ("use smaller x" if exercise else "start nearer %.6g with --w" % best_w(xs, ys))
        )
    return found


# --- One run, as the command line asks for it

TICK = 3.0  # seconds before a quiet run on a terminal first says how far it has got


# One run as the command line asks for it; returns the exit status. What each step and epoch
# shows is decided here, in on_step and on_epoch; for --plot they keep every 2**k-th epoch (at
# most WIDTH - 1 of them), the first ten and the latest, in constant memory.
def descend(w, lr, epochs, data, batch, quiet, explain, step, plot, rates, exercise):
    (xs, ys), start = data, (1.0, 1.0, 1.0) if exercise else w
    marks, waits, latest, moved, intervals, note = {}, [0], (-1, start), -1, None, None
    if not exercise:  # worked out once: the warning, --plot and --step use them
        one_epoch = epoch_map(lr, batch, xs, ys)
        (a, b, d), (p, q) = one_epoch, w.as_integer_ratio()
        if epochs and abs(a) >= d and (a == d or (a - d) * p + b * q):  # (unless w is where an
            intervals = convergent_rates(batch, xs)  # epoch leaves it)
            note = growth_note(lr, batch, xs, ys, one_epoch, intervals)
        view = window(w, lr, epochs, batch, xs, ys, one_epoch) if step else None
    if note:
        warn("warning: " + note)
    if step and hasattr(sys.stdin, "reconfigure"):  # bytes that do not decode: a bad reply
        sys.stdin.reconfigure(errors="replace")

    def on_step(x_val, y_val, w, grad):  # what each step shows, and where --step waits
        if not abs(lr * sum(grad if exercise else [grad])) < math.inf:  # (nan neither: stop
            raise OverflowError(latest[0] + 1)  # before showing a step past the largest float)
        if step:
            print(step_picture(x_val, y_val, w, grad, lr, batch, view))
        if explain or step:
            print(
                explain2(x_val, y_val, w, grad, lr)
                if exercise
                else explain_step(x_val, y_val, w, grad, lr, batch)
            )
        if not batch:
            print(
                "\tgrad: ", *x_val, *y_val, *map(round, grad, [2] * 3)
            ) if exercise else print_grad(x_val, y_val, w, grad)
        return step and stop(waits, w)

    def shown(epoch, w, l, grad):  # what each epoch shows, and what --plot keeps
        nonlocal latest, moved
        if not l < math.inf:  # stop before showing a loss past the largest float
            raise OverflowError(epoch)
        if plot:
            marks[epoch], every = w, 1 << (epoch // (WIDTH - 1)).bit_length()
            for e in list(marks):
                if e % every and 9 < e < epoch:
                    del marks[e]
            moved = epoch if w != latest[1] else moved
        latest = epoch, w
        if not quiet or epoch == last:  # the lecture's line (with batch, and the gradient)
            line = ["grad=", *map(round, grad if exercise else [grad], [2] * 3)] * batch
            line += (
                ["w2=", round(w[0], 2), "w1=", round(w[1], 2), "b=", round(w[2], 2)]
                if exercise
                else ["w=", round(w, 2)]
            )
            print("progress:", epoch, *line, "loss=", round(l, 2))

    def on_epoch(epoch, w, l, grad):  # kept quick: in a quiet run, only whether the loss fits
        if epoch >= first or not l < math.inf:  # (nan neither)
            shown(epoch, w, l, grad)

    if explain or step:
        print(EXPLAIN2 if exercise else EXPLAIN_BATCH if batch else EXPLAIN)
    ticking = quiet and sys.stderr and sys.stderr.isatty() and ticker(epochs, lambda: latest[0] + 1)
    last = epochs - 1  # a quiet run shows from the last epoch on, unless it is watched:
    first = 0 if plot or ticking or not quiet else last
    try:
        if exercise:
            print("Prediction (before training)", 4, forward2(4, *start))
            found = train2(*start, lr, epochs, None if quiet else on_step, on_epoch, xs, ys, batch)
            print("Predicted score (after training)", "4 hours of studying: ", forward2(4, *found))
        else:
            training = train_batch if batch else train
            lecture(w, lr, epochs, None if quiet else on_step, on_epoch, xs, ys, training)
        status = 0
    except OverflowError as stopped:  # the w its epoch started from: the run again, to there
        status, stopped = 1, stopped.args[0]
        where = (
            train2(*start, lr, stopped, None, None, xs, ys, batch)
            if exercise
            else training(w, lr, stopped, None, None, xs, ys)
        )
        where = (
            "diverged: in epoch %d, which started from %s = %r, the loss went past the largest float"
            % (stopped, "(w2, w1, b)" if exercise else "w", where)
        )
        if not note and not exercise and abs(a) >= d:  # (if no warning said why w grows, this
            intervals = convergent_rates(batch, xs)  # does; for |F| < 1 only the loss is too big)
            where += "; " + growth_note(lr, batch, xs, ys, one_epoch, intervals)
        sys.stdout.flush()  # the lines so far come first, then why it stopped
        warn(where)
    finally:
        if ticking:
            ticking.set()
    if plot:
        print(pictures(w, sorted(marks.items()), moved, one_epoch, xs, ys))
    if rates:
        print(rate_map(lr, batch, xs, intervals or convergent_rates(batch, xs)))
    return status


# A quiet run on a terminal says how far it has got, on stderr: after TICK seconds, then after
# twice as long each time. Returns the event that stops it.
def ticker(epochs, done):
    import threading
    import time

    stop, begun = threading.Event(), time.monotonic()

    def tick(wait=TICK):
        while not stop.wait(wait):
            wait *= 2
            warn(
                "epoch %s of %s after %.0f s"
                % (format(done(), ","), format(epochs, ","), time.monotonic() - begun)
            )

    threading.Thread(target=tick, daemon=True).start()
    return stop


# --step: whether to stop training here. When no steps are left to take without a pause, asks:
# Enter takes this step, a number that many, q stops (so does ㅂ, which the q key types on a
# Korean keyboard), and so does the end of the input; a line says where training stopped.
def stop(waits, w):
    waits[0] -= 1
    sys.stdout.flush()  # the step shows before the question
    while waits[0] < 0:
        asked = sys.stdin and sys.stderr and sys.stdin.isatty()  # a person types the answers
        if asked:
            warn("Enter takes this step, a number takes that many steps, q stops > ", "")
        answer = sys.stdin.readline() if sys.stdin else ""
        reply = answer.strip() or "1"
        if asked and not answer:  # Ctrl-D ends the input, and the prompt's line
            print(file=sys.stderr)
        if not answer or reply.lower() in ("q", "quit", "ㅂ"):
            warn(
                "the input ended, so " * (not answer)
                + "training stopped before this step, at w = %r" % w
            )
            break
        if reply.isdecimal() and float(reply) > 0:  # (past the steps left, or the largest float:
            waits[0] = float(reply) - 1  # all of them)
        else:
            warn("expected Enter, a number of steps from 1 up, or q, got " + repr(reply))
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


# --- Running as a command: faults end the run with one line, never a traceback


# A line on stderr (with end="", the --step prompt). If stderr is closed or failing, the run goes
# on without it.
def warn(line, ending="\n"):
    if sys.stderr is None:  # started with stderr closed: never fall back on stdout
        return
    try:
        print("gradient_descent.py: " + line, end=ending, file=sys.stderr, flush=True)
    except OSError:  # point it at the null device, so nothing fails again at exit
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)


# main() as a command: its exit status, with faults turned into one line on stderr. Ctrl-C ends it
# as an uncaught KeyboardInterrupt ends any Python program (since 3.8): by SIGINT itself, so that
# a shell running it in a loop stops too (on Windows, with the status of a program stopped by
# Ctrl-C); only without the traceback, and after what was printed has reached the reader.
def command():
    sys.excepthook = lambda kind, *rest: (
        issubclass(kind, KeyboardInterrupt) or sys.__excepthook__(kind, *rest)
    )
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
        import _signal  # (Python's own, loaded at its start: `signal` would be a fresh import here)

        while True:  # (a second press only starts this again)
            try:
                try:
                    sys.stdout.flush()  # waits for a reader that is not reading yet, as `less` does
                except (OSError, ValueError):  # nothing more can reach the reader
                    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
                _signal.signal(_signal.SIGINT, _signal.SIG_IGN)  # no more presses: Python itself
                break  # sets SIGINT back and ends the run by it
            except KeyboardInterrupt:
                pass
        raise
    except OSError as error:  # stderr's failures are dealt with in warn(): this is stdout
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # nothing fails again at exit
        if isinstance(error, BrokenPipeError):  # the reader went away, as with `| head`
            return 141
        warn("error: cannot write output: %s" % (error.strerror or error))
        return 3


if __name__ == "__main__":
    sys.exit(command())
