"""Faults, met as a trusted Unix tool meets them: full disks, closed streams, broken pipes,
pipes that stop being read, and Ctrl-C. Most tests start the script as a real process, since
the process itself is the subject; a few stand a stream or a platform in, in-process, where that
shows the point exactly. POSIX only, like the faults themselves."""

import fcntl
import io
import os
import signal
import struct
import subprocess
import sys
import termios
import time

import pytest
from conftest import ROOT

import gradient_descent as gd

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and signals")

COMMAND = [sys.executable, "gradient_descent.py"]
DIVERGES = ["--lr", "1", "--epochs", "1000", "--quiet"]  # warns, overflows, ends with status 1
# F = 1 - 2 * 1 = -1: w flips between 1 and 3 and never overflows; it warns first
FOREVER = ["--data", "1,2", "--batch", "--lr", "1", "--epochs", "1000000000", "--quiet"]
NO_SPACE = "gradient_descent.py: error: cannot write output: No space left on device\n"
# Python buffers stdout unless PYTHONUNBUFFERED is set (or -u given): test both ways
BUFFERED = {name: value for name, value in os.environ.items() if name != "PYTHONUNBUFFERED"}
UNBUFFERED = {**BUFFERED, "PYTHONUNBUFFERED": "1"}
WARNING = b"gradient_descent.py: warning: "


def start(args, **options):
    """The script as a running child, with pipes unless told, and Ctrl-C's default action in
    it even when this test run ignores SIGINT, as a background job in a non-interactive shell
    does: an ignored signal stays ignored across exec, a handled one starts as the default."""
    options = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "env": BUFFERED, **options}
    command = options.pop("command", COMMAND + args)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(command, cwd=ROOT, **options)
    finally:
        signal.signal(signal.SIGINT, previous)


def finish(child):
    """End and reap a child, whatever state the test left it in."""
    if child.poll() is None:
        child.kill()
    child.communicate()


def healthy(*args):
    """What the run prints on stdout when nothing goes wrong."""
    command = COMMAND + list(map(str, args))
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False).stdout


# --- stdout cannot be written ---------------------------------------------


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("env", [BUFFERED, UNBUFFERED], ids=["buffered", "unbuffered"])
@pytest.mark.parametrize("args", [[], DIVERGES, ["--help"]], ids=["lecture", "diverges", "help"])
def test_a_full_disk_gives_one_line_and_status_3(args, env):
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            COMMAND + args, cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True, env=env,
            check=False,
        )  # fmt: skip
    lines = result.stderr.splitlines(keepends=True)
    assert lines[-1] == NO_SPACE  # the last line says why; a warning may come before it
    assert all(line.startswith("gradient_descent.py: warning: ") for line in lines[:-1])
    assert result.returncode == 3


@pytest.mark.parametrize("args", [[], DIVERGES])
def test_a_closed_stdout_gives_one_line_and_status_3(args):
    # as a shell starts it for `python3 gradient_descent.py >&-`
    result = subprocess.run(
        ["sh", "-c", 'exec "$@" >&-', "sh", *COMMAND, *args], cwd=ROOT, stderr=subprocess.PIPE,
        text=True, check=False,
    )  # fmt: skip
    assert result.stderr == "gradient_descent.py: error: cannot write output: stdout is closed\n"
    assert result.returncode == 3


def test_a_reader_that_goes_away_ends_the_run_quietly_with_141():
    # like `python3 gradient_descent.py --epochs 100000 | head -3`
    child = start(["--epochs", "100000"])
    try:
        head = [child.stdout.readline() for _ in range(3)]
        child.stdout.close()
        stderr = child.stderr.read()
        child.wait(timeout=15)
    finally:
        finish(child)
    assert head[0] == b"Prediction (before training) 4 4.0\n"
    assert stderr == b""
    assert child.returncode == 141


@pytest.mark.parametrize("env", [BUFFERED, UNBUFFERED], ids=["buffered", "unbuffered"])
def test_a_pipe_that_cannot_take_more_gives_status_3_not_a_silent_loss(env):
    # a non-blocking pipe that nobody reads fills at 64 KiB; an unbuffered stdout once dropped
    # the rest of the run without a word and ended with status 0
    read, write = os.pipe()
    os.set_blocking(write, False)
    try:
        child = start(["--explain", "--epochs", "100000"], stdout=write, env=env)
        os.close(write)
        try:
            stderr = child.stderr.read()
            child.wait(timeout=15)
        finally:
            finish(child)
    finally:
        os.close(read)
    assert stderr.startswith(b"gradient_descent.py: error: cannot write output: ")
    assert stderr.count(b"\n") == 1
    assert child.returncode == 3


# --- stderr cannot be written: the run goes on, its stdout and status unchanged -----


@pytest.mark.parametrize("args, status", [(DIVERGES, 1), (["--lr", "0.21", "--quiet"], 0)])
@pytest.mark.parametrize(
    "fault", ["2>&-", "2>/dev/full", "2>&3"], ids=["closed", "full", "no reader"]
)
def test_a_failing_stderr_changes_neither_stdout_nor_the_status(fault, args, status):
    # as a shell starts it for `python3 gradient_descent.py 2>&-` and the like; fd 3 is a pipe
    # that nobody reads
    if fault == "2>/dev/full" and not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full")
    read, write = os.pipe()
    os.close(read)
    try:
        result = subprocess.run(
            ["sh", "-c", f'exec "$@" 3>&0 {fault}', "sh", *COMMAND, *args], cwd=ROOT,
            stdin=write, stdout=subprocess.PIPE, text=True, check=False,
        )  # fmt: skip
    finally:
        os.close(write)
    assert result.stdout == healthy(*args)  # every line, though each run warned on stderr
    assert result.returncode == status


def test_a_run_that_diverges_prints_its_lines_before_saying_why_it_stopped():
    # stdout and stderr into one pipe, stdout buffered: the diverged line must come last
    result = subprocess.run(
        COMMAND + DIVERGES, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, env=BUFFERED, check=False,
    )  # fmt: skip
    lines = result.stdout.splitlines()
    assert lines[0].startswith("gradient_descent.py: warning: ")
    assert lines[1] == "Prediction (before training) 4 4.0"
    assert lines[2].startswith("gradient_descent.py: diverged: ")
    assert len(lines) == 3


# --- Ctrl-C ---------------------------------------------------------------


def test_ctrl_c_ends_the_run_by_sigint_after_the_lines_printed_so_far():
    # stdout is a pipe, so Python holds the first line in its buffer when the press comes
    child = start(FOREVER)
    try:
        assert child.stderr.readline().startswith(WARNING)  # the run has started
        time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=15)
    finally:
        finish(child)
    assert child.returncode == -signal.SIGINT  # ended by the signal itself
    assert stdout == b"Prediction (before training) 4 4.0\n"
    assert stderr == b""


def test_two_quick_presses_end_the_run_as_one_does():
    # the second press lands while the first is being handled: 0 to 2 ms apart, in 12 runs
    children = [start(FOREVER) for _ in range(12)]
    try:
        for child in children:
            assert child.stderr.readline().startswith(WARNING)
        time.sleep(0.1)  # the first line follows the warning within microseconds
        for n, child in enumerate(children):
            child.send_signal(signal.SIGINT)
            time.sleep(n % 4 * 0.0006)
            child.send_signal(signal.SIGINT)
        ends = [child.communicate(timeout=15) for child in children]
    finally:
        for child in children:
            finish(child)
    for (stdout, stderr), child in zip(ends, children):
        assert stderr == b""
        assert stdout == b"Prediction (before training) 4 4.0\n"
        assert child.returncode == -signal.SIGINT


def test_ctrl_c_stops_a_shell_loop_after_the_first_run():
    # as a terminal does, the signal goes to the whole process group: bash and the script
    loop = f"for i in 1 2 3; do {sys.executable} gradient_descent.py {' '.join(FOREVER)}; echo next; done"
    child = start([], command=["bash", "-c", loop], start_new_session=True)
    try:
        assert child.stderr.readline().startswith(WARNING)
        os.killpg(child.pid, signal.SIGINT)
        stdout, stderr = child.communicate(timeout=15)
    finally:
        try:  # the whole group: a script that outlived bash would otherwise run on
            os.killpg(child.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        finish(child)
    assert b"next" not in stdout
    assert stderr == b""  # no second run warned
    assert child.returncode == -signal.SIGINT


def landed(child, deadline=5.0):
    """Wait until a SIGINT sent to the child is no longer pending: it has interrupted the run.
    (Where /proc does not say, a tenth of a second.)"""
    status = f"/proc/{child.pid}/status"
    if not os.path.exists(status):
        time.sleep(0.1)
        return
    while deadline > 0:
        with open(status) as lines:
            pending = [int(line.split()[1], 16) for line in lines if line[3:7] == "Pnd:"]
        if not any(mask & 1 << (signal.SIGINT - 1) for mask in pending):
            return
        time.sleep(0.001)
        deadline -= 0.001


def waiting(fd):
    """How many bytes wait in a pipe for its reader."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]


def pressed_while_blocked():
    """Start `python3 gradient_descent.py --epochs=1000000 | less`; once the pipe is full and the
    run waits for it, press Ctrl-C; then read everything. (bytes that arrived, the pipe's size,
    the run's stderr, its return code)"""
    read, write = os.pipe()
    child = start(["--epochs=1000000"], stdout=write)
    os.close(write)
    try:
        full = -1
        while full != waiting(read):  # until the pipe is full and the run waits for it
            full = waiting(read)
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        landed(child)  # the press lands while the run still waits for the reader
        received = b""
        while True:
            chunk = os.read(read, 1 << 16)
            if not chunk:
                break
            received += chunk
        stderr = child.communicate(timeout=15)[1]
    finally:
        os.close(read)
        finish(child)
    return received, full, stderr, child.returncode


def test_ctrl_c_while_the_reader_has_stopped_reading_loses_nothing_printed(capsys):
    # `... | less`, Ctrl-C a moment later, then `G`: everything printed before the press still
    # arrives, and then the run ends by SIGINT
    received, full, stderr, status = pressed_while_blocked()
    assert status == -signal.SIGINT
    assert stderr == b""
    # more than the pipe held: what was waiting in Python's buffer arrived too, in order
    assert len(received) > full > 0
    gd.main(["--epochs", str(1 + received.count(b"\n") // 4)])
    assert received.decode() == capsys.readouterr().out[: len(received)]


def test_ctrl_c_at_the_step_prompt_ends_the_run_like_anywhere_else():
    # stdin is a pipe that says nothing: --step waits for it after showing the first step
    child = start(["--step"], stdin=subprocess.PIPE)
    try:
        first = b""
        while b"\tgrad:  1.0 2.0 -2.0\n" not in first:
            first += os.read(child.stdout.fileno(), 1 << 16)
        child.send_signal(signal.SIGINT)
        stdout, stderr = child.communicate(timeout=15)
    finally:
        finish(child)
    assert child.returncode == -signal.SIGINT
    assert stderr == b""
    assert stdout == b""  # the first step was all it had printed


def test_on_windows_ctrl_c_ends_the_run_with_status_130(monkeypatch, capsys):
    # Windows has no SIGINT to send oneself: the script returns 130, the status shells report
    # for Ctrl-C. Run here in-process, with the platform and the run stood in for.
    def pressed(argv=None):
        print("before the press")
        raise KeyboardInterrupt

    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py", "--quiet"])
    monkeypatch.setattr(gd, "main", pressed)
    monkeypatch.setattr(os, "kill", lambda *args: pytest.fail("no signal on Windows"))
    assert gd.command() == 130
    assert capsys.readouterr() == ("before the press\n", "")


def test_ctrl_c_during_a_blocked_write_loses_no_line_printed_before_it(monkeypatch):
    # In-process: a reader that stops reading once 20000 bytes are in, and Ctrl-C landing in
    # the write that waits for it. Every grad line whose print() had returned still arrives.
    class Reader(io.RawIOBase):
        got, printed = b"", None

        def writable(self):
            return True

        def write(self, data):
            if self.printed is None and len(self.got) > 20000:
                self.printed = lines[0]  # the press
                raise KeyboardInterrupt
            self.got += bytes(data)
            return len(data)

    def counted(*args):
        real(*args)
        lines[0] += 1

    lines, real, reader = [0], gd.print_grad, Reader()
    monkeypatch.setattr(gd, "print_grad", counted)
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(io.BufferedWriter(reader)))
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py", "--epochs", "1000"])
    monkeypatch.setattr(sys, "platform", "win32")  # returns 130: no signal sent to pytest
    assert gd.command() == 130
    assert reader.printed > 500 and reader.got.count(b"\tgrad:") >= reader.printed


def test_unbuffered_each_line_reaches_the_reader_as_it_is_printed(monkeypatch):
    # python3 -u gives stdout no buffer: the script puts one in, so that a full pipe cannot drop
    # lines unseen, and flushes it at each line, as -u promises. In-process, a stand-in run
    # returns what had reached the reader when its print() returned.
    class Reader(io.RawIOBase):
        got = b""

        def writable(self):
            return True

        def write(self, data):
            self.got += bytes(data)
            return len(data)

    def run(argv=None):
        print("a line")
        return reader.got

    reader = Reader()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(reader, write_through=True))
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py"])
    monkeypatch.setattr(gd, "main", run)
    assert gd.command() == b"a line\n"


def test_ctrl_c_before_the_script_starts_is_pythons_own():
    # While Python is still starting and reading the script, Ctrl-C is Python's, as for any
    # program: it may print Python's KeyboardInterrupt message. From the first line on, one.
    child = start([])
    child.send_signal(signal.SIGINT)  # at once: Python may not have run a line yet
    try:
        stderr = child.communicate(timeout=15)[1]
    finally:
        finish(child)
    assert child.returncode == -signal.SIGINT
    assert stderr == b"" or stderr.endswith(b"KeyboardInterrupt\n")


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_step_at_a_terminal_whose_stderr_fails_still_takes_the_answers():
    # `python3 gradient_descent.py --step 2>/dev/full` typed at a terminal: the prompt cannot
    # be shown, yet q still stops training, with status 0
    import pty

    controller, terminal = pty.openpty()
    child = start(
        [], command=["sh", "-c", 'exec "$@" 2>/dev/full', "sh", *COMMAND, "--step"], stdin=terminal
    )
    os.close(terminal)
    try:
        os.write(controller, b"q\n")
        stdout = child.communicate(timeout=15)[0]
    finally:
        os.close(controller)
        finish(child)
    assert stdout.decode().endswith("Predicted score (after training) 4 hours of studying:  4.0\n")
    assert child.returncode == 0
