"""How many instructions the script costs, counted by valgrind's callgrind, which counts the same
for the same binary and input whatever else the machine is doing.

    python3 tests/instructions.py

1. Start-up: a plain run (`python3 gradient_descent.py`) against the lecture alone, the file's
   lecture part (cut after lecture()) followed by a call to lecture(), run as a script: it
   prints the same transcript. Python compiles the whole file on every run, so this is what the
   extras cost a learner who runs the lecture. The project keeps it at or below 2.2.
2. Per epoch: a quiet run's cost per epoch (--epochs 20000 less --epochs 0), per sample and full
   batch, against a plain loop with the lecture's calls and no printing. At or below 1.1.

Both run on Debian's /usr/bin/python3 when it is there (the interpreter the budget was set on),
else this Python. pytest does not collect this file (it runs for seconds and needs valgrind).
"""

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable

# A plain loop with the lecture's calls: per sample, the post's three statements; full batch, the
# mean gradient, the step and the mean loss, as the lecture defines them.
PLAIN = """
import sys
sys.path.insert(0, {root!r})
from gradient_descent import gradient, loss, mean_gradient, mean_loss, x_data, y_data

def per_sample(w, lr, epochs):
    for epoch in range(epochs):
        for x_val, y_val in zip(x_data, y_data):
            grad = gradient(x_val, y_val, w)
            w = w - lr * grad
            l = loss(x_val, y_val, w)
    return w

def full_batch(w, lr, epochs):
    for epoch in range(epochs):
        grad = mean_gradient(w, x_data, y_data)
        w = w - lr * grad
        l = mean_loss(w, x_data, y_data)
    return w

{mode}(1.0, 0.0001, {epochs})
"""


def instructions(*args):
    """Instructions the interpreter executes for ARGS."""
    result = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", PYTHON, *args],
        cwd=ROOT,
        env={**os.environ, "PYTHONHASHSEED": "0"},  # the same dict layouts each time
        capture_output=True,
        text=True,
        check=True,
    )
    return int(re.search(r"Collected : (\d+)", result.stderr).group(1))


def lecture_alone(folder):
    """The file's lecture part, cut after lecture(), and a call to it, as a script."""
    source = (ROOT / "gradient_descent.py").read_text()
    cut = source.index("\n# ---", source.index("\ndef lecture("))
    path = Path(folder) / "lecture_alone.py"
    path.write_text(source[:cut] + "\n\nlecture()\n")
    return str(path)


def per_epoch(args, mode):
    """Instructions an epoch of a quiet run costs, and an epoch of the plain loop."""
    run = [instructions("gradient_descent.py", "--quiet", "--lr", "0.0001", *args, "--epochs", n)
           for n in ("20000", "0")]  # fmt: skip
    with tempfile.TemporaryDirectory() as folder:
        plain = []
        for n in (20000, 0):
            path = Path(folder) / f"plain{n}.py"
            path.write_text(PLAIN.format(root=str(ROOT), mode=mode, epochs=n))
            plain.append(instructions(str(path)))
    return (run[0] - run[1]) / 20000, (plain[0] - plain[1]) / 20000


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        alone = instructions(lecture_alone(folder))
    run = instructions("gradient_descent.py")
    failed = run > 2.2 * alone
    print(f"{PYTHON}: gradient_descent.py {run:,} instructions; the lecture alone {alone:,}")
    print(f"start-up ratio {run / alone:.3f} (at most 2.2)")
    for args, mode in (([], "per_sample"), (["--batch"], "full_batch")):
        quiet, plain = per_epoch(args, mode)
        failed |= quiet > 1.1 * plain
        print(
            f"{mode}: {quiet:,.0f} an epoch quiet, {plain:,.0f} plain: {quiet / plain:.3f} (at most 1.1)"
        )
    sys.exit(1 if failed else 0)
