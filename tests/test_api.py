"""The functions, called from Python as a reader of the post might call them.

Expected values come from the closed form: for the lecture's data an epoch of
per-sample steps multiplies w - 2 by (1 - 2a)(1 - 8a)(1 - 18a), and a full-batch
epoch by 1 - 2a * 14/3.
"""

from pathlib import Path

import pytest

import gradient_descent as gd

TRANSCRIPT = (Path(__file__).resolve().parent / "lecture-transcript.txt").read_text()


def test_lecture_prints_the_transcript_and_returns_the_trained_w(capsys):
    w = gd.lecture()
    assert capsys.readouterr() == (TRANSCRIPT, "")
    assert w == pytest.approx(2 - 0.739312**10, abs=1e-12)


def test_lecture_takes_its_start_rate_and_epochs(capsys):
    # from w = 3 at lr 0.02 for 2 epochs: the factor is 0.96 * 0.84 * 0.64 = 0.516096
    w = gd.lecture(3.0, 0.02, 2)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Prediction (before training) 4 12.0"
    assert len(lines) == 1 + 2 * 4 + 1
    assert w == pytest.approx(2 + 0.516096**2, abs=1e-12)


def test_train_batch_defaults_are_the_lectures():
    # lr 0.01, 10 epochs from w = 1: 1 - 0.02 * 14/3 = 0.906666...
    assert gd.train_batch() == pytest.approx(2 - (1 - 0.28 / 3) ** 10, abs=1e-12)


def test_train_batch_on_other_data():
    # x = 2 alone, y = 2: mean x^2 = 4, best w = 1; lr 0.1: factor 1 - 0.8 = 0.2
    assert gd.train_batch(3.0, 0.1, 2, x_data=[2.0], y_data=[2.0]) == pytest.approx(1 + 2 * 0.04)


@pytest.mark.parametrize(
    "lr, batch, factor",
    [
        (0.01, False, 0.739312),
        (0.1, False, 0.8 * 0.2 * -0.8),
        (0.3, False, 0.4 * -1.4 * -4.4),
        (0.01, True, 1 - 0.02 * 14 / 3),
        (0.3, True, 1 - 0.6 * 14 / 3),
    ],
)
def test_epoch_factor_is_the_closed_form(lr, batch, factor):
    assert gd.epoch_factor(lr, batch) == pytest.approx(factor, abs=1e-12)


def test_epoch_map_shift_for_the_lecture_data_keeps_2_in_place():
    # every step leaves w = 2 where it is, so F * 2 + C = 2
    for batch in (False, True):
        factor, shift = gd.epoch_map(0.1, batch)
        assert factor * 2 + shift == pytest.approx(2, abs=1e-12)


def test_descend_returns_0_for_a_run_that_ends(capsys):
    assert gd.descend() == 0
    assert capsys.readouterr().out == TRANSCRIPT


def test_descend_returns_1_for_a_run_that_diverges(capsys):
    assert gd.descend(lr=1.0, epochs=1000, quiet=True) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("gradient_descent.py: diverged: in epoch 74, ")


def test_main_with_no_arguments_is_the_lecture(capsys):
    assert gd.main([]) == 0
    assert capsys.readouterr().out == TRANSCRIPT


def test_main_with_arguments(capsys):
    assert gd.main(["--quiet"]) == 0
    lines = TRANSCRIPT.splitlines()
    assert capsys.readouterr().out.splitlines() == [lines[0], lines[-2], lines[-1]]


def test_main_refuses_bad_input_with_status_2(capsys):
    with pytest.raises(SystemExit) as stop:
        gd.main(["--lr", "0"])
    assert stop.value.code == 2
    assert capsys.readouterr().out == ""


def test_best_w_and_off_line():
    assert gd.best_w() == 2.0
    assert not gd.off_line()
    assert gd.off_line([1.0, 2.0], [2.0, 5.0])


def test_the_epoch_functions_default_to_per_sample_steps_on_the_lectures_data():
    # lr 0.1: 0.8 * 0.2 * -0.8 = -0.128 per sample; full batch would be 1 - 0.2 * 14/3
    factor, shift = gd.epoch_map(0.1)
    assert factor == pytest.approx(-0.128, abs=1e-12)
    assert shift == pytest.approx(2 * (1 + 0.128), abs=1e-12)  # F * 2 + C = 2
    assert gd.epoch_factor(0.1) == pytest.approx(-0.128, abs=1e-12)
    assert gd.converges(0.1) and not gd.converges(0.3)
    assert gd.convergent_rates()[0][1] == pytest.approx(0.204, abs=1e-3)


def test_settling_point_defaults_to_per_sample_steps():
    # x = 1, 2, 3 and y = 2, 4, 6.5 at lr 0.1: C = 2.556, F = -0.128 (worked in test_data.py)
    xs, ys = [1.0, 2.0, 3.0], [2.0, 4.0, 6.5]
    assert gd.settling_point(0.1, x_data=xs, y_data=ys) == pytest.approx(2.556 / 1.128, rel=1e-12)
    assert gd.settling_point(0.1) == 2.0


def test_an_epoch_that_only_shifts_w_has_no_settling_point():
    # x = 1, 1 at lr 1: each step is w -> -w + 2y, so an epoch takes w to w + 2: F = 1
    assert gd.settling_point(1.0, False, [1.0, 1.0], [2.0, 3.0]) is None


def test_a_boundary_that_is_a_float_ends_its_interval_exactly():
    # x = 1, 2: F = (1 - 2a)(1 - 8a) is exactly 1 at a = 0.625; x = 1, 1: (1 - 2a)^2 at a = 1
    assert gd.convergent_rates(x_data=[1.0, 2.0]) == [(0.0, 0.625)]
    assert gd.convergent_rates(x_data=[1.0, 1.0]) == [(0.0, 1.0)]
