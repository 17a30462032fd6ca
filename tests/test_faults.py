"""Faults, met as a trusted Unix tool meets them: full disks, closed streams, broken pipes,
Ctrl-C, and arguments that hold control characters. POSIX only, like the faults themselves."""

import os
import signal
import subprocess
import sys
import time

import pytest
from command import ROOT, run

import gradient_descent as gd

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and signals")

COMMAND = [sys.executable, "gradient_descent.py"]
CONVERGES_WITH_WARNING = ["--lr", "0.21", "--quiet"]  # factor 1.0964: warns, ends with status 0
DIVERGES = ["--lr", "1", "--epochs", "1000", "--quiet"]  # warns, overflows, ends with status 1
FOREVER = ["--data", "1,2", "--batch", "--lr", "1", "--epochs", "1000000000", "--quiet"]
# (FOREVER: F = 1 - 2 * 1 = -1, so w flips between 1 and 3 with no overflow; it warns first)
NO_SPACE = "gradient_descent.py: error: cannot write output: No space left on device\n"
# Python buffers stdout unless PYTHONUNBUFFERED is set (or -u given): test both ways
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
UNBUFFERED = [{}, {"PYTHONUNBUFFERED": "1"}]


# Starts ARGS with Ctrl-C's default action, even when this test run ignores SIGINT (as a
# background job in a non-interactive shell does): a handler set to default survives exec.
WITH_DEFAULT_SIGINT = [
    sys.executable,
    "-c",
    (
        "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
        "os.execvp(sys.argv[1], sys.argv[1:])"
    ),
]


def finish(process):
    """End and reap a child, whatever state the test left it in."""
    if process.poll() is None:
        process.kill()
    process.communicate()


def healthy(args):
    return run(*args)


needs_dev_full = pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")


# --- stdout cannot be written ---------------------------------------------


@needs_dev_full
@pytest.mark.parametrize("env", UNBUFFERED)
@pytest.mark.parametrize(
    "args, stderr_before",
    [([], ""), (["--quiet"], ""), (DIVERGES, None), (["--help"], ""), (["--rates"], "")],
)
def test_a_full_disk_gives_one_line_and_status_3(args, stderr_before, env):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            COMMAND + args,
            cwd=ROOT,
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**BUFFERED, **env},
            check=False,
        )
    if stderr_before is None:  # the warning comes first, the error is the last line
        stderr_before = healthy(args).stderr.splitlines(keepends=True)[0]
    assert result.stderr == stderr_before + NO_SPACE
    assert result.returncode == 3


@pytest.mark.parametrize("args", [[], ["--help"], DIVERGES])
def test_a_closed_stdout_gives_one_line_and_status_3(args):
    result = subprocess.run(
        COMMAND + args,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: os.close(1),
        check=False,
    )
    assert result.stderr == "gradient_descent.py: error: cannot write output: stdout is closed\n"
    assert result.returncode == 3


def test_a_reader_that_goes_away_ends_the_run_quietly_with_141():
    # like `python3 gradient_descent.py --epochs 100000 | head -3`
    process = subprocess.Popen(
        COMMAND + ["--epochs", "100000"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=BUFFERED,
    )
    try:
        head = [process.stdout.readline() for _ in range(3)]
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait(timeout=60)
    finally:
        finish(process)
    assert head[0] == b"Prediction (before training) 4 4.0\n"
    assert stderr == b""
    assert process.returncode == 141


# --- stderr cannot be written: the run goes on, its stdout and status unchanged -----


def stderr_closed():
    os.close(2)


def stderr_no_reader():
    read, write = os.pipe()
    os.close(read)
    os.dup2(write, 2)


@pytest.mark.parametrize("env", UNBUFFERED)
@pytest.mark.parametrize("args, status", [(CONVERGES_WITH_WARNING, 0), (DIVERGES, 1)])
@pytest.mark.parametrize("fault", ["closed", "full", "no reader"])
def test_a_failing_stderr_changes_neither_stdout_nor_the_status(fault, args, status, env):
    if fault == "full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    prepare = {"closed": stderr_closed, "no reader": stderr_no_reader, "full": None}[fault]
    stderr = open("/dev/full", "w") if fault == "full" else None  # noqa: SIM115
    try:
        result = subprocess.run(
            COMMAND + args,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
            preexec_fn=prepare,
            env={**BUFFERED, **env},
            check=False,
        )
    finally:
        if stderr:
            stderr.close()
    expected = healthy(args)
    assert expected.stderr.startswith("gradient_descent.py: warning: ")  # there was a warning
    assert result.stdout == expected.stdout
    assert "warning" not in result.stdout and "diverged" not in result.stdout
    assert result.returncode == status


# --- Ctrl-C ---------------------------------------------------------------


def test_ctrl_c_ends_the_run_by_sigint_after_the_lines_printed_so_far():
    # stdout is a pipe, so Python holds the first line in its buffer. The warning on stderr
    # says the run has started; the first line follows it within microseconds, so a second
    # is far more than it needs.
    process = subprocess.Popen(
        WITH_DEFAULT_SIGINT + COMMAND + FOREVER,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=BUFFERED,
    )
    try:
        assert process.stderr.readline().startswith(b"gradient_descent.py: warning: ")
        time.sleep(1)
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        finish(process)
    assert process.returncode == -signal.SIGINT  # ended by the signal itself
    assert stdout == b"Prediction (before training) 4 4.0\n"
    assert stderr == b""


def test_ctrl_c_stops_a_shell_loop_after_the_first_run():
    # as a terminal does, the signal goes to the whole process group: bash and the script
    loop = f"for i in 1 2 3; do {sys.executable} gradient_descent.py {' '.join(FOREVER)}; echo next; done"
    process = subprocess.Popen(
        [*WITH_DEFAULT_SIGINT, "bash", "-c", loop],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert process.stderr.readline().startswith(b"gradient_descent.py: warning: ")
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=15)
    finally:
        try:  # the whole group: a script that outlived bash would otherwise run on
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finish(process)
    assert b"next" not in stdout
    assert stderr == b""  # no second run warned
    assert process.returncode == -signal.SIGINT


def test_on_windows_ctrl_c_ends_the_run_with_status_130(monkeypatch):
    # Windows has no SIGINT to re-send: the script exits with 130, as shells report Ctrl-C.
    # Run here in-process, with the platform and the process calls stood in for.
    class Exited(Exception):
        pass

    def exit_now(status):
        raise Exited(status)

    calls = []
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(os, "_exit", exit_now)
    monkeypatch.setattr(signal, "signal", lambda *args: calls.append(("signal", args)))
    monkeypatch.setattr(os, "kill", lambda *args: calls.append(("kill", args)))
    with pytest.raises(Exited) as exited:
        gd.interrupted()
    assert exited.value.args == (130,)
    assert calls == []


def test_a_ctrl_c_that_python_would_drop_still_ends_the_run_by_sigint():
    # An exception in a __del__ method (or in a callback of the import machinery, where a
    # Ctrl-C can land) is dropped with an "Exception ignored" message; the script's hook
    # ends the run as Ctrl-C does instead, after the lines printed so far.
    code = (
        "import sys, gradient_descent as gd\n"
        "sys.unraisablehook = gd.unraisable\n"
        "class Dropped:\n"
        "    def __del__(self):\n"
        "        raise KeyboardInterrupt\n"
        "print('before')\n"
        "Dropped()\n"
        "print('after')\n"
    )
    result = subprocess.run(
        [*WITH_DEFAULT_SIGINT, sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.stdout, result.stderr) == ("before\n", "")
    assert result.returncode == -signal.SIGINT


def test_other_dropped_exceptions_are_reported_as_python_reports_them():
    code = (
        "import sys, gradient_descent as gd\n"
        "sys.unraisablehook = gd.unraisable\n"
        "class Dropped:\n"
        "    def __del__(self):\n"
        "        raise ValueError('seen')\n"
        "Dropped()\n"
        "print('after')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.stdout == "after\n"
    assert result.stderr.startswith("Exception ignored in: ")
    assert result.stderr.rstrip().endswith("ValueError: seen")
    assert result.returncode == 0


# --- arguments shown back safely ------------------------------------------


@pytest.mark.parametrize(
    "args, shown",
    [
        (["--lr", "1\n2"], "argument --lr: expected a finite number greater than 0, got '1\\n2'"),
        (["foo\nbar"], "unrecognized arguments: foo\\nbar"),
        (["\x1b[2J"], "unrecognized arguments: \\x1b[2J"),
        (
            ["--data", "\x9b31m"],
            "expected x,y pairs of finite numbers, such as \"1,2 2,4\", got '\\x9b31m'",
        ),
        (["--\x07"], "unrecognized arguments: --\\x07"),
        (["\x7f"], "unrecognized arguments: \\x7f"),  # DEL, the first of the C1 range's neighbours
        (["\x9f"], "unrecognized arguments: \\x9f"),  # the last C1 control character
    ],
)
def test_control_characters_in_arguments_are_shown_escaped_on_one_line(args, shown):
    result = run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert shown in result.stderr
    assert not any(c < " " or "\x7f" <= c < "\xa0" for c in result.stderr[:-1])


def test_help_ends_with_the_exit_statuses():
    tail = run("--help").stdout.split("exit status:")[1]
    assert " ".join(tail.split()) == (
        "0 done, 1 diverged (the loss no longer fits in a float), 2 bad input, "
        "3 the output could not be written; Ctrl-C ends it by SIGINT, as it does "
        "any program (a shell shows status 130)"
    )


def test_printable_characters_are_shown_as_typed_and_invisible_ones_escaped():
    # U+00A0 (no-break space) and U+2028 (line separator) are not printable; ½ and 한 are
    result = run("\xa0½한\u2028")
    assert result.stderr == (
        "gradient_descent.py: error: unrecognized arguments: \\xa0½한\\u2028 (see --help)\n"
    )


def test_a_run_that_diverges_prints_its_lines_before_saying_why_it_stopped():
    # stdout and stderr into one pipe, stdout buffered: the diverged line must come last
    result = subprocess.run(
        COMMAND + DIVERGES,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=BUFFERED,
        check=False,
    )
    lines = result.stdout.splitlines()
    assert lines[0].startswith("gradient_descent.py: warning: ")
    assert lines[1] == "Prediction (before training) 4 4.0"
    assert lines[2].startswith("gradient_descent.py: diverged: ")
    assert len(lines) == 3


def test_the_command_watches_for_a_dropped_ctrl_c(monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py", "--epochs", "0"])
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)
    assert gd.command() == 0
    assert sys.unraisablehook is gd.unraisable
