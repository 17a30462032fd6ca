"""The command line: experiments, full batch, divergence, bad input, pipes and Ctrl-C.

Expected numbers are worked out here by hand or from closed forms. The data
lies on y = 2x, so for this data gradient(x, y, w) = 2 * x**2 * (w - 2): a
per-sample step multiplies w - 2 by 1 - 2 * lr * x**2, and a full-batch step
by 1 - 2 * lr * mean(x**2) = 1 - 2 * lr * 14 / 3.
"""

import math
import subprocess
import sys
from pathlib import Path

import pytest
from command import ROOT, run

import gradient_descent as gd

TRANSCRIPT = (Path(__file__).resolve().parent / "lecture-transcript.txt").read_text()

# The smallest positive lr with |epoch factor| = 1, solved by hand.
# Per sample: (1 - 2a)(1 - 8a)(1 - 18a) = 1 gives 72a**2 - 49a + 7 = 0 (the
# product never reaches -1 below it), so a = (49 - sqrt(385)) / 144 = 0.20402...
PER_SAMPLE_LIMIT = (49 - math.sqrt(385)) / 144
# Full batch: 1 - 2a * 14/3 = -1 gives a = 3/14 = 0.21428...
FULL_BATCH_LIMIT = 3 / 14


def progress_ws(stdout):
    """The w of each progress line, as printed (rounded to 2 places)."""
    return [
        float(line.split("w= ")[1].split()[0])
        for line in stdout.splitlines()
        if line.startswith("progress:")
    ]


# --- the experiments: other learning rates, epochs and starts -------------


def test_a_start_at_minus_5_worked_by_hand():
    # lr 0.05, from w = -5 (distance -7); each step multiplies the distance by 1 - 0.1 * x**2:
    # x=1: grad = 2*1*(1*-5 - 2) = -14,            w = -5 + 0.7 = -4.3
    # x=2: grad = 2*2*(2*-4.3 - 4) = -50.4,        w = -4.3 + 2.52 = -1.78
    # x=3: grad = 2*3*(3*-1.78 - 6) = -68.04,      w = -1.78 + 3.402 = 1.622
    # loss of the last sample: (3 * 1.622 - 6)**2 = 1.134**2 = 1.285956
    result = run("--w", -5, "--lr", 0.05, "--epochs", 1)
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "Prediction (before training) 4 -20.0",
        "\tgrad:  1.0 2.0 -14.0",
        "\tgrad:  2.0 4.0 -50.4",
        "\tgrad:  3.0 6.0 -68.04",
        "progress: 0 w= 1.62 loss= 1.29",
    ]
    assert lines[5].startswith("Predicted score (after training) 4 hours of studying:  ")
    assert float(lines[5].split()[-1]) == pytest.approx(4 * 1.622)
    assert len(lines) == 6
    assert (result.stderr, result.returncode) == ("", 0)


@pytest.mark.parametrize(
    "lr, start, epochs",
    [(0.02, 1.0, 6), (0.001, 1.0, 5), (0.1, 3.0, 8), (0.05, -5.0, 4)],
)
def test_each_epoch_follows_the_closed_form(lr, start, epochs):
    factor = (1 - 2 * lr * 1) * (1 - 2 * lr * 4) * (1 - 2 * lr * 9)
    expected = [round(2 + (start - 2) * factor ** (k + 1), 2) for k in range(epochs)]
    result = run("--lr", lr, "--w", start, "--epochs", epochs)
    assert progress_ws(result.stdout) == expected
    assert result.returncode == 0


def test_zero_epochs_prints_the_before_and_after_lines_only():
    result = run("--epochs", 0)
    assert result.stdout == (
        "Prediction (before training) 4 4.0\nPredicted score (after training) 4 hours of studying:  4.0\n"
    )
    assert (result.stderr, result.returncode) == ("", 0)


def test_the_defaults_given_explicitly_print_the_transcript():
    assert run("--lr", "0.01", "--epochs", "10", "--w", "1.0").stdout == TRANSCRIPT


def test_help_lists_every_option_with_its_default():
    result = run("--help")
    assert result.returncode == 0
    for option, default in [("--lr", "0.01"), ("--epochs", "10"), ("--w", "1.0")]:
        line = next(line for line in result.stdout.splitlines() if line.strip().startswith(option))
        assert f"(default: {default})" in line
    assert "--batch" in result.stdout
    assert "--quiet" in result.stdout


# --- --quiet --------------------------------------------------------------


def test_quiet_keeps_the_first_line_the_last_epoch_and_the_last_line():
    lines = TRANSCRIPT.splitlines()
    assert run("--quiet").stdout.splitlines() == [lines[0], lines[-2], lines[-1]]


def test_quiet_with_zero_epochs_has_no_progress_line():
    assert len(run("--quiet", "--epochs", 0).stdout.splitlines()) == 2


@pytest.mark.skipif(sys.platform == "win32", reason="resource is POSIX only")
@pytest.mark.parametrize("options", [["--quiet"], ["--quiet", "--plot"]])
def test_a_quiet_run_uses_the_same_memory_for_a_million_epochs_as_for_ten(options):
    # Each measurement runs in a fresh parent, so ru_maxrss covers that one child only.
    measure = (
        "import resource, subprocess, sys;"
        "subprocess.run([sys.executable, 'gradient_descent.py', '--epochs', *sys.argv[1:]],"
        " check=True, stdout=subprocess.DEVNULL);"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
    )

    def peak_kib(epochs):
        out = subprocess.run(
            [sys.executable, "-c", measure, str(epochs), *options],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout)

    small, large = peak_kib(10), peak_kib(1_000_000)
    # A list of a million floats alone would take over 8 MiB; allow 1 MiB of noise.
    assert large - small < 1024


# --- --batch --------------------------------------------------------------


def test_batch_first_epoch_worked_by_hand():
    # grad = mean(2*1*(1-2), 2*2*(2-4), 2*3*(3-6)) = (-2 - 8 - 18) / 3 = -9.333...
    # w = 1 + 0.01 * 28/3 = 1.09333..., mean loss = (14/3) * (w - 2)**2 = 3.8362...
    result = run("--batch", "--epochs", 1)
    assert result.stdout.splitlines()[1] == "progress: 0 grad= -9.33 w= 1.09 loss= 3.84"
    assert len(result.stdout.splitlines()) == 3


def test_batch_prints_one_line_per_epoch():
    lines = run("--batch").stdout.splitlines()
    assert len(lines) == 12
    assert [line.split()[1] for line in lines[1:-1]] == [str(k) for k in range(10)]


@pytest.mark.parametrize("lr, start", [(0.01, 1.0), (0.1, -5.0), (0.2, 3.0)])
def test_batch_steps_follow_the_recursion(lr, start):
    factor = 1 - 2 * lr * (1 + 4 + 9) / 3
    seen = [start]
    gd.train_batch(start, lr, 20, on_epoch=lambda epoch, w, l, grad: seen.append(w))
    for before, after in zip(seen, seen[1:]):
        assert after - 2 == pytest.approx(factor * (before - 2), rel=1e-9, abs=1e-12)


def test_batch_gradient_is_the_mean_of_the_sample_gradients_by_finite_difference():
    for w in [-5.0, 0.0, 1.0, 2.5, 40.0]:
        h = 1e-6 * max(1.0, abs(w))
        numeric = (gd.mean_loss(w + h) - gd.mean_loss(w - h)) / (2 * h)
        assert gd.mean_gradient(w) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


# --- divergence -----------------------------------------------------------


@pytest.mark.parametrize("batch, limit", [(False, PER_SAMPLE_LIMIT), (True, FULL_BATCH_LIMIT)])
def test_just_under_the_limit_converges_without_a_warning(batch, limit):
    result = run(
        "--lr",
        limit * 0.99,
        "--epochs",
        2000,
        "--quiet",
        *(["--batch"] if batch else []),
    )
    assert result.stderr == ""
    assert result.returncode == 0
    assert progress_ws(result.stdout) == [2.0]


@pytest.mark.parametrize("batch, limit", [(False, PER_SAMPLE_LIMIT), (True, FULL_BATCH_LIMIT)])
def test_just_over_the_limit_warns_once_and_names_the_limit(batch, limit):
    result = run("--lr", limit * 1.01, *(["--batch"] if batch else []))
    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "warning" in lines[0]
    assert f"below {limit:.3g}" in lines[0]
    assert "grows" in lines[0]


def test_a_large_learning_rate_stops_with_exit_1_and_one_line():
    result = run("--lr", 1, "--epochs", 1000)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    warning, diverged = result.stderr.splitlines()
    assert "warning" in warning
    assert "diverged" in diverged and "--lr 1.0" in diverged and "below 0.204" in diverged
    assert "nan" not in result.stdout
    assert "(after training)" not in result.stdout
    # lr 1: each epoch multiplies w - 2 by (1 - 2)(1 - 8)(1 - 18) = -119. After 74 epochs
    # |w - 2| = 119**74 = 3.9e153 and the loss (3w - 6)**2 = 1.4e308 is still finite; in
    # epoch 74 the x = 2 step makes |w - 2| = 7 * 119**74 and its loss overflows.
    distance = 119.0**74
    assert 9 * distance * distance < sys.float_info.max < 4 * 49 * distance * distance
    progress = [line for line in result.stdout.splitlines() if line.startswith("progress:")]
    assert len(progress) == 74


def test_a_large_full_batch_learning_rate_stops_too():
    result = run("--batch", "--lr", 5, "--epochs", 100000, "--quiet")
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 2
    assert "diverged" in result.stderr and f"below {FULL_BATCH_LIMIT:.3g}" in result.stderr


def test_starting_at_the_minimum_does_not_warn_since_nothing_grows():
    result = run("--w", 2, "--lr", 5, "--quiet")
    assert (result.stderr, result.returncode) == ("", 0)
    assert progress_ws(result.stdout) == [2.0]


# --- bad input ------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "abc"], "argument --lr: expected a finite number greater than 0, got 'abc'"),
        (["--lr", "nan"], "argument --lr: expected a finite number greater than 0, got 'nan'"),
        (["--lr", "inf"], "argument --lr: expected a finite number greater than 0, got 'inf'"),
        (["--lr", "0"], "argument --lr: expected a finite number greater than 0, got '0'"),
        (["--lr", "-0.1"], "argument --lr: expected a finite number greater than 0, got '-0.1'"),
        (["--epochs", "ten"], "argument --epochs: expected a whole number, 0 or more, got 'ten'"),
        (["--epochs", "-1"], "argument --epochs: expected a whole number, 0 or more, got '-1'"),
        (["--epochs", "2.5"], "argument --epochs: expected a whole number, 0 or more, got '2.5'"),
        (["--epochs", "nan"], "argument --epochs: expected a whole number, 0 or more, got 'nan'"),
        (["--w", "one"], "argument --w: expected a finite number, got 'one'"),
        (["--w", "nan"], "argument --w: expected a finite number, got 'nan'"),
        (["--w=-inf"], "argument --w: expected a finite number, got '-inf'"),
        (
            ["--w", "-1e3"],
            "argument --w: expected one argument; write a value that starts with '-' as --w=-1e3",
        ),
        (["--w", "1e999"], "argument --w: expected a finite number, got '1e999'"),
        (
            ["--w", "1e200"],
            "argument --w: expected a start whose loss fits in a float, got '1e200'",
        ),
        (["--lr"], "argument --lr: expected one argument"),
        (["--lr", "-1e3"], "argument --lr: expected one argument"),  # a rate below 0: no hint
        (["--speed", "3"], "unrecognized arguments: --speed 3"),
        (["5"], "unrecognized arguments: 5"),
    ],
)
def test_bad_input_gets_one_line_naming_the_option_and_what_it_accepts(args, message):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"gradient_descent.py: error: {message} (see --help)\n"


def test_zero_epochs_never_warn_since_nothing_moves():
    result = run("--lr", 1, "--epochs", 0)
    assert (result.stderr, result.returncode) == ("", 0)


def words(text):
    return " ".join(text.split())


def test_help_starts_with_what_the_script_is_in_two_lines():
    # the usage (wrapped to the terminal), a blank line, then the description as written
    paragraphs = run("--help").stdout.split("\n\n")
    assert paragraphs[1] == (
        "Gradient descent on y = x * w, as in lecture 3 of PyTorch Zero to All.\n"
        "With no options it prints exactly what the lecture printed."
    )


def test_help_says_what_the_script_is_and_what_each_option_does():
    # compared word by word: argparse wraps the lines to the width of the terminal
    help_text = words(run("--help").stdout)
    for said in [
        (
            "Gradient descent on y = x * w, as in lecture 3 of PyTorch Zero to All. "
            "With no options it prints exactly what the lecture printed."
        ),
        "--lr RATE learning rate: how far each step moves w (default: 0.01)",
        "--epochs N passes over the data (default: 10)",
        "--w START the weight before training (default: 1.0)",
        (
            "--data PAIRS the samples as x,y pairs, in the order the steps take them "
            '(default: "1,2 2,4 3,6")'
        ),
        (
            "--batch one step per epoch on the mean loss, the slide's form "
            "(default: one step per sample, the lecture's code)"
        ),
        "--quiet print only the first line, the last epoch's line and the last line",
        "--explain show each update with the numbers put into the formulas",
        "--plot after training, draw the loss curve with w marked at each epoch",
        "--rates after training, draw the epoch factor over the learning rate",
    ]:
        assert words(said) in help_text


def test_help_ends_with_examples_that_run_as_they_say():
    help_text = run("--help").stdout
    examples = help_text.split("examples:\n")[1].split("\n\n")[0].splitlines()
    assert [words(line) for line in examples] == [
        "python3 gradient_descent.py --lr 0.001 too small: w creeps towards 2",
        "python3 gradient_descent.py --lr 0.1 w zig-zags across 2 and settles",
        "python3 gradient_descent.py --lr 0.21 too large: w moves away from 2",
        "python3 gradient_descent.py --lr 0.5 larger still, and it converges again",
        "python3 gradient_descent.py --rates which learning rates converge",
        "python3 gradient_descent.py --w 3 start above 2, on the other side of it",
        "python3 gradient_descent.py --batch the slide's full-batch form",
        'python3 gradient_descent.py --data "1,2 2,4 3,6.5" data that is not on a line',
        "python3 gradient_descent.py --plot the descent drawn on the loss curve",
        "python3 gradient_descent.py --explain the arithmetic of every step",
    ]
    # each example is what it says: 0.001 moves w up but not near 2; 0.1 crosses 2 and
    # ends near it; 0.21 ends further from 2 than it started; 0.5 ends at 2
    ends = {
        lr: progress_ws(run("--lr", lr, "--epochs", 10).stdout) for lr in (0.001, 0.1, 0.21, 0.5)
    }
    assert 1 < ends[0.001][-1] < 1.5
    assert max(ends[0.1]) > 2 and abs(ends[0.1][-1] - 2) < 0.01
    assert abs(ends[0.21][-1] - 2) > 1
    assert ends[0.5][-1] == 2.0
    assert progress_ws(run("--w", 3).stdout)[-1] > 2
