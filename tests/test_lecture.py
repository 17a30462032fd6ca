"""What the lecture's part promises: the transcript, convergence to 2, the right gradient."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from command import ROOT, run

import gradient_descent as gd

TRANSCRIPT = Path(__file__).resolve().parent / "lecture-transcript.txt"


def test_the_command_prints_the_lecture_transcript_byte_for_byte():
    result = run(text=False)
    expected = TRANSCRIPT.read_bytes().replace(b"\n", os.linesep.encode())
    assert result.stdout == expected
    assert result.stderr == b""
    assert result.returncode == 0


def test_the_transcript_copy_has_the_lecture_shape():
    # 1 line before, 10 epochs of 3 grad lines and 1 progress line, 1 line after
    lines = TRANSCRIPT.read_text().splitlines()
    assert len(lines) == 42
    assert lines[0] == "Prediction (before training) 4 4.0"
    assert lines[1] == "\tgrad:  1.0 2.0 -2.0"
    assert lines[-2] == "progress: 9 w= 1.95 loss= 0.02"


def imported(*args):
    """The modules Python loads for `python -I -S -X importtime ARGS`."""
    result = subprocess.run(
        [sys.executable, "-I", "-S", "-X", "importtime", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return {line.split("|")[-1].strip() for line in result.stderr.splitlines()[1:]}


def test_the_default_run_loads_nothing_beyond_math():
    # argparse (with re, gettext and locale), fractions, decimal and signal each cost more
    # start-up time than the lecture's arithmetic; the default run needs none of them.
    assert imported("gradient_descent.py") - imported("-c", "import os") == {"math"}


def test_importing_the_module_prints_nothing_and_trains_nothing():
    result = subprocess.run(
        [sys.executable, "-c", "import gradient_descent"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert (result.stdout, result.stderr, result.returncode) == (b"", b"", 0)


def test_train_with_only_its_numbers_prints_nothing(capsys):
    gd.train(1.0, 0.01, 10)
    assert capsys.readouterr() == ("", "")


def test_w_converges_to_2():
    assert abs(gd.train(epochs=100) - 2) < 1e-9


def test_the_distance_to_2_shrinks_every_epoch():
    distances = [abs(1.0 - 2)]
    gd.train(epochs=50, on_epoch=lambda epoch, w, l, grad: distances.append(abs(w - 2)))
    assert len(distances) == 51
    assert all(later < earlier for earlier, later in zip(distances, distances[1:]))


def test_ten_epochs_match_the_closed_form():
    # Each sample's step multiplies w - 2 by 1 - 2 * lr * x**2, since y = 2x exactly;
    # one epoch at lr 0.01: (1 - 0.02) * (1 - 0.08) * (1 - 0.18) = 0.739312.
    # Starting from w = 1, the distance is 1, so after 10 epochs w = 2 - 0.739312**10.
    assert abs(gd.train() - (2 - 0.739312**10)) < 1e-12


def test_train_starts_from_the_w_it_is_given():
    # From w = 3 the distance is -1, so the same factor brings w down towards 2.
    assert abs(gd.train(w=3.0) - (2 + 0.739312**10)) < 1e-12


def test_forward_and_loss_by_hand():
    assert gd.forward(4, 1.0) == 4.0
    assert gd.loss(3.0, 6.0, 1.0) == 9.0  # (3 - 6) squared
    assert gd.loss(2.0, 4.0, 2.0) == 0.0


@pytest.mark.parametrize(
    "x, y, w",
    [
        (1.0, 2.0, 1.0),
        (2.0, 4.0, 1.02),
        (3.0, 6.0, -5.0),
        (-2.5, 7.0, 0.3),
        (-4.0, -1.0, -3.5),
        (10.0, -20.0, 1000.0),
        (0.5, 0.0, 0.0),
        (123.0, 45.0, -678.0),
    ],
)
def test_gradient_matches_a_central_finite_difference_of_loss(x, y, w):
    h = 1e-6 * max(1.0, abs(w))
    numeric = (gd.loss(x, y, w + h) - gd.loss(x, y, w - h)) / (2 * h)
    assert gd.gradient(x, y, w) == pytest.approx(numeric, rel=1e-6, abs=1e-6)
