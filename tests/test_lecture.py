"""The lecture's part: the transcript, convergence to 2, the gradient, and the functions as a
reader of the post calls them from Python."""

import inspect
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import LECTURE_FACTOR, ROOT, TRANSCRIPT, per_sample_factor, process

import gradient_descent as gd


def test_python3_gradient_descent_py_prints_the_lecture_transcript_byte_for_byte():
    result = process(text=False)
    expected = (Path(__file__).resolve().parent / "lecture-transcript.txt").read_bytes()
    assert result.stdout == expected.replace(b"\n", os.linesep.encode())
    assert (result.stderr, result.returncode) == (b"", 0)


def test_the_transcript_copy_has_the_lecture_shape():
    # 1 line before, 10 epochs of 3 grad lines and 1 progress line, 1 line after
    lines = TRANSCRIPT.splitlines()
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
    # argparse, fractions, decimal and signal each cost more start-up time than the lecture's
    # arithmetic; the default run needs none of them
    assert imported("gradient_descent.py") - imported("-c", "import os") == {"math"}


def test_importing_the_module_prints_nothing_and_trains_nothing():
    result = subprocess.run(
        [sys.executable, "-c", "import gradient_descent"],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    assert (result.stdout, result.stderr, result.returncode) == (b"", b"", 0)


def test_main_with_no_arguments_is_the_lecture(run):
    assert run() == (0, TRANSCRIPT, "")


def test_lecture_prints_the_transcript_and_returns_the_trained_w(capsys):
    w = gd.lecture()
    assert capsys.readouterr() == (TRANSCRIPT, "")
    assert w == pytest.approx(2 - LECTURE_FACTOR**10, abs=1e-12)


def test_lecture_takes_its_start_rate_and_epochs(capsys):
    # from w = 3 at lr 0.02 for 2 epochs: the factor is 0.96 * 0.84 * 0.64 = 0.516096
    w = gd.lecture(3.0, 0.02, 2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Prediction (before training) 4 12.0"
    assert len(lines) == 1 + 2 * 4 + 1
    assert w == pytest.approx(2 + 0.516096**2, abs=1e-12)


def test_train_with_only_its_numbers_prints_nothing(capsys):
    gd.train(1.0, 0.01, 10)
    assert capsys.readouterr() == ("", "")


def test_w_converges_to_2():
    assert abs(gd.train(epochs=100) - 2) < 1e-9


def test_ten_epochs_match_the_closed_form():
    # from w = 1 the distance to 2 is 1, and each epoch multiplies it by 0.739312
    assert LECTURE_FACTOR == pytest.approx(per_sample_factor(0.01), abs=1e-15)
    assert gd.train() == pytest.approx(2 - LECTURE_FACTOR**10, abs=1e-12)
    assert gd.train(w=3.0) == pytest.approx(2 + LECTURE_FACTOR**10, abs=1e-12)


def test_the_distance_to_2_shrinks_every_epoch():
    distances = [1.0]
    gd.train(epochs=50, on_epoch=lambda epoch, w, l, grad: distances.append(abs(w - 2)))
    assert len(distances) == 51
    assert all(later < earlier for earlier, later in zip(distances, distances[1:]))


def test_on_step_sees_each_sample_before_its_update_and_can_stop_training():
    seen = []

    def on_step(x, y, w, grad):
        seen.append((x, y, w, grad))
        return len(seen) == 2  # stop before the second update

    # the first step from w = 1: grad = 2 * 1 * (1 - 2) = -2, w = 1 + 0.02 = 1.02
    assert gd.train(on_step=on_step) == pytest.approx(1.02)
    assert seen == [
        (1.0, 2.0, 1.0, -2.0),
        (2.0, 4.0, pytest.approx(1.02), pytest.approx(4 * (2.04 - 4))),
    ]


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
        (10.0, -20.0, 1000.0),
        (0.5, 0.0, 0.0),
    ],
)
def test_gradient_matches_a_central_finite_difference_of_loss(x, y, w):
    h = 1e-6 * max(1.0, abs(w))
    numeric = (gd.loss(x, y, w + h) - gd.loss(x, y, w - h)) / (2 * h)
    assert gd.gradient(x, y, w) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


def test_train_on_other_data_given_as_lists():
    # x = 2 alone, y = 2: the best w is 1; lr 0.1: each epoch multiplies w - 1 by 1 - 0.8 = 0.2
    assert gd.train(3.0, 0.1, 2, x_data=[2.0], y_data=[2.0]) == pytest.approx(1 + 2 * 0.04)


def test_assigning_the_modules_data_later_changes_neither_train_nor_lecture(monkeypatch, capsys):
    # as the docstring and the README say: the defaults are fixed when the module loads
    monkeypatch.setattr(gd, "x_data", [1.0, 2.0])
    monkeypatch.setattr(gd, "y_data", [2.0, 5.0])
    assert gd.train() == pytest.approx(2 - LECTURE_FACTOR**10, abs=1e-12)
    assert gd.lecture() == gd.train()
    assert capsys.readouterr().out == TRANSCRIPT


@pytest.mark.parametrize(
    "x_data, y_data, said",
    [
        ([1.0, 2.0], [2.0, 4.0, 6.0], "got 2 and 3"),
        ([], [], "got 0 and 0"),
        ([1.0], [1.0, 2.0], "got 1 and 2"),
    ],
)
def test_training_on_samples_that_do_not_pair_up_is_a_value_error(x_data, y_data, said):
    for training in gd.train, gd.train_batch:
        with pytest.raises(ValueError, match="expected as many x as y values") as error:
            training(x_data=x_data, y_data=y_data)
        assert said in str(error.value)


def test_train_is_the_posts_loop_with_only_the_step_hook_added():
    # the post's inner loop: grad = gradient(...), w = w - lr * grad, (print), l = loss(...);
    # train() may add the --step hook between computing the gradient and updating w, nothing else
    source = inspect.getsource(gd.train)
    loop = source[source.index("for x_val, y_val in zip(x_data, y_data):") :].splitlines()[1:]
    statements = [
        line.strip() for line in loop if line.strip() and not line.strip().startswith("#")
    ]
    assert statements[:5] == [
        "grad = gradient(x_val, y_val, w)",
        "if on_step is not None and on_step(x_val, y_val, w, grad):",
        "return w",
        "w = w - lr * grad",
        "l = loss(x_val, y_val, w)",
    ]
    assert statements[5:] == ["if on_epoch is not None:", "on_epoch(epoch, w, l, grad)", "return w"]


def test_train_computes_as_the_lecture_does_even_past_the_largest_float():
    # lr 1 on the lecture's data multiplies w - 2 by (1 - 2)(1 - 8)(1 - 18) = -119 an epoch, from
    # w - 2 = -1: after 80 epochs w = 2 - 119^80, about -1.1e166, though the losses passed the
    # largest float long before (3 * 119^75, squared); train() itself, like the lecture's loop,
    # goes on (the command line stops such a run and says so)
    distance = 3 * 119.0**75
    assert distance * distance == math.inf
    assert gd.train(1.0, 1.0, 80) == pytest.approx(2 - 119.0**80, rel=1e-12)


def test_help_lists_the_lecture_and_what_a_reader_would_call():
    assert sorted(gd.__all__) == sorted([
        "x_data", "y_data", "forward", "loss", "gradient", "train", "lecture",
        "mean_loss", "mean_gradient", "train_batch", "epoch_map", "convergent_rates", "main",
        "forward2", "loss2", "gradient2", "train2",
    ])  # fmt: skip
    for name in set(gd.__all__) - {"x_data", "y_data"}:
        assert getattr(gd, name).__doc__, name  # each with its own line in help()


def test_main_with_no_arguments_is_the_lecture_with_nothing_to_parse(monkeypatch, capsys):
    monkeypatch.setattr(gd, "options", lambda argv: pytest.fail("the lecture's run parses nothing"))
    assert gd.main([]) == 0
    assert capsys.readouterr().out == TRANSCRIPT


def test_train_batch_with_only_its_defaults_takes_ten_full_batch_steps_at_0_01():
    # each full-batch epoch multiplies w - 2 by 1 - 2 * 0.01 * 14/3, from w = 1
    assert gd.train_batch() == pytest.approx(2 - (1 - 0.02 * 14 / 3) ** 10, rel=1e-12)


def test_epoch_map_with_only_a_rate_is_the_lectures_per_sample_epoch():
    a, b, d = gd.epoch_map(0.01)
    assert a / d == pytest.approx(LECTURE_FACTOR, rel=1e-12)  # and 2 stays where it is:
    assert b / d == pytest.approx(2 * (1 - LECTURE_FACTOR), rel=1e-12)  # 2 F + C = 2
