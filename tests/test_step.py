"""--step: one step at a time, answered from stdin (a pipe here; a terminal gets a prompt).

In the lecture's run the first steps, from w = 1 at lr 0.01, are: sample (1, 2) with
grad 2 * 1 * (1 - 2) = -2, to w = 1.02; sample (2, 4) with grad 4 * (2.04 - 4) = -7.84, to
w = 1.0984; sample (3, 6) with grad 6 * (3.2952 - 6) = -16.2288, to w = 1.260688.
"""

import io
import sys

import pytest
from conftest import TRANSCRIPT

import gradient_descent as gd

PICTURE = "loss of the sample "
STOPPED = "gradient_descent.py: training stopped before this step, at w = %s\n"


def lecture_lines(out):
    """The lines the lecture's own script prints, in order."""
    return [
        line
        for line in out.splitlines()
        if line.startswith(("Prediction", "\tgrad: ", "progress:", "Predicted"))
    ]


def steps_shown(out):
    return sum(line.startswith(PICTURE) for line in out.splitlines())


def after_training(out):
    return float(out.splitlines()[-1].split()[-1]) / 4  # the prediction for 4 hours is 4 w


def test_enough_enter_presses_give_the_lectures_lines(run):
    result = run("--step", stdin="\n" * 30)
    assert lecture_lines(result.out) == TRANSCRIPT.splitlines()
    assert (result.status, result.err, steps_shown(result.out)) == (0, "", 30)


def test_each_step_shows_its_picture_arithmetic_measured_slope_and_line(run):
    out = run("--step", "--epochs", 1, stdin="\n\n\n").out
    lines = out.splitlines()
    assert lines[0] == "each step: grad = 2 * x * (x * w - y), then w = w - lr * grad"
    assert lines[1] == "Prediction (before training) 4 4.0"
    assert lines[2] == "loss of the sample (1.0, 2.0) over w"
    after = lines[
        lines.index("W = w now, N = where this step lands; the line through W: the tangent") :
    ]
    # h = sqrt(loss(w) / x^2) = 1, the distance to the bottom: (loss(2) - loss(0)) / 2 = (0 - 4) / 2
    assert after[1] == "measured slope: (loss(w + h) - loss(w - h)) / 2h = -2, h = 1"
    assert after[2:5] == [
        "\tgrad = 2 * 1.0 * (1.0 * 1.0 - 2.0) = -2.0",
        "\tw = 1.0 - 0.01 * -2.0 = 1.02",
        "\tgrad:  1.0 2.0 -2.0",
    ]
    assert after[5] == "loss of the sample (2.0, 4.0) over w"


def test_a_number_takes_that_many_steps_without_asking(run):
    # 2 steps, then q when the third is shown: w after two steps is 1.0984
    result = run("--step", stdin="2\nq\n")
    assert steps_shown(result.out) == 3
    assert after_training(result.out) == pytest.approx(1.0984)
    assert result.status == 0


def test_q_stops_training_where_it_is_says_so_with_status_0(run):
    # the first step is shown, not taken: w stays 1.0, as the line on stderr says
    result = run("--step", stdin="q\n")
    assert steps_shown(result.out) == 1
    assert (
        result.out.splitlines()[-1] == "Predicted score (after training) 4 hours of studying:  4.0"
    )
    assert (result.status, result.err) == (0, STOPPED % 1.0)


@pytest.mark.parametrize("reply", ["Q", "quit", "QUIT"])
def test_q_in_capitals_or_as_a_word_stops_too(run, reply):
    assert run("--step", stdin=reply + "\n").err == STOPPED % 1.0


def test_the_end_of_the_input_stops_training_too_and_says_where(run):
    result = run("--step", stdin="\n\n")  # two steps taken; the third is shown, then nothing
    assert steps_shown(result.out) == 3
    assert after_training(result.out) == pytest.approx(1.0984)
    assert result.status == 0
    ended = "gradient_descent.py: the input ended, so training stopped before this step, at w = "
    assert result.err.startswith(ended) and float(result.err[len(ended) :]) == pytest.approx(1.0984)


def test_a_korean_keyboards_q_stops_too(run):
    # with a Korean layout on, the q key types the jamo "ㅂ"
    result = run("--step", stdin="\u3142\n")
    assert (steps_shown(result.out), after_training(result.out), result.err) == (
        1,
        1.0,
        STOPPED % 1.0,
    )


@pytest.mark.parametrize("reply", ["-3", "abc", "0", "1.5", "2 3", "q!"])
def test_a_reply_that_is_not_understood_is_said_so_and_asked_again(run, reply):
    result = run("--step", "--epochs", 1, stdin=reply + "\n\nq\n")
    assert result.err == (
        f"gradient_descent.py: expected Enter, a number of steps from 1 up, or q, got {reply!r}\n"
        + STOPPED % 1.02  # (after the one step Enter took)
    )
    assert steps_shown(result.out) == 2  # the reply took no step; Enter took the first
    assert result.status == 0


def test_a_number_past_the_steps_left_takes_them_all(run):
    result = run("--step", stdin="99999999999999999999999999999\n")
    assert lecture_lines(result.out) == TRANSCRIPT.splitlines()


def test_leading_zeros_and_spaces_are_read_as_a_person_means_them(run):
    result = run("--step", "--epochs", 1, stdin="  002 \nq\n")
    assert steps_shown(result.out) == 3 and after_training(result.out) == pytest.approx(1.0984)


def test_with_batch_each_epoch_is_one_step_on_the_mean_loss(run):
    # the mean loss (14/3)(w - 2)^2; the first step: grad = -28/3, w = 1 + 0.28/3
    result = run("--step", "--batch", "--epochs", 3, stdin="\nq\n")
    out = result.out
    assert out.count("mean loss over w") == 2
    assert "\tgrad = (-2.0 + -8.0 + -18.0) / 3 = -9.333333333333334" in out.splitlines()
    assert after_training(out) == pytest.approx(1 + 0.28 / 3)


def test_the_pictures_come_after_training_however_it_stopped(run):
    out = run("--step", "--plot", "--rates", stdin="q\n").out
    assert (
        out.index("Predicted score")
        < out.index("mean loss over w: S")
        < out.index("epoch factor F")
    )


def test_explain_with_step_is_step(run):
    assert run("--step", "--explain", stdin="\n" * 30) == run("--step", stdin="\n" * 30)


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_terminal_is_asked_on_stderr_and_stdout_stays_the_record(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", Terminal("\nq\n"))
    assert gd.main(["--step", "--epochs", 1]) == 0
    out, err = capsys.readouterr()
    prompt = (
        "gradient_descent.py: Enter takes this step, a number takes that many steps, q stops > "
    )
    assert err == prompt * 2 + STOPPED % 1.02
    assert prompt not in out


class Screen(io.RawIOBase):
    """A terminal's screen, stood in for: the bytes that have left Python's buffer."""

    def __init__(self):
        super().__init__()
        self.got = b""

    def writable(self):
        return True

    def write(self, data):
        self.got += bytes(data)
        return len(data)


def test_the_prompt_is_on_the_screen_before_the_script_waits_for_a_reply(monkeypatch):
    # stderr is line-buffered and the prompt ends in no newline: unless it is flushed, it waits
    # in the buffer while the script waits for the person, who sees no question
    class Typist(Terminal):
        def readline(self):
            seen.append(screen.got)
            return super().readline()

    seen, screen = [], Screen()
    stderr = io.TextIOWrapper(io.BufferedWriter(screen), "utf-8", line_buffering=True)
    monkeypatch.setattr(sys, "stderr", stderr)
    monkeypatch.setattr(sys, "stdin", Typist("q\n"))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert gd.main(["--step", "--epochs", 1]) == 0
    assert seen == [
        b"gradient_descent.py: Enter takes this step, a number takes that many steps, q stops > "
    ]


def test_a_closed_stdin_is_the_end_of_the_input(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", None)
    assert gd.main(["--step"]) == 0
    out, err = capsys.readouterr()
    assert out.count(PICTURE) == 1 and "the input ended" in err


def test_bytes_that_do_not_decode_are_a_reply_not_understood(capsys, monkeypatch):
    # a terminal in another encoding, or a stray byte: asked again, not a traceback
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"\xff\n\nq\n"), "utf-8"))
    assert gd.main(["--step", "--epochs", 1]) == 0
    out, err = capsys.readouterr()
    assert err == (
        "gradient_descent.py: expected Enter, a number of steps from 1 up, or q, got '\ufffd'\n"
        + STOPPED % 1.02
    )
    assert out.count(PICTURE) == 2


def test_the_end_of_the_input_at_a_terminal_ends_the_prompts_line(capsys, monkeypatch):
    # Ctrl-D types no newline: the script ends the prompt's line, so the last line starts clean
    monkeypatch.setattr(sys, "stdin", Terminal(""))
    assert gd.main(["--step", "--epochs", 1]) == 0
    out, err = capsys.readouterr()
    prompt = (
        "gradient_descent.py: Enter takes this step, a number takes that many steps, q stops > "
    )
    ended = "gradient_descent.py: the input ended, so training stopped before this step, at w = 1.0"
    assert err == prompt + "\n" + ended + "\n"
    assert out.endswith("\nPredicted score (after training) 4 hours of studying:  4.0\n")
