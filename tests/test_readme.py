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
