"""Shared by the tests: the script on the path, the lecture's transcript and numbers, the
command run in this process and as a real one, and helpers that read the pictures."""

import collections
import io
import signal
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that both `pytest` and `python -m pytest` import the script

import gradient_descent as gd

# What the lecture's own script, 02_manual_gradient.py, printed
TRANSCRIPT = (Path(__file__).resolve().parent / "lecture-transcript.txt").read_text()


# Per sample at rate a, a step with x multiplies w - 2 by 1 - 2a x^2 (the data lies on y = 2x),
# so an epoch of the lecture's three samples multiplies it by this; a full-batch epoch by
# 1 - 2a * mean(x^2) = 1 - 2a * 14/3.
def per_sample_factor(a, xs=(1, 2, 3)):
    product = 1
    for x in xs:
        product *= 1 - 2 * a * x * x
    return product


def full_batch_factor(a):
    return 1 - 2 * a * 14 / 3


LECTURE_FACTOR = 0.98 * 0.92 * 0.82  # per_sample_factor(0.01) = 0.739312

Result = collections.namedtuple("Result", "status out err")


@pytest.fixture
def run(capsys, monkeypatch):
    """The command line in this process, with stdin given: main(args) -> (status, out, err)."""

    def run(*args, stdin=""):
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = gd.main([str(arg) for arg in args])
        out, err = capsys.readouterr()
        return Result(status, out, err)

    return run


def process(*args, **options):
    """`python gradient_descent.py ARGS` as a real process, for what only a process shows."""
    options = {"capture_output": True, "text": True, **options}
    command = [sys.executable, "gradient_descent.py", *map(str, args)]
    return subprocess.run(command, cwd=ROOT, check=False, **options)


@pytest.fixture(autouse=True)
def time_limit():
    """A test that runs for more than 20 s fails, rather than hanging the suite."""
    if not hasattr(signal, "setitimer"):
        yield
        return

    def stop(signum, frame):
        raise TimeoutError("this test ran for more than 20 s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, 20)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def is_row(line):
    return line[9:11] == " |"


TITLES = ("mean loss over w", "log10 |w - ", "epoch factor F", "loss of the sample")


def picture(out, title):
    """The lines of the picture whose title starts with `title`: the title (one line or two), its
    rows, the axis and its labels, and the notes under it, up to the next picture's title."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    end = start + 1
    while end < len(lines) and not lines[end].startswith(TITLES):
        end += 1
    return lines[start:end]


def grid(lines):
    """The rows of a picture's area, without the labels left of the bar."""
    rows = []
    for line in lines[1:]:
        if line.startswith(" " * 10 + "+"):
            return rows
        if is_row(line):  # (not a title's second line)
            rows.append(line.split("|", 1)[1].ljust(gd.WIDTH))
    raise AssertionError("no axis under the picture")


def labels(lines):
    """The labels left of the bar, row by row ("" where there is none)."""
    return [line.split("|")[0].strip() for line in lines if is_row(line)]


def axis(lines):
    """The words under a picture's axis: its name, then the left end, middle and right end."""
    return lines[lines.index(" " * 10 + "+" + "-" * gd.WIDTH) + 1].split()


def cells(rows, char):
    """Where char is drawn: (row, column) pairs, row 0 at the top."""
    return [(r, c) for r, row in enumerate(rows) for c, drawn in enumerate(row) if drawn == char]


def pytest_collection_modifyitems(items):
    """The tests that start processes run last, so that a failure elsewhere shows sooner."""
    items.sort(key=lambda item: item.path.name in ("test_faults.py", "test_readme.py"))
