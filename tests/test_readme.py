"""The README shows real output: each `$ python3 gradient_descent.py ...` block prints what it
says, each `>>>` session gives what it shows, and CI runs the README's own test command."""

import doctest
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(
    r"```text\n\$ python3 gradient_descent\.py([^\n]*)\n(.*?)```", README, re.DOTALL
)
SESSIONS = re.findall(r"```python\n(>>> .*?)```", README, re.DOTALL)


def test_the_readme_has_command_blocks_and_sessions():
    assert len(BLOCKS) >= 5
    assert len(SESSIONS) >= 2


@pytest.mark.parametrize("args, shown", BLOCKS, ids=[args.strip() for args, _ in BLOCKS])
def test_each_readme_block_is_what_the_command_prints(args, shown):
    # -u keeps stdout and stderr in the order a terminal shows them
    result = subprocess.run(
        [sys.executable, "-u", "gradient_descent.py", *shlex.split(args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert result.stdout == shown


@pytest.mark.parametrize("session", SESSIONS)
def test_each_readme_python_session_gives_what_it_shows(session):
    test = doctest.DocTestParser().get_doctest(session, {}, "README", "README.md", 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, len(test.examples))


def test_ci_runs_the_readmes_linux_test_command_as_written():
    row = next(line for line in README.splitlines() if line.startswith("| Linux, macOS |"))
    command = row.split("`")[3]
    assert command.startswith("python3 -m venv .venv && ")
    assert command in (ROOT / ".ci" / "run").read_text().splitlines()


def test_the_test_run_collects_nothing_outside_tests():
    # the README's test command makes .venv inside the project; nothing in it may be collected
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    ids = [line for line in result.stdout.splitlines() if "::" in line]
    assert len(ids) > 100
    assert all(line.startswith("tests/") for line in ids)


def per_sample_factor(a):
    return (1 - 2 * a) * (1 - 8 * a) * (1 - 18 * a)


@pytest.mark.parametrize(
    "said, stated, value",
    [
        # the progress line's loss after epoch 0, and the mean loss at the same w
        ("(3 * 1.260688 - 6)^2 = 4.92", 4.92, round((3 * 1.260688 - 6) ** 2, 2)),
        ("at the same w is 2.55", 2.55, round(14 / 3 * (1.260688 - 2) ** 2, 2)),
        ("0.98 * 0.92 * 0.82 = 0.739312", 0.739312, round(0.98 * 0.92 * 0.82, 6)),
        ("w = 2 - 0.739312^10 = 1.9512...", 1.9512, int((2 - 0.739312**10) * 1e4) / 1e4),
        # the second interval of learning rates
        ("0.868 at lr 0.48", 0.868, round(per_sample_factor(0.48), 3)),
        ("0 at 0.5", 0, per_sample_factor(0.5)),
        ("-0.999 at 0.519", -0.999, round(per_sample_factor(0.519), 3)),
        ("(their factors are about -3 and -8)", (-3, -8), (1 - 8 * 0.5, 1 - 18 * 0.5)),
        ("F = (1 - 2)(1 - 8)(1 - 18) = -119", -119, per_sample_factor(1)),
        ("(49 - sqrt(385))/144 = 0.20402", 0.20402, round((49 - 385**0.5) / 144, 5)),
        ("(49 + sqrt(385))/144 = 0.47654", 0.47654, round((49 + 385**0.5) / 144, 5)),
        ("1 - 2 * 0.2 * 14/3 = -0.87", -0.87, round(1 - 0.4 * 14 / 3, 2)),
        ("3/14, about 0.214", 0.214, round(3 / 14, 3)),
        # data off the line: the least-squares w, and each sample's own best w
        ("29.5/14 = 2.10714", 2.10714, round(29.5 / 14, 5)),
        ("(2, 2 and 2.1667)", (2, 2, 2.1667), (2 / 1, 4 / 2, round(6.5 / 3, 4))),
    ],
)
def test_the_numbers_in_the_readme_prose_are_true(said, stated, value):
    assert words(said) in words(README)
    assert stated == value


def words(text):
    return " ".join(text.split())
