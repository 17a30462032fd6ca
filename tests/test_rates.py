"""Which learning rates converge: the intervals, the exact decision, the warnings, --rates.

Worked by hand for the lecture's data, x = 1, 2, 3. Per sample, an epoch multiplies the
distance from w to 2 by F(a) = (1 - 2a)(1 - 8a)(1 - 18a) = 1 - 28a + 196a^2 - 288a^3.
F = 1 where 72a^2 - 49a + 7 = 0: a = (49 - sqrt(385)) / 144 = 0.20402 and
(49 + sqrt(385)) / 144 = 0.47654. F = -1 where 144a^3 - 98a^2 + 14a - 1 = 0, whose one
real root is r = 0.51901... So |F| < 1 on (0, 0.20402) and (0.47654, r). Full batch:
F = 1 - 2a * 14/3, and |F| < 1 on (0, 3/14).

For other data the intervals are checked against an oracle that shares nothing with the
script's search: the exact real roots of F = 1 and F = -1, isolated with Sturm sequences
over rational polynomials, each turned into the first float at which |F| >= 1.
"""

import math
import random
import re
from fractions import Fraction

import pytest
from conftest import cells, grid, picture

import gradient_descent as gd

LOW = (49 - math.sqrt(385)) / 144
HIGH = (49 + math.sqrt(385)) / 144


def cubic_root():
    lo, hi = 0.5, 0.6  # 144a^3 - 98a^2 + 14a - 1 is -0.5 at 0.5 and 2.64 at 0.6
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if 144 * mid**3 - 98 * mid**2 + 14 * mid - 1 < 0 else (lo, mid)
    return lo


R = cubic_root()


def exact_factor(lr, xs=(1, 2, 3), batch=False):
    """F at the float lr, in exact rational arithmetic."""
    a = Fraction(lr)
    if batch:
        return 1 - 2 * a * sum(Fraction(x) ** 2 for x in xs) / len(xs)
    factor = Fraction(1)
    for x in xs:
        factor *= 1 - 2 * a * Fraction(x) ** 2
    return factor


def converges(lr, xs=(1, 2, 3), batch=False):
    """Whether |F| < 1 at the float lr, exactly: with batch, from exact_factor(); per sample, as
    integers, F = prod(q s^2 - 2 p r^2) / prod(q s^2) for lr = p / q and each x = r / s."""
    if batch:
        return abs(exact_factor(lr, xs, batch)) < 1
    p, q = Fraction(lr).as_integer_ratio()
    ratios = [Fraction(x).as_integer_ratio() for x in xs]
    top = math.prod(q * s * s - 2 * p * r * r for r, s in ratios)
    return abs(top) < math.prod(q * s * s for r, s in ratios)


# --- the oracle: exact roots by Sturm sequences -----------------------------


def poly(xs, batch):
    """F(a) as rational coefficients, constant first."""
    if batch:
        return [Fraction(1), -2 * sum(Fraction(x) ** 2 for x in xs) / len(xs)]
    coefficients = [Fraction(1)]
    for x in xs:
        c = -2 * Fraction(x) ** 2
        coefficients = [
            a + b for a, b in zip(coefficients + [0], [0] + [c * k for k in coefficients])
        ]
    while coefficients[-1] == 0:  # (a sample with x = 0 adds a factor of 1)
        coefficients.pop()
    return coefficients


def value(p, a):
    total = Fraction(0)
    for k in reversed(p):
        total = total * a + k
    return total


def remainder(p, q):
    p = list(p)
    while len(p) >= len(q):
        factor = p[-1] / q[-1]
        for i in range(len(q)):
            p[len(p) - len(q) + i] -= factor * q[i]
        p.pop()
        while p and p[-1] == 0:
            p.pop()
    return p


def sturm(p):
    chain = [p, [k * i for i, k in enumerate(p)][1:]]
    while len(chain[-1]) > 1:
        r = remainder(chain[-2], chain[-1])
        if not r:
            break
        chain.append([-k for k in r])
    return chain


def sign_changes(chain, a):
    signs = [v > 0 for v in (value(p, a) for p in chain) if v != 0]
    return sum(1 for s, t in zip(signs, signs[1:]) if s != t)


def roots(p, lo, hi):
    """The real roots of p in (lo, hi], each as a narrow interval of rationals: isolated by
    counting them with the Sturm chain, then narrowed by the sign of p (the roots are simple)."""
    chain, found, todo = sturm(p), [], [(lo, hi)]
    while todo:
        a, b = todo.pop()
        count = sign_changes(chain, a) - sign_changes(chain, b)
        if count == 1:
            while b - a > Fraction(1, 10**22) * b:
                middle = (a + b) / 2
                a, b = (
                    (a, middle)
                    if (value(p, middle) > 0) == (value(p, b) > 0) and value(p, b)
                    else (middle, b)
                )
            found.append((a, b))
        elif count:
            middle = (a + b) / 2
            todo += [(a, middle), (middle, b)]
    return sorted(found)


def first_float_diverging(near, xs, batch, upward):
    """The float where |F| turns to 1 or more, found from `near` by exact steps."""
    f = float(near)
    step = math.inf if upward else -math.inf
    # move to the converging side, then walk to the edge
    while not converges(f, xs, batch):
        f = math.nextafter(f, -step)
    while converges(math.nextafter(f, step), xs, batch):
        f = math.nextafter(f, step)
    return math.nextafter(f, step)


def oracle(xs, batch=False):
    """The intervals (low, high) of floats where |F| < 1, low and high diverging."""
    f = poly(xs, batch)
    scale = max(2 * Fraction(x) ** 2 for x in xs)
    top = 3 / min(2 * Fraction(x) ** 2 for x in xs if x) if not batch else 3 / (-f[1])
    crossings = [
        r for q in ([f[0] - 1] + f[1:], [f[0] + 1] + f[1:]) for r, _ in roots(q, Fraction(0), top)
    ]
    crossings.sort()
    intervals, low = [], 0.0
    for i, r in enumerate(crossings):
        if i % 2 == 0:  # from converging to diverging
            high = first_float_diverging(r, xs, batch, True)
            if math.nextafter(low, math.inf) < high:
                intervals.append((low, high))
        else:
            low = first_float_diverging(r, xs, batch, False)
    assert scale and len(crossings) % 2 == 1  # past the last crossing |F| only grows
    return intervals


# --- the intervals --------------------------------------------------------


def test_the_cubic_root_is_where_the_factor_is_minus_1():
    assert R == pytest.approx(0.51901446, abs=1e-8)
    assert (1 - 2 * R) * (1 - 8 * R) * (1 - 18 * R) == pytest.approx(-1, abs=1e-12)


def test_per_sample_rates_are_the_two_hand_solved_intervals():
    (a, b), (c, d) = gd.convergent_rates()
    assert a == 0
    assert b == pytest.approx(LOW, abs=1e-12)
    assert c == pytest.approx(HIGH, abs=1e-12)
    assert d == pytest.approx(R, abs=1e-12)


def test_full_batch_rates_are_below_3_14():
    assert gd.convergent_rates(batch=True) == [(0.0, pytest.approx(3 / 14, abs=1e-15))]


@pytest.mark.parametrize("batch", [False, True])
def test_the_lecture_intervals_end_exactly_at_the_first_floats_that_diverge(batch):
    for low, high in gd.convergent_rates(batch):
        assert not converges(high, batch=batch) and converges(math.nextafter(high, 0), batch=batch)
        if low:
            assert not converges(low, batch=batch) and converges(
                math.nextafter(low, math.inf), batch=batch
            )


DATASETS = [
    [1.0, 2.0, 3.0],
    [3.0, 1.0, 2.0],  # the order of the steps does not change F
    [1.0, 2.0],  # F = (1 - 2a)(1 - 8a) = 1 at a = 10/16, and never -1
    [1.0, 1.0],  # (1 - 2a)^2 < 1 exactly for 0 < a < 1
    [1.0, 1.2],
    [0.0, 1.0],  # a sample with x = 0 leaves w where it is
    [0.5],  # F = 1 - 0.5a: below 1 in size for a below 4
    [0.5, 1.0, 2.0, 4.0, 8.0],  # four gaps between five zeros, and exact zeros (x a power of 2)
    [1.0, 1.1, 3.0],
    [1.0, 2.42],  # a gap whose peak only just passes 1: (r - 1)^2 / 4r with r = 2.42^2 is 1.0068
    [1.0, 3000.0, 100000.0],  # intervals narrower than the floats around them
    [-2.5, 0.3, 1.7, 0.31],
]


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("xs", DATASETS)
def test_the_intervals_are_those_of_the_exact_roots(xs, batch):
    assert gd.convergent_rates(batch, xs) == oracle(xs, batch)


def test_random_data_gives_the_intervals_of_the_exact_roots():
    generator = random.Random(20261129)
    for _ in range(12):
        xs = [round(generator.uniform(-3, 3), 3) for _ in range(generator.randint(1, 5))]
        if any(xs):
            assert gd.convergent_rates(False, xs) == oracle(xs), xs


def test_a_single_float_that_converges_is_an_interval_of_its_own():
    # x = 1: the zero of F at 1/2 is a float, and there F = 0; its neighbours diverge,
    # since the other factors are about 1 - 2 * 0.5 * 3000^2 and 1 - 2 * 0.5 * 1e10
    intervals = gd.convergent_rates(x_data=[1.0, 3000.0, 100000.0])
    assert (math.nextafter(0.5, 0), math.nextafter(0.5, 1)) in intervals
    assert converges(0.5, (1.0, 3000.0, 100000.0))


def test_many_samples_settle_long_runs_of_zeros_at_once_and_agree_with_the_exact_decision():
    generator = random.Random(7)
    xs = [round(generator.uniform(-3, 3), 3) for _ in range(300)]
    intervals = gd.convergent_rates(x_data=xs)
    assert len(intervals) > 4
    for low, high in intervals:  # each end is exact, and the floats next to it converge
        assert not converges(high, xs) and converges(math.nextafter(high, 0), xs)
        if low:
            assert not converges(low, xs) and converges(math.nextafter(low, math.inf), xs)
    generator = random.Random(8)
    for _ in range(100):  # rates chosen at random: inside an interval exactly when they converge
        lr = generator.uniform(0, 1.2 * intervals[-1][1])
        assert any(low < lr < high for low, high in intervals) == converges(lr, xs), lr


@pytest.mark.parametrize(
    "xs, said",
    [
        ([], "expected an x that is not 0"),
        ([0.0], "expected an x that is not 0"),
        ([1e-200], "from 1e-150 to 1e150"),
        ([1e154], "from 1e-150 to 1e150"),  # (2x^2 past the largest float)
        # the range as promised: the next float past either end is refused
        ([math.nextafter(1e-150, 0)], "from 1e-150 to 1e150"),
        ([-math.nextafter(1e150, math.inf)], "from 1e-150 to 1e150"),
        ([1e200], "from 1e-150 to 1e150"),
        ([1.0, float("nan")], "from 1e-150 to 1e150"),
    ],
)
def test_data_that_has_no_rates_is_a_value_error(xs, said):
    with pytest.raises(ValueError, match=said):
        gd.convergent_rates(x_data=xs)


# --- the exact decision ---------------------------------------------------

# The lecture's F as a product of factors 1 - lr * r / s: r / s = 2x^2 = 2, 8, 18
LECTURE_PAIRS = [(2, 1), (8, 1), (18, 1)]


@pytest.mark.parametrize("lr", [1e-20, 1e-300, 5e-324, 0.48, 0.5, 0.51, 0.01, 0.2])
def test_rates_that_converge_are_decided_so(lr):
    assert converges(lr)
    assert not gd.diverges(lr, LECTURE_PAIRS, False, gd.x_data)


@pytest.mark.parametrize("lr", [0.21, 0.3, 0.45, 0.52, 1.0, 1e300])
def test_rates_that_do_not_converge_are_decided_so(lr):
    assert not converges(lr)
    assert gd.diverges(lr, LECTURE_PAIRS, False, gd.x_data)


@pytest.mark.parametrize("boundary", [LOW, HIGH, R])
def test_the_floats_on_each_side_of_each_boundary_get_the_exact_answer(boundary):
    floats = [boundary]
    for _ in range(4):
        floats = [math.nextafter(floats[0], 0)] + floats + [math.nextafter(floats[-1], 1)]
    answers = [converges(lr) for lr in floats]
    assert True in answers and False in answers  # the boundary lies among them
    assert [not gd.diverges(lr, LECTURE_PAIRS, False, gd.x_data) for lr in floats] == answers


# --- the warnings ---------------------------------------------------------

BOTH = "per-sample steps converge on this data for --lr below 0.204 or between 0.477 and 0.519"


@pytest.mark.parametrize("lr, factor", [("0.3", "2.46"), ("0.52", "-1.06"), ("1", "-119")])
def test_too_large_rates_warn_with_both_intervals(run, lr, factor):
    # 0.3: 0.4 * -1.4 * -4.4 = 2.464; 0.52: -0.04 * -3.16 * -8.36 = -1.0567; 1: -1 * -7 * -17
    result = run("--lr", lr, "--epochs", 3, "--quiet")
    assert result.err == (
        f"gradient_descent.py: warning: at --lr {float(lr)} each epoch multiplies the distance from w to 2 "
        f"by {factor}, so it grows; {BOTH}\n"
    )
    assert result.status == 0


def test_a_start_where_w_settles_that_rounding_leaves_gets_why_in_the_diverged_line(run):
    # x = 2, y = -0.1, then x = 1, y = 0.1, at lr 1: the steps are w -> -7w - 0.4 and
    # w -> -w + 0.2, so an epoch takes w to 7w + 0.6, which leaves -0.1 where it is, exactly for
    # the floats typed too (0.4 and 0.2 are 4 and 2 times the float 0.1): no warning. But in
    # floats the first step lands at -0.1 + 0.4 = 0.30000000000000004, not 0.3, and that grows 7
    # times an epoch until the loss passes the largest float. F = (1 - 8a)(1 - 2a) is 1 again at
    # a = 10/16 and never -1 (16a^2 - 10a + 2 has no real root): it converges below 0.625
    assert -0.1 + 0.4 == 0.30000000000000004
    result = run("--data", "2,-0.1 1,0.1", "--lr", 1, "--w", -0.1, "--epochs", 1000, "--quiet")
    assert result.status == 1 and result.err.count("\n") == 1
    assert result.err.startswith("gradient_descent.py: diverged: in epoch ")
    assert result.err.endswith(
        ", the loss went past the largest float; at --lr 1.0 each epoch multiplies the distance "
        "from w to -0.1 (the w an epoch leaves where it is) by 7, so it grows; per-sample steps "
        "converge on this data for --lr below 0.624\n"
    )


def test_a_run_that_converges_to_a_w_whose_loss_does_not_fit_says_no_more_than_that(run):
    # at lr 0.5 the sample (1, 2) takes w to 2 exactly (its factor 1 - 2 * 0.5 * 1 is 0), so F = 0:
    # nothing grows. Then (1e100, 4) takes w to about 2 - 1e100 * 2e100 = -2e200, where its loss,
    # (1e100 * 2e200)^2 = 4e600, is past the largest float: the run stops, and its line does not
    # go on to say the distance shrinks, nor name the rates that converge, 0.5 among them
    result = run("--data", "1,2 1e100,4", "--lr", 0.5, "--epochs", 1, "--quiet")
    assert result.status == 1
    assert result.err == (
        "gradient_descent.py: diverged: in epoch 0, which started from w = 1.0, the loss went past"
        " the largest float\n"
    )


@pytest.mark.parametrize("lr", ["1e-20", "5e-324", "0.48", "0.5", "0.51"])
def test_rates_that_converge_do_not_warn(run, lr):
    assert run("--lr", lr, "--quiet").err == ""


@pytest.mark.parametrize("lr", ["0.2041", "0.4765", "0.20401793840035717", "0.20401793840035706"])
def test_a_factor_next_to_1_is_shown_as_1_and_how_far_above_it_is(run, lr):
    exact = exact_factor(float(lr))
    assert exact > 1
    shown = run("--lr", lr, "--epochs", 1).err.split(" by ")[1].split(", so")[0]
    one, plus, gap = shown.split()
    assert (one, plus) == ("1", "+")
    assert Fraction(gap) == pytest.approx(exact - 1, rel=0.05)  # 2 significant digits


def test_a_start_that_is_not_where_an_epoch_leaves_it_is_warned_about_however_near_1_f_is(run):
    # F = 1 + 5.8e-17 exactly at this rate (in floats, F rounds to 1.0): w = 3 is not 2
    assert exact_factor(0.20401793840035706) - 1 == pytest.approx(5.8e-17, rel=0.01)
    assert (
        "by 1 + 5.8e-17, so it grows"
        in run("--lr=0.20401793840035706", "--w=3", "--epochs=1", "--quiet").err
    )


def test_the_full_batch_warning_names_its_one_interval(run):
    # 1 - 2 * 0.3 * 14/3 = -1.8
    assert run("--batch", "--lr", 0.3, "--epochs", 1).err == (
        "gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to 2 "
        "by -1.8, so it grows; full-batch steps converge on this data for --lr below 0.214\n"
    )


def test_a_factor_of_exactly_minus_1_keeps_the_distance(run):
    # one sample x = 1, full batch at lr 1: F = 1 - 2 = -1, so w flips between 1 and 3
    result = run("--data", "1,2", "--batch", "--lr", 1, "--epochs", 3, "--quiet")
    assert result.err == (
        "gradient_descent.py: warning: at --lr 1.0 each epoch multiplies the distance from w to 2 "
        "by -1, so it stays the same; full-batch steps converge on this data for --lr below "
        "0.999\n"  # (1.0 itself diverges: named from the float below it, 0.9999999999999999)
    )
    assert result.out.splitlines()[1] == "progress: 2 grad= -2.0 w= 3.0 loss= 1.0"


@pytest.mark.parametrize(
    "data, epochs, effect, last",
    [
        # x = 1, 1 at lr 1: each step is w -> -w + 2y, so an epoch takes w to
        # -(-w + 4) + 6 = w + 2
        ("1,2 1,3", 3, "adds 2 to w, so w never settles", "progress: 2 w= 7.0 loss= 16.0"),
        # y = 2, 2: w -> 4 - w -> w, so F = 1 and nothing is added
        ("1,2 1,2", 2, "brings w back to where it started", "progress: 1 w= 1.0 loss= 1.0"),
    ],
)
def test_an_epoch_factor_of_exactly_1_is_said_in_words(run, data, epochs, effect, last):
    result = run("--data", data, "--lr", 1, "--epochs", epochs, "--quiet")
    assert result.err == (
        f"gradient_descent.py: warning: at --lr 1.0 each epoch {effect}; "
        "per-sample steps converge on this data for --lr below 0.999\n"  # ((1 - 2 lr)^2 < 1)
    )
    assert result.out.splitlines()[1] == last


# --- the intervals in words -------------------------------------------------


def named_rates(words):
    """Every rate a sentence names: the ends of its intervals as typed (any number written below
    "below X", or between A and B, is read as a float between these), and their midpoints."""
    rates = []
    for part in words.split(" or "):
        numbers = [
            float(n) for n in re.findall(r"[-+]?\d[\d.]*(?:e[-+]?\d+)?", part.split(", and in")[0])
        ]
        if part.startswith("below"):
            rates += [numbers[0] / 2, numbers[0]]
        else:
            rates += numbers + [sum(numbers) / len(numbers)]
    return rates


@pytest.mark.parametrize(
    "xs",
    [
        [1.0, 2.0, 3.0],
        [0.5, 1.0, 2.0, 4.0, 8.0],
        [1.0, 3000.0, 100000.0],
        [1.0, 2.42],
        # the first float that diverges is a round number: for x = 0.001 it is 1e6 (F = -1 at
        # 1 / x^2 = 999999.99999999995836 for the float x), for x = 0.2 it is 25, for x = 1e-150
        # 1e300, for x = 1 (full batch too) 1.0; "below" such a number would admit rates that
        # round up to it
        [0.001],
        [0.2],
        [1e-150],
        [1.0],
        [1.0, 1.0],
    ],
)
@pytest.mark.parametrize("digits", [3, 6])
def test_every_rate_the_words_name_converges(xs, digits):
    words = gd.rates_text(gd.convergent_rates(x_data=xs), digits)
    for lr in named_rates(words):
        assert converges(lr, xs), (words, lr)


def test_two_floats_that_17_digits_cannot_keep_apart_are_named_by_the_first_exactly():
    # 17 significant digits write any float so that it reads back as itself, and no more are
    # ever written. Rounded inwards to 17 digits, both floats of this interval read back as the
    # second, so "between" cannot name them: the words name the first exactly
    from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

    first = 0.12453629158031587
    last = math.nextafter(first, 1)
    up = Context(prec=17, rounding=ROUND_CEILING).plus(Decimal(first))
    down = Context(prec=17, rounding=ROUND_FLOOR).plus(Decimal(last))
    assert float(up) == float(down) == last
    words = gd.rates_text([(math.nextafter(first, 0), math.nextafter(last, 1))], 3)
    assert words == "exactly 0.12453629158031587"


def test_a_narrow_interval_is_named_with_the_digits_that_keep_its_ends_apart(run):
    # x = 0.5, 1, 2, 4, 8: the third interval rounded inwards to 3 digits would be 0.500 to
    # 0.500, so it gets 4: 0.4998 to 0.5002; the fourth needs 7. At lr 0.3 the factor is
    # 0.85 * 0.4 * -1.4 * -8.6 * -37.4 = -153.1
    assert run("--data", "0.5,1 1,2 2,4 4,8 8,16", "--lr", 0.3, "--epochs", 1).err == (
        "gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to 2 "
        "by -153, so it grows; per-sample steps converge on this data for --lr below 0.043 or "
        "between 0.121 and 0.128 or between 0.4998 and 0.5002 or between 1.999998 and 2.000002\n"
    )


def test_an_interval_of_one_float_is_named_exactly(run):
    err = run("--data", "1,1 3000,1 100000,1", "--lr", 0.3, "--epochs", 1).err
    assert err.endswith("for --lr below 1e-10 or between 5.551e-8 and 5.56e-8 or exactly 0.5\n")


def test_past_four_intervals_the_words_name_the_three_widest_and_where_the_rest_lie():
    generator = random.Random(7)
    xs = [round(generator.uniform(-3, 3), 3) for _ in range(300)]
    intervals = gd.convergent_rates(x_data=xs)
    words = gd.rates_text(intervals, 3)
    widest = sorted(intervals, key=lambda i: i[1] - i[0])[-3:]
    rest = [i for i in intervals if i not in widest]
    named, summary = words.split(", and in ")
    assert len(named.split(" or ")) == 3
    count, lie = summary.split(" narrow intervals that lie between ")
    assert int(count) == len(rest)
    low, high = map(float, lie.split(" and "))
    assert low <= rest[0][0] and rest[-1][1] <= high  # they all lie there


@pytest.mark.parametrize(
    "value, shown",
    [
        (1.5e-7, "1.5e-7"),
        (1.5e-6, "0.0000015"),
        (1.5e15, "1500000000000000"),
        (1.5e16, "1.5e+16"),
        (-119.0, "-119"),
        (120.0, "120"),
        (2.4641, "2.46"),
    ],
)
def test_numbers_are_written_plainly_unless_very_small_or_large(value, shown):
    assert gd.decimals(*value.as_integer_ratio()) == shown


def test_huge_exact_ratios_are_written_quickly_and_correctly():
    # 3**2000 / 2**3000, to 3 digits: log10 = 2000 log10(3) - 3000 log10(2) = 51.14...
    exponent = 2000 * math.log10(3) - 3000 * math.log10(2)
    shown = gd.decimals(3**2000, 2**3000)
    assert float(shown) == pytest.approx(10**exponent, rel=5e-3)


# --- the map --------------------------------------------------------------


def expected_map(factor, right, intervals):
    """The map drawn from the closed form: F at 59 rates from 0 to `right`, in row
    round((2 - F) * 3) of 13; off the map, nothing."""
    rows = [[" "] * 59 for _ in range(13)]
    band = ""
    for j in range(59):
        a = right * j / 58
        f = factor(a)
        if -0.5 <= (2 - f) * 3 < 12.5:
            rows[round((2 - f) * 3)][j] = "."
        band += "=" if any(lo < a < hi for lo, hi in intervals) else " "
    return ["".join(row) for row in rows], band.rstrip()


@pytest.mark.parametrize(
    "args, factor, right, intervals",
    [
        ([], lambda a: (1 - 2 * a) * (1 - 8 * a) * (1 - 18 * a), 1.1 * R, [(0, LOW), (HIGH, R)]),
        (["--batch", "--lr", 0.2], lambda a: 1 - 2 * a * 14 / 3, 1.1 * 3 / 14, [(0, 3 / 14)]),
        # x = 1, 3: F = 1 - 20a + 36a^2; F = -1 at (5 -+ sqrt 7) / 18, 1 again at 5/9
        (
            ["--data", "1,2 3,6"],
            lambda a: (1 - 2 * a) * (1 - 18 * a),
            1.1 * 5 / 9,
            [(0, (5 - math.sqrt(7)) / 18), ((5 + math.sqrt(7)) / 18, 5 / 9)],
        ),
    ],
)
def test_the_map_follows_the_closed_form(run, args, factor, right, intervals):
    lines = picture(run("--rates", "--quiet", *args).out, "epoch factor F over --lr")
    rows, band = expected_map(factor, right, intervals)
    assert grid(lines) == rows
    assert [line[:11] for line in lines[1:14]] == [
        "        2 |",
        "          |",
        "          |",
        "        1 |",
        "          |",
        "          |",
        "        0 |",
        "          |",
        "          |",
        "       -1 |",
        "          |",
        "          |",
        "       -2 |",
    ]
    assert lines[16] == "converges  " + band


def test_the_lecture_map_reads_as_worked_by_hand(run):
    lines = picture(run("--rates", "--quiet").out, "epoch factor F over --lr")
    assert lines[0] == "epoch factor F over --lr, per-sample steps: w converges where -1 < F < 1"
    assert lines[15].split() == ["lr", "0", "0.285", "0.571"]  # 1.1 * 0.519 = 0.5709
    assert lines[17] == " " * 12 + "^ --lr 0.01"  # lr 0.01 in column round(0.01 / 0.5709 * 58) = 1
    # the ends rounded inwards to 6 digits: 0.2040179 down, 0.4765376 up, 0.5190145 down
    assert lines[18] == "|F| < 1 for --lr below 0.204017 or between 0.476538 and 0.519014"
    assert len(lines) == 19


def test_a_rate_near_the_right_edge_is_labelled_on_its_left_and_one_past_it_points_right(run):
    # lr 0.55 in column round(0.55 / 0.5709 * 58) = 56: "^ --lr 0.55" would pass column 58
    assert picture(run("--rates", "--lr", 0.55, "--epochs", 0).out, "epoch")[
        17
    ] == " " * 11 + "--lr 0.55 ^".rjust(57)
    assert picture(run("--rates", "--lr", 1, "--epochs", 1, "--quiet").out, "epoch")[
        17
    ] == " " * 11 + "--lr 1.0 is off to the right ^".rjust(59)  # (^ under the map's end)
    # x = 1: F = 1 - 2a, |F| < 1 below exactly 1.0, so the map ends at 1.1, and 1.1 is on it
    assert picture(run("--rates", "--data", "1,2", "--lr", 1.1, "--epochs", 0).out, "epoch")[
        17
    ] == " " * 11 + "--lr 1.1 ^".rjust(59)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--batch"],
        ["--data", "1,2 2,4.5"],
        ["--data", "0.5,1 1,2 2,4 4,8 8,16"],
        ["--data", "0.25,0.5 0.5,1 2,4"],
        ["--data", "1e-150,1 1e150,1", "--lr", "1e-300"],
    ],
)
def test_every_map_fits_72_columns_in_plain_ascii(run, args):
    lines = picture(run("--rates", "--quiet", "--epochs", 0, *args).out, "epoch factor F")
    assert all(len(line) <= 72 and line.isascii() for line in lines)
    assert cells(grid(lines), ".")  # near 0, where F is near 1, F is always on the map


# --- doing the work once: floats where they decide, exact arithmetic where they cannot -----


@pytest.fixture
def calls(monkeypatch):
    """Counts of the calls of epoch_map(), edge() and settled() while a test runs."""
    counts = {"epoch_map": 0, "edge": 0, "settled": 0}
    for name in counts:
        real = getattr(gd, name)

        def counted(*args, name=name, real=real):
            counts[name] += 1
            return real(*args)

        monkeypatch.setattr(gd, name, counted)
    return counts


@pytest.mark.parametrize("lr, grows", [(0.3, True), (0.01, False), (1e300, True)])
def test_far_from_an_end_the_decision_needs_no_exact_arithmetic(calls, lr, grows):
    assert gd.diverges(lr, LECTURE_PAIRS, False, [1.0, 2.0, 3.0]) == grows == (not converges(lr))
    assert calls["epoch_map"] == 0


@pytest.mark.parametrize("log_f, exact", [(6e-15, False), (-6e-15, False), (3.5e-15, True)])
def test_where_float_error_could_change_the_answer_the_decision_is_exact(calls, log_f, exact):
    # near LOW, where F = 1, log F changes by F'(LOW) = 16.0 per unit of lr. The three factors
    # there are 0.592, -0.632 and -2.672, their logs -0.524, -0.459 and 0.983: the float error
    # allowed is 2**-50 * (3 + 1.966) = 4.41e-15, and below that the decision is exact
    lr = LOW + log_f / 16.0
    assert abs(math.log(exact_factor(lr)) - log_f) < 0.2 * abs(log_f)  # (the slope read right)
    assert gd.diverges(lr, LECTURE_PAIRS, False, [1.0, 2.0, 3.0]) == (not converges(lr))
    assert calls["epoch_map"] == exact


def test_a_run_of_zeros_with_f_small_between_them_is_settled_at_once(calls):
    # x from 1 to 1.099: 100 zeros between 0.414 and 0.5, and between them F, a product of 100
    # factors below 1 in size, is far below 1: one interval, found with a handful of searches
    xs = [1 + i / 1000 for i in range(100)]
    intervals = gd.convergent_rates(False, xs)
    assert len(intervals) == 1 and intervals[0][0] == 0 and intervals[0][1] > 0.5
    assert calls["edge"] <= 3 and calls["settled"] <= 20
    assert calls["epoch_map"] <= 30  # only where the search closes in on the end, past 0.5


def test_where_no_float_converges_the_zeros_are_passed_at_once_but_an_exact_one(calls):
    # twenty samples at x = 1000 make F's other factors (2e6 lr)^20 > 1e120 for lr from 0.5 to
    # 2, where the fifty zeros 1 / (2x^2), x = 0.5 ... 0.99, lie: no float there converges, but
    # 2.0 itself, the zero of x = 0.5, where F is 0 exactly
    xs = [1000.0] * 20 + [0.5 + i / 100 for i in range(50)]
    intervals = gd.convergent_rates(False, xs)
    assert intervals[1:] == [(math.nextafter(2.0, 0), math.nextafter(2.0, math.inf))]
    assert converges(2.0, xs) and not converges(math.nextafter(2.0, 0), xs)
    assert calls["edge"] <= 2 and calls["settled"] <= 20
    assert gd.convergent_rates(False, xs[::-1]) == intervals  # the order of the samples aside


def test_a_zero_whose_own_float_diverges_gives_no_interval():
    # x = 0.3: F = 0 at 1 / 0.18, which no float is; its other factors, (2e10 lr)^2, are so
    # large there that the floats nearest it diverge. Only (0, ...) below the first zero remains
    intervals = gd.convergent_rates(False, [0.3, 1e5, 1e5])
    assert len(intervals) == 1 and intervals[0][0] == 0
    z = 1 / 0.18
    assert not any(converges(lr, [0.3, 1e5, 1e5]) for lr in (z, math.nextafter(z, 0)))


def test_five_intervals_are_named_as_the_three_widest_and_where_the_other_two_lie():
    intervals = gd.convergent_rates(False, [2.7, 1.0, 2.5, 2.8, 0.6, 1.9, 0.5, 1.2])
    assert len(intervals) == 5
    words = gd.rates_text(intervals, 3)
    assert words.count(" or ") == 2 and words.endswith(
        ", and in 2 narrow intervals that lie between 1.38 and 2.01"
    )  # from 1.38887... (rounded down) to 2.0000011... (rounded up)
    assert intervals[3][0] > 1.38 and intervals[4][1] < 2.01


@pytest.mark.parametrize(
    "lr, said",
    [
        # x = 1, full batch: F = 1 - 2 lr; the float just below 1 gives -1 + 2**-52
        (0.9999999999999999, "by -1 + 2.2e-16, so it shrinks"),
        (1.0000000000000002, "by -1 - 4.4e-16, so it grows"),
    ],
)
def test_a_factor_just_off_minus_1_is_said_as_minus_1_and_how_far_from_it(lr, said):
    epoch = gd.epoch_map(lr, True, [1.0], [2.0])
    assert said in gd.growth_note(lr, True, [1.0], [2.0], epoch, gd.convergent_rates(True, [1.0]))


def test_a_marker_that_just_fits_keeps_its_label_to_the_right(run):
    # lr 0.4528 in column round(0.4528 / 0.5709 * 58) = 46: 46 spaces and "^ --lr 0.4528",
    # 59 columns, the width of the map
    lines = picture(run("--rates", "--lr", 0.4528, "--epochs", 0).out, "epoch factor F")
    assert lines[17] == " " * 11 + " " * 46 + "^ --lr 0.4528"


def test_a_marker_one_column_further_puts_its_label_on_its_left(run):
    # lr 0.4626 in column round(0.4626 / 0.5709 * 58) = round(46.996) = 47: "^ --lr 0.4626"
    # there would reach column 59, one past the map's last, 58; the label goes left of the ^
    lines = picture(run("--rates", "--lr", 0.4626, "--epochs", 0).out, "epoch factor F")
    assert lines[17] == " " * 11 + "--lr 0.4626 ^".rjust(47 + 1)


def test_a_rate_near_0_where_f_rounds_to_1_is_decided_exactly(calls):
    assert gd.diverges(1e-300, LECTURE_PAIRS, False, [1.0, 2.0, 3.0]) is False
    assert calls["epoch_map"] == 1


def test_a_factor_past_the_largest_float_sends_the_decision_to_exact_arithmetic(calls):
    # x = 1e150 makes the factor 1 - lr 2e300 pass -1.8e308 at lr near 1e8, where x = 7.07e-5
    # has its zero; just past that zero its own factor is about -2e-16, and F about 4e292
    x = 7.0710678118654757e-05
    z = 1 / (2 * x * x)
    pairs = [(2 * r * r, s * s) for r, s in (v.as_integer_ratio() for v in (1e150, x))]
    lr = math.nextafter(z, math.inf)
    assert not converges(lr, [1e150, x])
    assert gd.diverges(lr, pairs, False, [1e150, x]) is True
    assert calls["epoch_map"] == 1


def test_a_run_settled_at_once_is_proved_to_stay_below_1(calls):
    # two samples, x1 near the golden ratio and x2 = 1: between their zeros z1 < z2 = 0.5, each
    # factor is largest at the far end, and log of the product of those, (z2 - z1)^2 / (z1 z2),
    # is 0 where x1 is the golden ratio. Settled at once (one search, past 0.5) only where that
    # log is below 0 by more than its float error, 2**-50 * (2 + 0.5 + 0.5) = 2.7e-15 or less;
    # else a second search looks between them
    phi = (1 + 5**0.5) / 2
    for bound, searches in ((-3e-9, 1), (-1e-12, 1), (1e-12, 2), (1e-9, 2)):
        t = phi**2 + bound / (2 / (phi**2 - 1) - 1 / phi**2)  # (the bound's slope in x1^2)
        z1 = 1 / (2 * t)
        assert math.log((0.5 - z1) ** 2 / (z1 * 0.5)) == pytest.approx(bound, rel=0.01)
        calls["edge"] = 0
        assert gd.convergent_rates(False, [math.sqrt(t), 1.0])[0][0] == 0
        assert calls["edge"] == searches


@pytest.mark.parametrize(
    "xs, others, dead",
    [
        # x = 1 has its zero at 0.5, where the factor of a large x is x^2 - 1: no float near 0.5
        # but 0.5 itself converges. The zeros are passed without a search where the other
        # factors pass e^120 for each sample whose zero it is: e^119.7 is not enough
        ([1.0, math.exp(59.85)], 119.7, False),
        ([1.0, math.exp(60.25)], 120.5, True),
        ([1.0, 1.0, math.exp(120.0)], 240.0, False),  # two samples with their zero at 0.5
        ([1.0, 1.0, math.exp(120.5)], 241.0, True),
    ],
)
def test_a_zero_is_passed_without_a_search_where_f_is_far_past_1_around_it(calls, xs, others, dead):
    assert math.log(xs[-1] ** 2 - 1) == pytest.approx(others, rel=1e-6)
    intervals = gd.convergent_rates(False, xs)
    assert intervals[1:] == [(math.nextafter(0.5, 0), math.nextafter(0.5, 1))]
    assert calls["edge"] == (1 if dead else 3)


def test_an_exact_zero_just_past_a_long_run_where_no_float_converges_is_found_once():
    # forty samples at x = 1000 keep every float from 0.47 to 0.5 from converging; 64 zeros
    # below 0.5 (x = 1.001 ... 1.064) fill one run, and 0.5 (x = 1), where F = 0, comes next
    xs = [1000.0] * 40 + [1 + i / 1000 for i in range(1, 65)] + [1.0] + [0.99, 0.98]
    intervals = gd.convergent_rates(False, xs)
    assert intervals[1:] == [(math.nextafter(0.5, 0), math.nextafter(0.5, 1))]
    assert converges(0.5, xs) and not converges(math.nextafter(0.5, 1), xs)


def test_the_narrow_intervals_are_said_to_lie_from_the_first_ones_low_end():
    intervals = gd.convergent_rates(False, [2.8, 1.6, 2.5, 0.9, 0.8, 2.3, 0.6, 2.9, 1.0])
    assert len(intervals) == 5 and 0.78 < intervals[3][0] < 0.781 < intervals[3][1]
    assert gd.rates_text(intervals, 3).endswith("narrow intervals that lie between 0.78 and 1.39")


def test_a_run_passed_at_once_weighs_its_own_zeros_and_misses_no_cluster_that_converges():
    # x = 1e45 makes its factor about 2e90 lr in size, e^207 at lr = 0.5: near the zeros of x = 4,
    # 3, 2 and 1.5 (1/32 to 0.22) no float converges but the exact zeros 1/32 and 1/8, and the
    # search passes them in runs. Six x two floats apart from 1 put six zeros within 3e-15 below
    # 0.5, and between them six factors of 1e-15 or less together outweigh e^207: floats there
    # converge. Every float from below the lowest of them to past 0.5 is checked exactly.
    cluster = [1.0]
    for _ in range(5):
        cluster.append(math.nextafter(math.nextafter(cluster[-1], 2), 2))
    xs = [1e45, 4.0, 3.0, 2.0, 1.5] + cluster
    intervals = gd.convergent_rates(False, xs)
    lr, top = math.nextafter(1 / (2 * cluster[-1] ** 2), 0), math.nextafter(0.5, 1)
    while lr <= top:
        assert any(low < lr < high for low, high in intervals) == converges(lr, xs), lr
        lr = math.nextafter(lr, 1)
    assert sum(low > 0.4 for low, _ in intervals) >= 5
    exact = [(math.nextafter(z, 0), math.nextafter(z, 1)) for z in (1 / 32, 1 / 8)]
    assert [(low, high) for low, high in intervals if 0 < low < 0.4] == exact


def test_a_run_of_64_zeros_or_more_is_never_passed_unchecked():
    # x = 1e100 makes every float from 1e-3 on diverge, with a factor about e^454, unless other
    # factors are tiny there; 140 zeros 1.1 apart (x = 10 * 1.1^(-i/2)) do not make them so. 25
    # samples with one x between the 100th and 101st put a zero of 25 factors at Z, where
    # (1 - lr / Z)^25 outweighs the rest at the floats next to Z. The search gallops over the
    # dead zeros in runs of 1, 2, 4, ... 32, then checks each run again: Z is found
    chain = [10 * 1.1 ** (-i / 2) for i in range(140)]
    x = 10 * 1.1 ** (-100.5 / 2)
    xs = [1e100] + chain + [x] * 25
    intervals = gd.convergent_rates(False, xs)
    z = 1 / (2 * x * x)
    [(low, high)] = [(low, high) for low, high in intervals if low > 0]
    assert low < z < high
    assert not converges(low, xs) and converges(math.nextafter(low, 1e9), xs)
    assert not converges(high, xs) and converges(math.nextafter(high, 0), xs)


def test_an_exact_zero_where_another_factor_passes_the_largest_float_converges():
    # x = 2^-14 has its zero at 2^27, a float, where F = 0 exactly; there the factor of x = 1e150,
    # 1 - 2^27 * 2e300, passes the largest float: a log of -inf beside one of inf, which no float
    # sum can add. Decided exactly: 2^27 converges, its neighbours do not
    xs = [1e150, 2.0**-14]
    z = 2.0**27
    assert gd.convergent_rates(False, xs)[1:] == [(math.nextafter(z, 0), math.nextafter(z, 1e9))]
    assert converges(z, xs) and not converges(math.nextafter(z, 0), xs)
