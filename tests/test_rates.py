"""Which learning rates converge: the intervals, the exact decision, the warnings, --rates.

Worked by hand for the lecture's data, x = 1, 2, 3. Per sample, an epoch multiplies
the distance from w to 2 by F(a) = (1 - 2a)(1 - 8a)(1 - 18a) = 1 - 28a + 196a^2 - 288a^3.
F = 1 where 72a^2 - 49a + 7 = 0: a = (49 - sqrt(385)) / 144 = 0.20402 and
(49 + sqrt(385)) / 144 = 0.47654. F = -1 where 144a^3 - 98a^2 + 14a - 1 = 0, whose one
real root is r = 0.51901... So |F| < 1 on (0, 0.20402) and (0.47654, r). Full batch:
F = 1 - 2a * 14/3, and |F| < 1 on (0, 3/14).
"""

import math
from fractions import Fraction

import pytest
from command import run

import gradient_descent as gd

LOW = (49 - math.sqrt(385)) / 144
HIGH = (49 + math.sqrt(385)) / 144


def cubic(a):
    return 144 * a**3 - 98 * a**2 + 14 * a - 1


def cubic_root():
    lo, hi = 0.5, 0.6  # cubic(0.5) = -0.5 < 0 < cubic(0.6) = 2.64
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cubic(mid) < 0 else (lo, mid)
    return lo


R = cubic_root()


def exact_factor(lr, xs=(1, 2, 3)):
    """The per-sample epoch factor for a float lr, in exact rational arithmetic."""
    factor = Fraction(1)
    for x in xs:
        factor *= 1 - 2 * Fraction(lr) * x * x
    return factor


def both_intervals_text():
    return "per-sample steps converge on this data for --lr below 0.204 or between 0.477 and 0.519"


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
    [(a, b)] = gd.convergent_rates(batch=True)
    assert (a, b) == (0, pytest.approx(3 / 14, abs=1e-12))


def test_the_rates_depend_on_the_data_given():
    # x = 1, 2: F = (1 - 2a)(1 - 8a) = 1 at a = 10/16; it never reaches -1 (16a^2 - 10a + 2
    # has no real root). Full batch: 1 - 2a * 5/2 = -1 at a = 0.4.
    [(a, b)] = gd.convergent_rates(x_data=[1.0, 2.0])
    assert (a, b) == (0, pytest.approx(0.625, abs=1e-12))
    [(a, b)] = gd.convergent_rates(batch=True, x_data=[1.0, 2.0])
    assert (a, b) == (0, pytest.approx(0.4, abs=1e-12))


def test_one_sample_twice_converges_below_1_and_nowhere_else():
    # x = 1, 1: F = (1 - 2a)^2, which is below 1 in size exactly for 0 < a < 1
    [(a, b)] = gd.convergent_rates(x_data=[1.0, 1.0])
    assert (a, b) == (0, pytest.approx(1, abs=1e-12))


# --- the exact decision ---------------------------------------------------


@pytest.mark.parametrize("lr", [1e-20, 1e-300, 5e-324, 0.48, 0.5, 0.51, 0.01, 0.2])
def test_rates_that_converge_are_decided_so(lr):
    assert abs(exact_factor(lr)) < 1
    assert gd.converges(lr)


@pytest.mark.parametrize("lr", [0.21, 0.3, 0.45, 0.52, 1.0, 1e300])
def test_rates_that_do_not_converge_are_decided_so(lr):
    assert abs(exact_factor(lr)) >= 1
    assert not gd.converges(lr)


@pytest.mark.parametrize("boundary", [LOW, HIGH, R])
def test_the_floats_on_each_side_of_each_boundary_get_the_exact_answer(boundary):
    floats = [boundary]
    for _ in range(4):
        floats = [math.nextafter(floats[0], 0)] + floats + [math.nextafter(floats[-1], 1)]
    answers = [abs(exact_factor(lr)) < 1 for lr in floats]
    assert True in answers and False in answers  # the boundary lies among them
    assert [gd.converges(lr) for lr in floats] == answers


def test_the_full_batch_boundary_floats_get_the_exact_answer():
    floats = [3 / 14]
    for _ in range(3):
        floats = [math.nextafter(floats[0], 0)] + floats + [math.nextafter(floats[-1], 1)]
    answers = [abs(1 - 2 * Fraction(lr) * Fraction(14, 3)) < 1 for lr in floats]
    assert True in answers and False in answers
    assert [gd.converges(lr, batch=True) for lr in floats] == answers


# --- the warnings ---------------------------------------------------------


@pytest.mark.parametrize(
    "lr, factor",
    [("0.3", "2.46"), ("0.52", "-1.06"), ("1", "-119")],
)
def test_too_large_rates_warn_with_both_intervals(lr, factor):
    # 0.3: 0.4 * -1.4 * -4.4 = 2.464; 0.52: -0.04 * -3.16 * -8.36 = -1.0567; 1: -1 * -7 * -17
    result = run("--lr", lr, "--epochs", 3, "--quiet")
    assert result.stderr == (
        f"gradient_descent.py: warning: at --lr {float(lr)} each epoch multiplies the distance "
        f"from w to 2 by {factor}, so it grows; {both_intervals_text()}\n"
    )
    assert result.returncode == 0


@pytest.mark.parametrize("lr", ["1e-20", "5e-324", "0.48", "0.5", "0.51"])
def test_rates_that_converge_do_not_warn(lr):
    result = run("--lr", lr, "--quiet")
    assert (result.stderr, result.returncode) == ("", 0)


def test_at_0_5_the_first_step_lands_on_2():
    # the x = 1 step multiplies the distance by 1 - 2 * 0.5 * 1 = 0: w = 1 - 0.5 * -2 = 2
    lines = run("--lr", "0.5", "--epochs", 2).stdout.splitlines()
    assert lines[1:5] == [
        "\tgrad:  1.0 2.0 -2.0",
        "\tgrad:  2.0 4.0 0.0",
        "\tgrad:  3.0 6.0 0.0",
    ] + ["progress: 0 w= 2.0 loss= 0.0"]


@pytest.mark.parametrize("lr", ["0.2041", "0.4765", "0.20401793840035717"])
def test_a_factor_near_1_shows_the_digits_that_put_it_above_1(lr):
    exact = exact_factor(float(lr))
    assert exact > 1
    stderr = run("--lr", lr, "--epochs", 1).stderr
    shown = stderr.split(" by ")[1].split(",")[0]
    digits = len(shown.replace(".", "").lstrip("0"))
    assert Fraction(shown) > 1  # the side of 1 it is on
    assert abs(Fraction(shown) - exact) <= Fraction(1, 2 * 10 ** (digits - 1))  # correctly rounded
    assert digits > 3  # 3 digits alone would show 1


def test_the_full_batch_warning_names_its_one_interval():
    # 1 - 2 * 0.3 * 14/3 = -1.8
    result = run("--batch", "--lr", "0.3", "--epochs", 1)
    assert result.stderr == (
        "gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to 2 "
        "by -1.8, so it grows; full-batch steps converge on this data for --lr below 0.214\n"
    )


def test_a_factor_of_exactly_minus_1_keeps_the_distance():
    # one sample x = 1, full batch at lr 1: F = 1 - 2 = -1, so w flips between 1 and 3
    result = run("--data", "1,2", "--batch", "--lr", 1, "--epochs", 3, "--quiet")
    assert result.stderr == (
        "gradient_descent.py: warning: at --lr 1.0 each epoch multiplies the distance from w to 2 "
        "by -1, so it stays the same; full-batch steps converge on this data for --lr below 1\n"
    )
    assert result.stdout.splitlines()[1] == "progress: 2 grad= -2.0 w= 3.0 loss= 1.0"


def test_an_epoch_that_only_shifts_w_says_so():
    # x = 1, 1 at lr 1: each step is w -> -w + 2y, so an epoch takes w to -(-w + 4) + 6 = w + 2
    result = run("--data", "1,2 1,3", "--lr", 1, "--epochs", 3, "--quiet")
    assert result.stderr == (
        "gradient_descent.py: warning: at --lr 1.0 each epoch adds 2 to w, so w never settles; "
        "per-sample steps converge on this data for --lr below 1\n"
    )
    assert result.stdout.splitlines()[1] == "progress: 2 w= 7.0 loss= 16.0"


def test_the_help_example_for_the_other_side_of_2_starts_above_2():
    help_text = run("--help").stdout
    assert "--w -5" not in help_text
    line = next(line for line in help_text.splitlines() if "--w 3" in line)
    assert line.split("--w 3")[1].strip() == "start above 2, on the other side of it"


# --- the map --------------------------------------------------------------


def expected_map(lr, factor, intervals, right, title):
    """The map drawn from the closed form: F at 59 values of lr from 0 to `right`,
    in row round((2 - F) * 3) of 13; a row above or below the map is drawn on its edge
    as ^ or v."""
    grid = [["-" if row in (3, 9) else " "] * 59 for row in range(13)]
    band = ""
    for j in range(59):
        a = right * j / 58
        f = factor(a)
        row = round((2 - f) * 3)
        grid[min(max(row, 0), 12)][j] = "^" if row < 0 else "v" if row > 12 else "."
        band += "=" if any(lo < a < hi for lo, hi in intervals) else " "
    labels = {0: "2", 3: "1", 6: "0", 9: "-1", 12: "-2"}
    return [title] + [
        f"{labels.get(r, ''):>9} |{''.join(grid[r])}".rstrip() for r in range(13)
    ], band


def test_the_per_sample_map_follows_the_closed_form():
    right = 1.1 * R
    rows, band = expected_map(
        0.01,
        lambda a: (1 - 2 * a) * (1 - 8 * a) * (1 - 18 * a),
        [(0, LOW), (HIGH, R)],
        right,
        "epoch factor F over --lr, per-sample steps: w converges where -1 < F < 1",
    )
    result = run("--rates", "--quiet")
    lines = result.stdout.splitlines()[3:]
    assert lines[:14] == rows
    assert lines[14] == " " * 10 + "+" + "-" * 59
    assert lines[15].split() == ["lr", "0", "0.285", "0.571"]  # 1.1 * 0.519 = 0.5709
    assert lines[16] == "converges  " + band.rstrip()
    # lr 0.01 sits in column round(0.01 / 0.5709 * 58) = 1
    assert lines[17] == " " * 12 + "^ --lr 0.01"
    # the bounds rounded inwards to 6 digits: 0.2040179 down, 0.4765376 up, 0.5190145 down
    assert lines[18] == "|F| < 1 for --lr below 0.204017 or between 0.476538 and 0.519014"
    assert len(lines) == 19
    assert (result.stderr, result.returncode) == ("", 0)


def test_the_per_sample_map_snapshot_checked_by_hand():
    # Read by hand: F = 1 at lr 0 (row 3, column 0); F crosses 0 at 1/18, 1/8 and 1/2
    # (columns 5.6, 12.7 and 50.8); the == band stops at 0.204 (column 20.7), and comes
    # back from 0.4765 to 0.519 (columns 48.4 to 52.7).
    from command import ROOT

    snapshot = (ROOT / "tests" / "rates-default.txt").read_text()
    assert "\n".join(run("--rates", "--quiet").stdout.splitlines()[3:]) + "\n" == snapshot


def test_the_full_batch_map_follows_the_closed_form():
    right = 1.1 * 3 / 14
    rows, band = expected_map(
        0.2,
        lambda a: 1 - 2 * a * 14 / 3,
        [(0, 3 / 14)],
        right,
        "epoch factor F over --lr, full-batch steps: w converges where -1 < F < 1",
    )
    lines = run("--rates", "--batch", "--lr", 0.2, "--quiet").stdout.splitlines()[3:]
    assert lines[:14] == rows
    assert lines[16] == "converges  " + band.rstrip()
    # lr 0.2 in column round(0.2 / 0.23571 * 58) = 49; "^ --lr 0.2" fits before column 59
    assert lines[17] == " " * 11 + " " * 49 + "^ --lr 0.2"
    assert lines[18] == "|F| < 1 for --lr below 0.214285"


def test_a_factor_near_2_is_drawn_on_the_top_row_and_one_above_it_on_the_edge():
    # x = 1, 3: F = (1 - 2a)(1 - 18a) = 1 - 20a + 36a^2. F = -1 at a = (5 -+ sqrt(7)) / 18,
    # F = 1 again at 5/9, so the map ends at 1.1 * 5/9 = 0.6111. Column 57 (a = 0.6006):
    # F = 1.973, row round(0.08) = 0, a dot on the top row; column 58: F = 2.22, a ^.
    right = 1.1 * 5 / 9
    rows, band = expected_map(
        0.01,
        lambda a: (1 - 2 * a) * (1 - 18 * a),
        [(0, (5 - math.sqrt(7)) / 18), ((5 + math.sqrt(7)) / 18, 5 / 9)],
        right,
        "epoch factor F over --lr, per-sample steps: w converges where -1 < F < 1",
    )
    lines = run("--rates", "--data", "1,2 3,6", "--quiet").stdout.splitlines()[3:]
    assert lines[:14] == rows
    assert lines[1][11 + 57 :] == ".^"
    assert lines[15].split() == ["lr", "0", "0.306", "0.611"]
    assert lines[16] == "converges  " + band.rstrip()
    # 0.1307916 down, 0.4247640 up, 0.5555556 down
    assert lines[18] == "|F| < 1 for --lr below 0.130791 or between 0.424764 and 0.555555"


def test_a_rate_at_the_maps_right_end_is_on_the_map():
    # x = 1: F = 1 - 2a, |F| < 1 below 1.0 exactly, so the map ends at 1.1 * 1.0 = 1.1,
    # and --lr 1.1 is in its last column, 58
    marker = run("--rates", "--data", "1,2", "--lr", 1.1, "--epochs", 0).stdout.splitlines()[-2]
    assert marker == " " * 11 + "--lr 1.1 ^".rjust(59)


def test_a_rate_off_the_map_is_named_at_its_right_edge():
    result = run("--rates", "--lr", 1, "--epochs", 1, "--quiet")
    marker = result.stdout.splitlines()[3 + 17]
    assert marker == " " * 11 + "--lr 1.0 is off to the right >".rjust(59)


def test_a_rate_near_the_right_edge_is_labelled_on_its_left():
    # lr 0.55 in column round(0.55 / 0.5709 * 58) = 56; "^ --lr 0.55" would pass column 58
    marker = run("--rates", "--lr", 0.55, "--epochs", 0, "--quiet").stdout.splitlines()[2 + 17]
    assert marker == " " * 11 + "--lr 0.55 ^".rjust(57)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--batch"],
        ["--lr", 1, "--epochs", 1000],
        ["--plot"],
        ["--explain", "--epochs", 1],
        ["--data", "1,2 2,4.5"],
        ["--data", "0.5,1 1,2 2,4 4,8 8,16"],
        ["--data", "0.25,0.5 0.5,1 2,4"],  # its last line would be 73 long if not wrapped at 72
    ],
)
def test_every_map_fits_72_columns_by_20_rows_in_plain_ascii(args):
    result = run("--rates", *args)
    lines = result.stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("epoch factor F"))
    picture = lines[start:]
    assert len(picture) <= 20
    assert all(len(line) <= 72 and line.isascii() for line in picture)
    assert any(line.startswith("|F| < 1 for --lr ") for line in picture[-2:])


# --- the intervals for any data, checked against the product written out here -----

DATASETS = [
    [1.0, 2.0, 3.0],
    [3.0, 1.0, 2.0],  # the order of the steps does not change F
    [1.0, 2.0],
    [1.0, 1.2],
    [0.0, 1.0],  # a sample with x = 0 leaves w where it is
    [0.5],  # F = 1 - 0.5 lr: below 1 in size for lr below 4
    [0.5, 1.0, 2.0, 4.0, 8.0],  # four gaps between five zeros
    [1.0, 1.1, 3.0],
]


def size(lr, xs, batch):
    if batch:
        return abs(1 - 2 * lr * sum(x * x for x in xs) / len(xs))
    product = 1.0
    for x in xs:
        product *= 1 - 2 * lr * x * x
    return abs(product)


@pytest.mark.parametrize("batch", [False, True])
@pytest.mark.parametrize("xs", DATASETS)
def test_the_intervals_are_exactly_where_the_factor_is_below_1_in_size(xs, batch):
    intervals = gd.convergent_rates(batch, xs)
    assert intervals[0][0] == 0
    assert all(low < high for low, high in intervals)
    assert all(a[1] < b[0] for a, b in zip(intervals, intervals[1:]))  # apart, in order
    for low, high in intervals:
        assert size(high, xs, batch) >= 1 > size(math.nextafter(high, 0), xs, batch)
        if low > 0:
            assert size(low, xs, batch) >= 1 > size(math.nextafter(low, math.inf), xs, batch)
    # and nowhere else: a scan of 4000 rates up to twice the last end
    end = intervals[-1][1]
    for k in range(1, 4000):
        lr = 2 * end * k / 4000
        inside = any(low < lr < high for low, high in intervals)
        assert inside == (size(lr, xs, batch) < 1), lr


def test_one_small_x_converges_below_4():
    # F = 1 - 2 * lr * 0.25 = -1 at lr = 4
    assert gd.convergent_rates(x_data=[0.5]) == [(0.0, 4.0)]


@pytest.mark.parametrize(
    "value, text",
    [
        (1.5e-7, "1.5e-7"),  # below 1e-6: the exponent form
        (1.5e-6, "0.0000015"),  # from 1e-6 on: plain decimals
        (1.5e15, "1500000000000000"),
        (1.5e16, "1.5e+16"),  # from 1e16 on: the exponent form again
        (-119.0, "-119"),
        (120.0, "120"),  # not 1.2e+2
        (2.4641, "2.46"),
    ],
)
def test_numbers_are_written_plainly_unless_very_small_or_large(value, text):
    assert gd.decimal_text(value, 3) == text


@pytest.mark.parametrize("lr", ["0.2041", "0.4765", "0.20401793840035717", "0.3"])
def test_a_factor_is_shown_with_the_fewest_digits_that_tell_its_side_of_1(lr):
    exact = exact_factor(float(lr))
    shown = run("--lr", lr, "--epochs", 1).stderr.split(" by ")[1].split(",")[0]
    # the fewest significant digits, from 3 up, at which the rounded factor is not 1
    digits = 3
    while round(exact, digits - 1) == 1:  # the factor lies between 1 and 10: n digits, n-1 places
        digits += 1
    assert Fraction(shown) == round(exact, digits - 1)
    assert len(shown.replace(".", "").lstrip("0")) <= digits


def test_a_narrow_interval_is_named_with_the_digits_that_keep_its_ends_apart():
    # x = 0.5, 1, 2, 4, 8: the ends, checked against the product above, are 0.0430656,
    # 0.1207648 to 0.1287268, 0.4997645 to 0.5002348, 1.9999972 to 2.0000028. Rounded
    # inwards to 3 digits the third would be 0.500 to 0.500, so it gets 4: 0.4998 to 0.5002;
    # the fourth needs 7: 1.999998 to 2.000002. At lr 0.3 the factor is
    # 0.85 * 0.4 * -1.4 * -8.6 * -37.4 = -153.1.
    result = run("--data", "0.5,1 1,2 2,4 4,8 8,16", "--lr", 0.3, "--epochs", 1)
    assert result.stderr == (
        "gradient_descent.py: warning: at --lr 0.3 each epoch multiplies the distance from w to 2 "
        "by -153, so it grows; per-sample steps converge on this data for --lr below 0.043 or "
        "between 0.121 and 0.128 or between 0.4998 and 0.5002 or between 1.999998 and 2.000002\n"
    )


def test_rate_map_defaults_to_per_sample_steps_on_the_lectures_data():
    lines = gd.rate_map(0.01).splitlines()
    assert lines[0] == "epoch factor F over --lr, per-sample steps: w converges where -1 < F < 1"
    assert lines[-1] == "|F| < 1 for --lr below 0.204017 or between 0.476538 and 0.519014"


def test_a_gap_whose_peak_only_just_passes_1_is_found():
    # x = 1, 2.42: F = (1 - 2a)(1 - c a) with c = 2 * 2.42^2 = 11.7128. Between the zeros
    # 1/c and 1/2 the peak of |F| is (r - 1)^2 / (4r) with r = 2.42^2 = 5.8564: 1.0068, only
    # just over 1. F = -1 where 2c a^2 - (2 + c) a + 2 = 0; F = 1 again at a = (2 + c) / (2c).
    c = 2 * 2.42**2
    disc = math.sqrt((2 + c) ** 2 - 16 * c)
    assert (2.42**2 - 1) ** 2 / (4 * 2.42**2) == pytest.approx(1.0068, abs=1e-4)
    (a, b), (d, e) = gd.convergent_rates(x_data=[1.0, 2.42])
    assert a == 0
    assert b == pytest.approx((2 + c - disc) / (4 * c), abs=1e-12)
    assert d == pytest.approx((2 + c + disc) / (4 * c), abs=1e-12)
    assert e == pytest.approx((2 + c) / (2 * c), abs=1e-12)
