"""Runs the script the way a learner does, from the repository root."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*args, text=True):
    """`python gradient_descent.py ARGS`: the finished process, with stdout and stderr."""
    return subprocess.run(
        [sys.executable, "gradient_descent.py", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=text,
        check=False,
    )
