"""The command line, run in this process: options, bad input, --help, and the experiments,
against values worked out by hand or from the closed forms in conftest.py."""

import io
import math
import re
import sys
import threading
import tracemalloc

import pytest
from conftest import LECTURE_FACTOR, TRANSCRIPT, full_batch_factor, per_sample_factor

import gradient_descent as gd

# The smallest rate at which |F| reaches 1. Per sample: (1 - 2a)(1 - 8a)(1 - 18a) = 1 gives
# 72a^2 - 49a + 7 = 0, a = (49 - sqrt(385)) / 144; full batch: 1 - 2a * 14/3 = -1, a = 3/14.
PER_SAMPLE_LIMIT = (49 - math.sqrt(385)) / 144
FULL_BATCH_LIMIT = 3 / 14


def progress_ws(out):
    """The w of each progress line, as printed (rounded to 2 places)."""
    return [
        float(line.split("w= ")[1].split()[0])
        for line in out.splitlines()
        if line.startswith("progress:")
    ]


# --- options and their values ----------------------------------------------


def test_the_defaults_given_explicitly_print_the_transcript(run):
    assert run("--lr", "0.01", "--epochs", "10", "--w", "1.0", "--data", "1,2 2,4 3,6") == (
        0,
        TRANSCRIPT,
        "",
    )


def test_a_value_may_follow_an_equals_sign(run):
    assert run("--lr=0.01", "--epochs=10", "--w=1.0", "--data=1,2 2,4 3,6") == (0, TRANSCRIPT, "")


@pytest.mark.parametrize("args", [["--w", "-1e3"], ["--w=-1e3"]])
def test_a_value_that_starts_with_minus_is_taken_after_its_option(run, args):
    # the same on every Python, 3.14's argparse or not: from w = -1000 one epoch at lr 0.01
    # multiplies w - 2 by 0.739312, so w = 2 - 1002 * 0.739312 = -738.79
    result = run(*args, "--epochs", 1, "--quiet")
    assert progress_ws(result.out) == [round(2 - 1002 * LECTURE_FACTOR, 2)]
    assert result.status == 0


def test_data_that_starts_with_minus_is_taken_too(run):
    # y = -2x: the x**2 are the lecture's, so an epoch multiplies w + 2 by 0.739312; from w = 1
    # (distance 3) 10 epochs end at -2 + 3 * 0.739312**10, and the last loss is 9 * (w + 2)^2
    w = -2 + 3 * LECTURE_FACTOR**10
    result = run("--data", "-1,2 -2,4 -3,6", "--quiet")
    assert (
        result.out.splitlines()[1]
        == f"progress: 9 w= {round(w, 2)} loss= {round(9 * (w + 2) ** 2, 2)}"
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--lr", "abc"], "argument --lr: expected a finite number greater than 0, got 'abc'"),
        (["--lr", "nan"], "argument --lr: expected a finite number greater than 0, got 'nan'"),
        (["--lr", "inf"], "argument --lr: expected a finite number greater than 0, got 'inf'"),
        (["--lr", "0"], "argument --lr: expected a finite number greater than 0, got '0'"),
        (["--lr", "-1e3"], "argument --lr: expected a finite number greater than 0, got '-1e3'"),
        (
            ["--epochs", "ten"],
            "argument --epochs: expected a whole number in digits, 0 or more, got 'ten'",
        ),
        (
            ["--epochs", "-1"],
            "argument --epochs: expected a whole number in digits, 0 or more, got '-1'",
        ),
        (
            ["--epochs", "2.5"],
            "argument --epochs: expected a whole number in digits, 0 or more, got '2.5'",
        ),
        (["--w", "one"], "argument --w: expected a finite number, got 'one'"),
        (["--w=-inf"], "argument --w: expected a finite number, got '-inf'"),
        (["--w", "1e999"], "argument --w: expected a finite number, got '1e999'"),
        (["--lr"], "argument --lr: expected one argument"),
        (["--quiet=1"], "unrecognized argument: --quiet=1"),
        (["--speed", "3"], "unrecognized argument: --speed"),
        (["--e", "3"], "ambiguous option: --e could be --epochs, --explain, --exercise"),
        (["--ex"], "ambiguous option: --ex could be --explain, --exercise"),
        (["5"], "unrecognized argument: 5"),
        (["-"], "unrecognized argument: -"),
        (["--"], "unrecognized argument: --"),
        (["--lr", "0.1", "--", "3"], "unrecognized argument: --"),
        (
            ["--quiet", "--explain"],
            "argument --quiet: not with --explain or --step, which show every step",
        ),
        (
            ["--step", "--quiet"],
            "argument --quiet: not with --explain or --step, which show every step",
        ),
    ],
)
def test_bad_input_gets_one_line_naming_the_option_and_what_it_accepts(run, args, message):
    assert run(*args) == (2, "", f"gradient_descent.py: error: {message} (see --help)\n")


def test_a_start_whose_loss_does_not_fit_is_refused_in_the_users_terms(run):
    # (3 * 1e200 - 6)^2 is past the largest float; the least-squares w is 2
    assert run("--w", "1e200").err == (
        "gradient_descent.py: error: at the start, w = 1e+200, the loss does not fit in a float: "
        "start nearer 2 with --w (see --help)\n"
    )
    # with data in range (each number 0 or up to 1e150 in size) the default start always fits:
    # (1 * x - y)^2 is at most (2e150)^2 = 4e300
    assert run("--data", "1e150,-1e150", "--epochs", 0).status == 0


def test_control_characters_are_shown_escaped_on_one_line(run):
    result = run("--lr", "1\n2\x1b[2J")
    assert result.err == (
        "gradient_descent.py: error: argument --lr: expected a finite number greater than 0, "
        "got '1\\n2\\x1b[2J' (see --help)\n"
    )
    # printable characters beyond ASCII are shown as typed, invisible ones escaped
    assert (
        run("\xa0½한\u2028").err
        == "gradient_descent.py: error: unrecognized argument: \\xa0½한\\u2028 (see --help)\n"
    )


def words(text):
    return " ".join(text.split())


@pytest.mark.parametrize(
    "short, full",
    [
        (["--ep", "3"], ["--epochs", "3"]),
        (["--epoch=3"], ["--epochs=3"]),
        (["--l", "0.1", "--q"], ["--lr", "0.1", "--quiet"]),
        (["--expl", "--epochs", "1"], ["--explain", "--epochs", "1"]),
        (["--he"], ["--help"]),
    ],
)
def test_an_option_may_be_shortened_to_a_start_that_names_it_alone(run, short, full):
    # as argparse takes them: --ep is the start of --epochs only
    assert run(*short) == run(*full)


def help_lines(out):
    """The option lines of --help: each option's name, value and what it does, as one line."""
    block = out.split("\noptions:\n")[1].split("\n\n")[0]
    lines = []
    for line in block.splitlines():
        if line.startswith("  -"):
            lines.append(line.strip())
        else:
            lines[-1] += " " + line.strip()
    return lines


def test_help_has_a_line_for_each_option_with_its_value_and_default(run):
    # held to the table the parser reads: dropping an option's line, its value's name or its
    # default from HELP fails here
    lines = help_lines(run("--help").out)
    assert lines[0].split()[:2] == ["-h,", "--help"]
    described = {}
    for line in lines[1:]:
        described[line.split()[0]] = line
    assert sorted(described) == sorted(gd.OPTIONS)
    for name, option in gd.OPTIONS.items():
        if option:  # the value's name, and its default as the parser reads it
            default = option[1] if " " not in option[1] else f'"{option[1]}"'
            assert described[name].split()[1].isupper(), name
            assert f"(default: {default})" in described[name], name
    usage = words(run("--help").out.split("\n\n")[0])
    for name in gd.OPTIONS:
        assert name in usage


def test_every_option_in_the_help_is_taken(run):
    for line in help_lines(run("--help").out)[1:]:
        name, *rest = line.split()
        value = {"--data": "1,2", "--epochs": "1"}.get(name, "0.5") if rest[0].isupper() else None
        args = [name] + [value] * (value is not None)
        result = run(*args, "--epochs", "1", *["--quiet"] * (name not in ("--explain", "--step")))
        assert result.status == 0, (name, result.err)


def test_help_says_what_the_script_is(run):
    status, out, err = run("--help")
    assert (status, err) == (0, "")
    assert out.split("\n\n")[1] == (
        "Gradient descent on y = x * w, as in lecture 3 of PyTorch Zero to All.\n"
        "With no options it prints exactly what the lecture printed."
    )
    assert run("-h") == (status, out, err)


def test_help_ends_with_the_exit_statuses(run):
    assert words(run("--help").out.split("exit status:")[1]) == (
        "0 done (--step stopped early too), 1 diverged (the loss past the largest float), "
        "2 bad input, 3 output not written, 141 its reader went away; Ctrl-C ends it by SIGINT, "
        "as it does any program (a shell shows 130)"
    )


def test_help_examples_do_what_they_say(run):
    examples = run("--help").out.split("examples, each after python3 gradient_descent.py:\n")[1]
    examples = examples.split("\n\n")[0].splitlines()
    assert len(examples) == 12
    ends = {lr: progress_ws(run("--lr", lr).out) for lr in (0.001, 0.1, 0.21, 0.5)}
    assert "--lr 0.001   too small: w creeps towards 2" in examples[0] and 1 < ends[0.001][-1] < 1.5
    assert "--lr 0.1     w zig-zags across 2 and settles" in examples[1]
    assert max(ends[0.1]) > 2 and abs(ends[0.1][-1] - 2) < 0.01
    assert (
        "--lr 0.21    too large: w moves away from 2" in examples[2] and abs(ends[0.21][-1] - 2) > 1
    )
    assert (
        "--lr 0.5     larger still, and it converges again" in examples[3] and ends[0.5][-1] == 2.0
    )
    assert "--w 3        start above 2, on the other side of it" in examples[5]
    assert progress_ws(run("--w", 3).out)[-1] > 2


# --- the experiments --------------------------------------------------------


def test_a_start_at_minus_5_worked_by_hand(run):
    # lr 0.05, from w = -5; each step multiplies the distance to 2 by 1 - 0.1 * x^2:
    # x=1: grad = 2*1*(-5 - 2) = -14, w = -4.3; x=2: grad = 4*(-8.6 - 4) = -50.4, w = -1.78;
    # x=3: grad = 6*(-5.34 - 6) = -68.04, w = 1.622; the last loss: (4.866 - 6)^2 = 1.285956
    result = run("--w", -5, "--lr", 0.05, "--epochs", 1)
    assert result.out.splitlines()[:5] == [
        "Prediction (before training) 4 -20.0",
        "\tgrad:  1.0 2.0 -14.0",
        "\tgrad:  2.0 4.0 -50.4",
        "\tgrad:  3.0 6.0 -68.04",
        "progress: 0 w= 1.62 loss= 1.29",
    ]
    assert float(result.out.split()[-1]) == pytest.approx(4 * 1.622)


@pytest.mark.parametrize(
    "lr, start, epochs", [(0.02, 1.0, 6), (0.001, 1.0, 5), (0.1, 3.0, 8), (0.05, -5.0, 4)]
)
def test_each_epoch_follows_the_closed_form(run, lr, start, epochs):
    factor = per_sample_factor(lr)
    expected = [round(2 + (start - 2) * factor ** (k + 1), 2) for k in range(epochs)]
    assert progress_ws(run("--lr", lr, "--w", start, "--epochs", epochs).out) == expected


def test_zero_epochs_prints_the_before_and_after_lines_only(run):
    assert run("--epochs", 0) == (
        0,
        "Prediction (before training) 4 4.0\nPredicted score (after training) 4 hours of studying:  4.0\n",
        "",
    )
    assert run("--lr", 1, "--epochs", 0).err == ""  # nothing moves, so no warning


def test_quiet_keeps_the_first_line_the_last_epoch_and_the_last_line(run):
    lines = TRANSCRIPT.splitlines()
    assert run("--quiet").out.splitlines() == [lines[0], lines[-2], lines[-1]]
    assert len(run("--quiet", "--epochs", 0).out.splitlines()) == 2


def test_batch_first_epoch_worked_by_hand(run):
    # grad = mean(2*1*(1-2), 2*2*(2-4), 2*3*(3-6)) = (-2 - 8 - 18) / 3 = -9.333...
    # w = 1 + 0.01 * 28/3 = 1.09333..., mean loss = (14/3) * (w - 2)^2 = 3.8362...
    lines = run("--batch", "--epochs", 1).out.splitlines()
    assert lines[1] == "progress: 0 grad= -9.33 w= 1.09 loss= 3.84"
    assert len(lines) == 3


@pytest.mark.parametrize("lr, start", [(0.01, 1.0), (0.1, -5.0), (0.2, 3.0)])
def test_batch_steps_follow_the_recursion(lr, start):
    seen = [start]
    gd.train_batch(start, lr, 20, on_epoch=lambda epoch, w, l, grad: seen.append(w))
    for before, after in zip(seen, seen[1:]):
        assert after - 2 == pytest.approx(full_batch_factor(lr) * (before - 2), rel=1e-9, abs=1e-12)


def test_batch_gradient_is_the_slope_of_the_mean_loss():
    for w in [-5.0, 0.0, 1.0, 2.5, 40.0]:
        h = 1e-6 * max(1.0, abs(w))
        numeric = (gd.mean_loss(w + h) - gd.mean_loss(w - h)) / (2 * h)
        assert gd.mean_gradient(w) == pytest.approx(numeric, rel=1e-6, abs=1e-6)


@pytest.mark.parametrize("batch, limit", [(False, PER_SAMPLE_LIMIT), (True, FULL_BATCH_LIMIT)])
def test_just_under_the_limit_converges_without_a_warning(run, batch, limit):
    result = run("--lr", limit * 0.99, "--epochs", 2000, "--quiet", *["--batch"] * batch)
    assert (result.status, result.err) == (0, "")
    assert progress_ws(result.out) == [2.0]


@pytest.mark.parametrize("batch, limit", [(False, PER_SAMPLE_LIMIT), (True, FULL_BATCH_LIMIT)])
def test_just_over_the_limit_warns_once_and_names_the_limit(run, batch, limit):
    result = run("--lr", limit * 1.01, *["--batch"] * batch)
    assert result.status == 0
    [line] = result.err.splitlines()
    assert line.startswith("gradient_descent.py: warning: ") and "so it grows" in line
    assert f"below {limit:.3g}" in line


def test_a_large_learning_rate_stops_with_status_1_and_one_line(run):
    result = run("--lr", 1, "--epochs", 1000)
    assert result.status == 1
    warning, diverged = result.err.splitlines()
    assert warning.startswith("gradient_descent.py: warning: at --lr 1.0 ")
    # lr 1: each epoch multiplies w - 2 by (1 - 2)(1 - 8)(1 - 18) = -119, from w - 2 = -1. After
    # 74 epochs w - 2 = (-1)(-119)^74 = -119^74, about -3.9e153, and the last loss, (3 * 119^74)^2
    # = 1.4e308, still fits; epoch 74 ends with the x = 3 sample's loss (3 * 119^75)^2, which
    # does not: the run stops there, and says from which w that epoch started
    distance = 119.0**74
    assert 9 * distance * distance < sys.float_info.max < 9 * (119 * distance) * (119 * distance)
    start, said, end = diverged.partition("in epoch 74, which started from w = ")
    assert start == "gradient_descent.py: diverged: " and said
    assert end.endswith(", the loss went past the largest float")
    assert float(end.split(",")[0]) == pytest.approx(2 - 119.0**74, rel=1e-12)
    assert "(after training)" not in result.out
    assert len(progress_ws(result.out)) == 74


def test_a_large_full_batch_rate_stops_too(run):
    result = run("--batch", "--lr", 5, "--epochs", 100000, "--quiet")
    assert result.status == 1
    assert len(result.err.splitlines()) == 2
    assert f"below {FULL_BATCH_LIMIT:.3g}" in result.err


def test_starting_at_the_minimum_does_not_warn_since_nothing_moves(run):
    result = run("--w", 2, "--lr", 5, "--quiet")
    assert (result.status, result.err) == (0, "")
    assert progress_ws(result.out) == [2.0]


# --- memory ---------------------------------------------------------------


def peak_bytes(epochs, *options):
    """The most memory Python holds while a quiet run of `epochs` epochs runs, in bytes."""
    tracemalloc.start()
    try:
        flags = dict.fromkeys(["batch", "explain", "step", "plot", "rates", "exercise"], False)
        flags.update(dict.fromkeys(options, True))
        gd.descend(1.0, 0.0001, epochs, (gd.x_data, gd.y_data), quiet=True, **flags)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("options", [(), ("plot",)])
def test_a_quiet_run_holds_the_same_memory_for_20000_epochs_as_for_200(capsys, options):
    # a float kept for each epoch would add 24 bytes an epoch: 475,000 bytes more
    assert peak_bytes(20000, *options) - peak_bytes(200, *options) < 50_000
    capsys.readouterr()


# --- a long quiet run on a terminal -------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_the_ticker_says_how_far_a_run_has_got_until_it_is_stopped(monkeypatch):
    # the ticker's thread speaks after TICK seconds, then after twice as long each time; the test
    # waits for its first line (an event), not for a time
    said, spoken = [], threading.Event()

    def heard(line, ending="\n"):
        said.append((line, threading.current_thread().daemon))
        spoken.set()

    monkeypatch.setattr(gd, "TICK", 0.001)
    monkeypatch.setattr(gd, "warn", heard)
    stop = gd.ticker(1_000_000_000, lambda: 123_456)
    assert spoken.wait(15)
    stop.set()
    line, daemon = said[0]
    assert re.fullmatch(r"epoch 123,456 of 1,000,000,000 after \d+ s", line)
    assert daemon  # a thread stuck writing to a stalled terminal cannot hold up the run's end


def test_the_ticker_waits_twice_as_long_each_time_and_says_the_time_since_it_began(monkeypatch):
    # the waits stood in for: each returns at once (three times, then the run has ended), and the
    # clock reads 100 s when the ticker begins, then 103, 109 and 121: TICK = 3 s, then 6 and 12
    import time

    waits, ended, clock, said = [], threading.Event(), [100.0, 103.0, 109.0, 121.0], []

    class Event(threading.Event):  # (Thread waits on one, with no timeout, as it starts)
        def wait(self, timeout=None):
            if timeout is None:
                return super().wait()
            waits.append(timeout)
            if len(waits) > 3:
                ended.set()
            return len(waits) > 3

    monkeypatch.setattr(threading, "Event", Event)
    monkeypatch.setattr(time, "monotonic", lambda: clock.pop(0) if clock else 121.0)
    monkeypatch.setattr(gd, "warn", lambda line, ending="\n": said.append(line))
    gd.ticker(1000, lambda: 7)
    assert ended.wait(15)
    assert waits == [3, 6, 12, 24]
    assert said == ["epoch 7 of 1,000 after %d s" % t for t in (3, 9, 21)]


@pytest.mark.parametrize(
    "args, stderr, ticks",
    [
        (["--quiet"], Terminal(), True),  # a person watching: progress
        (["--quiet"], io.StringIO(), False),  # a pipe or a file: none
        ([], Terminal(), False),  # every epoch's line is progress enough
    ],
)
def test_only_a_quiet_run_on_a_terminal_gets_the_ticker(monkeypatch, capsys, args, stderr, ticks):
    started = []
    monkeypatch.setattr(gd, "ticker", lambda epochs, done: started.append(done()) or None)
    monkeypatch.setattr(sys, "stderr", stderr)
    assert gd.main([*args, "--epochs", "3"]) == 0
    assert started == [0] * ticks  # (and it would read 0 epochs done before training)


def test_the_ticker_is_stopped_when_training_ends(monkeypatch, capsys):
    events = []

    class Stop:
        def set(self):
            events.append("stopped")

    monkeypatch.setattr(gd, "ticker", lambda epochs, done: events.append("started") or Stop())
    monkeypatch.setattr(sys, "stderr", Terminal())
    assert gd.main(["--quiet", "--lr", "1", "--epochs", "1000"]) == 1  # (diverges in epoch 74)
    assert events == ["started", "stopped"]
