"""The README shows real output: each `$ python gradient_descent.py ...` block prints what it says."""

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```text\n\$ python gradient_descent\.py([^\n]*)\n(.*?)```", README, re.DOTALL)


def test_the_readme_has_command_blocks():
    assert len(BLOCKS) >= 5


@pytest.mark.parametrize("args, shown", BLOCKS, ids=[args.strip() for args, _ in BLOCKS])
def test_each_readme_block_is_what_the_command_prints(args, shown):
    # -u keeps stdout and stderr in the order a terminal shows them
    result = subprocess.run(
        [sys.executable, "-u", "gradient_descent.py", *shlex.split(args)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        check=False,
    )
    assert result.stdout == shown
