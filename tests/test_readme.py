"""The README shows real output: each `$ ...` block prints what it says when run as written,
the Korean guide shows the same blocks as the English part, each `>>>` session gives what it
shows, the numbers in the prose are true, and CI runs the README's own test command."""

import doctest
import math
import os
import re
import subprocess
import sys
from fractions import Fraction

import pytest
from conftest import LECTURE_FACTOR, ROOT, cells, grid, labels, per_sample_factor, picture

import gradient_descent as gd

README = (ROOT / "README.md").read_text(encoding="utf-8")
ENGLISH, KOREAN = README.split("## 한국어 안내 (Korean guide)")
BLOCK = r"```text\n\$ ([^\n]*)\n(.*?)```"
BLOCKS = dict(re.findall(BLOCK, ENGLISH, re.DOTALL))
SESSIONS = re.findall(r"```python\n(>>> .*?)```", README, re.DOTALL)


def test_the_readme_has_command_blocks_and_sessions():
    assert len(BLOCKS) >= 15
    assert len(SESSIONS) == 4


def test_the_first_screen_says_what_it_is_how_to_run_it_and_what_to_try():
    first = "\n".join(ENGLISH.splitlines()[:45])
    for said in (
        "PyTorch Zero to All",
        "https://github.com/hunkim/PyTorchZeroToAll",  # the lecture's code and slides
        "| `python3 gradient_descent.py` | `python3 -m venv .venv && ",  # the two commands
        "`python3 gradient_descent.py --step`",  # three things to try
        "`python3 gradient_descent.py --plot`",
        "`python3 gradient_descent.py --lr 0.21`",
        "**Contents:**",
    ):
        assert said in first, said


def test_why_the_posts_listing_prints_nothing_comes_early_in_both_languages():
    # the section that says it, with its session, within the first 150 lines of each
    for part in ENGLISH, KOREAN:
        early = "\n".join(part.splitlines()[:150])
        assert ">>> gd.gradient(1.0, 2.0, 1.0)" in early
        assert "`gradient()`" in early and "`return`" in early


def github_anchor(heading):
    """The anchor GitHub gives a heading: lower case, no punctuation but - and _, - for spaces."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_to_a_section_names_a_heading():
    anchors = {github_anchor(h) for h in re.findall(r"^#+ (.*)$", README, re.MULTILINE)}
    links = re.findall(r"\]\(#([^)]*)\)", README)
    assert len(links) >= 20 and set(links) <= anchors, set(links) - anchors


def test_the_korean_guide_shows_the_same_commands_and_outputs_as_the_english_part():
    assert re.findall(BLOCK, KOREAN, re.DOTALL) == re.findall(BLOCK, ENGLISH, re.DOTALL)
    assert re.findall(r"```python\n.*?```", KOREAN, re.DOTALL) == re.findall(
        r"```python\n.*?```", ENGLISH, re.DOTALL
    )


def test_each_readme_block_is_what_the_command_prints_when_run_as_written():
    # as a terminal shows it: stdout and stderr in the order written (unbuffered), through a
    # shell, so that `printf ... |` feeds --step; all at once, to keep the suite quick
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    runs = {}
    for command in BLOCKS:
        shell = command.replace(
            "python3 gradient_descent.py", f"'{sys.executable}' gradient_descent.py"
        )
        runs[command] = subprocess.Popen(
            ["sh", "-c", shell + " 2>&1"], cwd=ROOT, stdout=subprocess.PIPE, env=env
        )
    try:
        printed = {
            command: run.communicate(timeout=30)[0].decode() for command, run in runs.items()
        }
    finally:
        for run in runs.values():
            if run.poll() is None:
                run.kill()
            run.communicate()
    for command, shown in BLOCKS.items():
        assert printed[command] == shown, command


@pytest.mark.parametrize("session", SESSIONS)
def test_each_readme_python_session_gives_what_it_shows(session, monkeypatch):
    monkeypatch.setattr(gd, "x_data", gd.x_data)  # (put back after the session reassigns them)
    monkeypatch.setattr(gd, "y_data", gd.y_data)
    test = doctest.DocTestParser().get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, len(test.examples))


def test_ci_runs_the_readmes_linux_test_command_as_written():
    rows = [line for line in README.splitlines() if line.startswith("| Linux, macOS |")]
    assert len(rows) == 2 and rows[0] == rows[1]  # the English and the Korean table
    command = rows[0].split("`")[3]
    assert command.startswith("python3 -m venv .venv && ")
    assert command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_every_plot_in_the_readme_shows_what_its_text_says():
    plots = {command: shown for command, shown in BLOCKS.items() if "--plot" in command}
    assert len(plots) == 3
    distance = "log10 |w - 2| after each epoch"
    # the lecture's ten epochs: each drawn as its digit, none under another mark
    lecture = plots["python3 gradient_descent.py --plot --quiet"]
    rows = grid(picture(lecture, "mean loss over w"))
    assert sorted(char for row in rows for char in row if char.isdigit()) == list("0123456789")
    assert "under the" not in lecture
    # lr 0.1 on the same scale (1 away, log 0, down to -16) ends lower, + and - in turn: w - 2 =
    # -F^(e + 1) with F = -0.128, above 2 after even epochs
    lines = picture(lecture, distance)
    faster = picture(plots["python3 gradient_descent.py --lr 0.1 --plot --quiet"], distance)
    assert labels(lines) == labels(faster) and (labels(lines)[0], labels(lines)[12]) == ("0", "-16")
    last_row = [
        max(r for r, _ in cells(grid(p), "+") + cells(grid(p), "-")) for p in (lines, faster)
    ]
    assert last_row[0] < last_row[1]
    for e in range(10):
        column = round(e / 9 * 58)
        assert [row[column] for row in grid(faster) if row[column] in "+-"] == ["-+"[e % 2 == 0]]
    # at lr 1 the loss would overflow in epoch 74, so epochs 0 to 73 ran; past 58 epochs every
    # second one is kept, and the last: 0, 2, ..., 72 above 2 (+) and 73 below it (-), each in
    # a column of its own
    climb = picture(
        plots["python3 gradient_descent.py --lr 1 --epochs 1000 --quiet --plot"], distance
    )
    plus, minus = cells(grid(climb), "+"), cells(grid(climb), "-")
    assert len(plus) == 37 and minus == [(0, 58)]
    assert len({column for _, column in plus + minus}) == 37 + 1


# Per sample at rate a on the lecture's data, an epoch multiplies w - 2 by this
def factor(a):
    return per_sample_factor(a, (1, 2, 3))


def lecture_loop(lr, epochs):
    """w after each epoch of the lecture's loop, and its last sample's loss then."""
    w, xs, ys = 1.0, [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    for _ in range(epochs):
        for x, y in zip(xs, ys):
            w = w - lr * 2 * x * (x * w - y)
            l = (x * w - y) * (x * w - y)
        yield w, l


def overflow_epoch(lr):
    return next(e for e, (_, l) in enumerate(lecture_loop(lr, 1000)) if l == math.inf)


def last_move(lr, epochs):
    """The last epoch in which w changed, and the w it ended at."""
    ws = [1.0] + [w for w, _ in lecture_loop(lr, epochs)]
    moved = max(e for e in range(epochs) if ws[e + 1] != ws[e])
    return moved, ws[-1]


def exercise_loss(lr, epochs):
    """The last sample's loss after per-sample steps on y_hat = x^2 w2 + x w1 + b from 1, 1, 1."""
    w2 = w1 = b = 1.0
    for _ in range(epochs):
        for x, y in ((1.0, 2.0), (2.0, 4.0), (3.0, 6.0)):
            error = x * x * w2 + x * w1 + b - y
            w2, w1, b = w2 - lr * 2 * x * x * error, w1 - lr * 2 * x * error, b - lr * 2 * error
    return (x * x * w2 + x * w1 + b - y) ** 2


def settle(a, xs=(1, 2, 3), ys=(2, 4, 6.5)):
    """Where per-sample steps settle: an epoch takes w to F w + C; w = C / (1 - F)."""
    f, c = 1.0, 0.0
    for x, y in zip(xs, ys):
        f, c = f * (1 - 2 * a * x * x), c * (1 - 2 * a * x * x) + 2 * a * x * y
    return c / (1 - f)


@pytest.mark.parametrize(
    "said, stated, value",
    [
        # the progress line's loss after epoch 0, and the mean loss at the same w
        ("(3 * 1.260688 - 6)^2 = 4.92", 4.92, round((3 * 1.260688 - 6) ** 2, 2)),
        ("(14/3) * (w - 2)^2 = 2.55", 2.55, round(14 / 3 * (1.260688 - 2) ** 2, 2)),
        ("0.98 * 0.92 * 0.82 = 0.739312", 0.739312, round(LECTURE_FACTOR, 6)),
        ("w = 2 - 0.739312^10 = 1.9512...", 1.9512, math.floor((2 - 0.739312**10) * 1e4) / 1e4),
        # the first --step: the gradient, the tangent's slope, where the step lands
        ("2 * 1 * (1 * 1 - 2)", -2, 2 * 1 * (1 * 1 - 2)),
        ("w - 0.01 * -2 = 1.02", 1.02, 1 - 0.01 * -2),
        # the second interval of learning rates
        ("0.868 at lr 0.48", 0.868, round(factor(0.48), 3)),
        ("0 at 0.5", 0, factor(0.5)),
        ("-0.999 at 0.519", -0.999, round(factor(0.519), 3)),
        ("(their factors are about -3 and -8)", (-3, -8), (1 - 8 * 0.5, 1 - 18 * 0.5)),
        ("F = (1 - 2)(1 - 8)(1 - 18) = -119", -119, factor(1)),
        ("log10 119 = 2.08", 2.08, round(math.log10(119), 2)),
        ("(49 - sqrt(385))/144 = 0.20402", 0.20402, round((49 - 385**0.5) / 144, 5)),
        ("(49 + sqrt(385))/144 = 0.47654", 0.47654, round((49 + 385**0.5) / 144, 5)),
        ("3/14, about 0.214", 0.214, round(3 / 14, 3)),
        # the distance picture's line, its scale, and the run at lr 0.1 beside it
        ("log10 F = -0.131", -0.131, round(math.log10(LECTURE_FACTOR), 3)),
        ("to -1.31 after epoch 9", -1.31, round(10 * math.log10(LECTURE_FACTOR), 2)),
        ("(for 2, 2.2e-16, so the scale ends at -16)", (2.2e-16, -16),
         (float("%.2g" % (2 - math.nextafter(2, 0))), math.floor(math.log10(2 - math.nextafter(2, 0))))),
        ("F = (1 - 0.2)(1 - 0.8)(1 - 1.8) = -0.128", -0.128, round(factor(0.1), 3)),
        ("the marks fall 0.893 per epoch", 0.893, round(-math.log10(abs(factor(0.1))), 3)),
        # where the lecture's loop ends: at lr 1 the loss passes the largest float in epoch 74;
        # at lr 0.01 rounding stops w for good
        ("In epoch 74 the loss passes the largest float", 74, overflow_epoch(1.0)),
        ("stops moving at epoch 115, at 1.9999999999999993", (115, 1.9999999999999993),
         last_move(0.01, 1000)),
        ("a rate as small as `--lr 1e-20` (where F rounds to 1.0", 1.0, factor(1e-20)),
        # the exercise at lr 0.1: the last sample's loss after 10 epochs
        ("at `--lr 0.1` it is about 8e30 after 10 epochs", 8e30,
         float("%.1g" % exercise_loss(0.1, 10))),
        # a quiet run's progress on a terminal: after TICK seconds, then each wait twice the last
        ("first after 3 s, then after 9 s, 21 s", (3, 9, 21),
         (gd.TICK, gd.TICK * (1 + 2), gd.TICK * (1 + 2 + 4))),
        # data off every line through 0: the least-squares w, each sample's own best w, and
        # where per-sample steps settle
        ("29.5/14 = 2.10714", 2.10714, round(29.5 / 14, 5)),
        ("(2, 2 and 2.1667)", (2, 2, 2.1667), (2 / 1, 4 / 2, round(6.5 / 3, 4))),
        ("2.26596 at lr 0.1", 2.26596, round(settle(0.1), 5)),
        ("2.11508 at lr 0.01", 2.11508, round(settle(0.01), 5)),
        ("2.10790 at lr 0.001", 2.1079, round(settle(0.001), 5)),
        # the sessions: w after each epoch, and four samples on y = 2x
        ("[1.26, 1.45, 1.6, 1.7, 1.78, 1.84, 1.88, 1.91, 1.93, 1.95]",
         [1.26, 1.45, 1.6, 1.7, 1.78, 1.84, 1.88, 1.91, 1.93, 1.95],
         [round(2 - LECTURE_FACTOR ** (e + 1), 2) for e in range(10)]),
        ("1.999", 1.999, round(2 - (LECTURE_FACTOR * (1 - 0.02 * 16)) ** 10, 4)),
        ("0.30000000000000004", 0.30000000000000004, 0.1 + 0.2),
    ],
)  # fmt: skip
def test_the_numbers_in_the_readme_prose_are_true(said, stated, value):
    assert words(said) in words(ENGLISH)
    assert stated == value


def test_the_roots_of_f_minus_1_and_f_plus_1_are_the_interval_ends():
    # F = 1: 72a^2 - 49a + 7 = 0 (after dividing the cubic by -4a); F = -1: the cubic
    for a in ((49 - 385**0.5) / 144, (49 + 385**0.5) / 144):
        assert factor(a) == pytest.approx(1, abs=1e-12)
    low, high = 0.5, 0.53  # the cubic 144a^3 - 98a^2 + 14a - 1 changes sign between them
    for _ in range(60):
        middle = (low + high) / 2
        low, high = (
            (middle, high) if 144 * middle**3 - 98 * middle**2 + 14 * middle < 1 else (low, middle)
        )
    assert round(low, 5) == 0.51901 and factor(low) == pytest.approx(-1, abs=1e-12)


def words(text):
    return " ".join(text.split())


# The exercise's valley, worked out here on its own: exact matrices in fractions, the curvatures
# as the roots of a cubic, and the size of an epoch's eigenvalues by Jury's test for a cubic.
PHIS = [(Fraction(x * x), Fraction(x), Fraction(1)) for x in (1, 2, 3)]
MEAN = [[sum(phi[i] * phi[j] for phi in PHIS) / 3 for j in range(3)] for i in range(3)]


def exercise_epoch(lr, batch):
    """The matrix an epoch multiplies (w2, w1, b) by: per sample the product of the steps'
    I - 2 lr phi phi^T, in turn; full batch I - 2 lr times the mean of phi phi^T."""
    lr = Fraction(lr)
    if batch:
        return [[(i == j) - 2 * lr * MEAN[i][j] for j in range(3)] for i in range(3)]
    epoch = [[Fraction(i == j) for j in range(3)] for i in range(3)]
    for phi in PHIS:
        step = [[(i == j) - 2 * lr * phi[i] * phi[j] for j in range(3)] for i in range(3)]
        epoch = [
            [sum(step[i][k] * epoch[k][j] for k in range(3)) for j in range(3)] for i in range(3)
        ]
    return epoch


def characteristic(m):
    """(a, b, c) of det(t I - m) = t^3 + a t^2 + b t + c."""
    minors = sum(m[i][i] * m[j][j] - m[i][j] * m[j][i] for i, j in ((0, 1), (0, 2), (1, 2)))
    det = sum(
        m[0][i] * (m[1][j] * m[2][k] - m[1][k] * m[2][j])
        for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1))
    )
    return -(m[0][0] + m[1][1] + m[2][2]), minors, -det


def inside(m, r=1):
    """Whether every eigenvalue of m is smaller than r in size: Jury's test on t^3 + a t^2 + b t + c
    scaled to r (1 + a + b + c > 0, 1 - a + b - c > 0, |c| < 1, |c^2 - 1| > |ac - b|)."""
    a, b, c = characteristic(m)
    a, b, c = a / r, b / r**2, c / r**3
    return (
        1 + a + b + c > 0 and 1 - a + b - c > 0 and abs(c) < 1 and abs(c * c - 1) > abs(a * c - b)
    )


def bisect(test, low, high):
    """The point between low and high where test turns false (true at low, false at high)."""
    low, high = Fraction(low), Fraction(high)
    for _ in range(50):
        middle = (low + high) / 2
        low, high = (middle, high) if test(middle) else (low, middle)
    return float(low)


def curvatures():
    """The eigenvalues of MEAN, each between two points where its cubic changes sign."""
    a, b, c = characteristic(MEAN)
    cubic = lambda t: t**3 + a * t**2 + b * t + c
    ends = [(0, 0.1), (0.1, 1), (1, 100)]
    assert all(cubic(Fraction(low)) * cubic(Fraction(high)) < 0 for low, high in ends)
    return [
        bisect(lambda t, low=low: cubic(t) * cubic(Fraction(low)) > 0, low, high)
        for low, high in ends
    ]


def slowest(lr):
    """The largest size of a per-sample epoch's eigenvalues at lr."""
    return bisect(lambda r: not inside(exercise_epoch(lr, False), r), 0.5, 1)


def test_the_exercise_valley_numbers_in_the_readme_are_true():
    small, middle, large = curvatures()
    per_sample = bisect(lambda lr: inside(exercise_epoch(lr, False)), 0.02, 0.04)
    full_batch = bisect(lambda lr: inside(exercise_epoch(lr, True)), 0.02, 0.04)
    said = [
        ("[[98, 36, 14], [36, 14, 6], [14, 6, 3]] / 3", [[98, 36, 14], [36, 14, 6], [14, 6, 3]],
         [[m * 3 for m in row] for row in MEAN]),
        ("about 37.8, 0.521 and 0.0075, 5030 times apart", (37.8, 0.521, 0.0075, 5030),
         (round(large, 1), round(middle, 3), round(small, 4), round(large / small))),
        ("1 / 37.804 = 0.02645", (37.804, 0.02645), (round(large, 3), round(full_batch, 5))),
        ("1 - 2 * 0.02 * 0.0075 = 0.9997", 0.9997, round(1 - 2 * 0.02 * small, 4)),
        ("for lr below 0.03024, so lr 0.05", 0.03024, round(per_sample, 5)),
        ("by 0.99943 an epoch, to 0.9944 of itself after 10", (0.99943, 0.9944),
         (round(slowest(0.01), 5), round(slowest(0.01) ** 10, 4))),
        ("by 0.99849 an epoch, to 2.7e-7 after 10,000 epochs", (0.99849, 2.7e-7),
         (round(slowest(0.02), 5), float("%.2g" % slowest(0.02) ** 10000))),
    ]  # fmt: skip
    for sentence, stated, value in said:
        assert words(sentence) in words(ENGLISH), sentence
        assert stated == value, sentence
    assert full_batch == pytest.approx(1 / large)
    # lr 0.05 diverges per sample, and 1 / 37.804 is also where a full-batch step's factor on the
    # steep direction reaches -1
    assert not inside(exercise_epoch(0.05, False))
    assert 1 - 2 * full_batch * large == pytest.approx(-1)


def test_one_sample_settles_on_the_fit_nearest_the_start_as_the_readme_says():
    # phi = (4, 2, 1): the steps move (1, 1, 1) along phi only, to where phi . p = 4:
    # p = (1, 1, 1) - t phi with 7 - 21 t = 4, t = 1/7
    assert "(2, 4): w2 = 3/7, w1 = 5/7, b = 6/7)" in words(ENGLISH)
    found = gd.train2(epochs=200, x_data=[2.0], y_data=[4.0])
    assert found == pytest.approx((3 / 7, 5 / 7, 6 / 7), abs=1e-12)
