"""How many instructions a plain run costs, next to a bare start of the same Python.

    python3 tests/instructions.py

Counts with valgrind's callgrind, which counts the same for the same binary and input
whatever else the machine is doing. The project keeps the ratio at or below 1.35.
pytest does not collect this file (it runs for seconds and needs valgrind).
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def instructions(*args):
    """Instructions the interpreter (its real path, not a shim) executes for ARGS."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict layouts each time
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


if __name__ == "__main__":
    run, bare = instructions("gradient_descent.py"), instructions("-c", "pass")
    print(f"gradient_descent.py: {run:,} instructions; python -c pass: {bare:,}")
    print(f"ratio {run / bare:.3f} (at most 1.35)")
    sys.exit(0 if run <= 1.35 * bare else 1)
