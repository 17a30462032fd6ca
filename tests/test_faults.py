"""Faults, met as a trusted Unix tool meets them: full disks, closed streams, broken pipes,
pipes that stop being read, and Ctrl-C. Most tests start the script as a real process, since
the process itself is the subject; a few run command() in-process, with a stream or the run
stood in for, where that shows the point exactly. POSIX only, like the faults themselves."""

import fcntl
import io
import os
import re
import signal
import struct
import subprocess
import sys
import termios
import time
import types

import pytest
from conftest import ROOT

import gradient_descent as gd

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX streams and signals")

COMMAND = [sys.executable, "gradient_descent.py"]
DIVERGES = ["--lr", "1", "--epochs", "1000", "--quiet"]  # warns, overflows, ends with status 1
# F = 1 - 2 * 1 = -1: w flips between 1 and 3 and never overflows; it warns first. Quiet, it
# prints nothing more on stderr unless stderr is a terminal (then a line every few seconds on how
# far it has got): here stderr is always a pipe.
ENDLESS = ["--data", "1,2", "--batch", "--lr", "1"]
FOREVER = [*ENDLESS, "--epochs", "1000000000", "--quiet"]
ALOUD = [*ENDLESS, "--epochs", "1000000000"]  # FOREVER with a line for every epoch
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
    warning, first, diverged = result.stdout.splitlines()
    assert warning.startswith("gradient_descent.py: warning: ")
    assert first == "Prediction (before training) 4 4.0"
    # the warning has said which rates converge, so the diverged line does not say it again
    assert re.fullmatch(
        r"gradient_descent\.py: diverged: in epoch \d+, which started from w = \S+, the loss went"
        r" past the largest float",
        diverged,
    )
    assert result.returncode == 1


# --- Ctrl-C ---------------------------------------------------------------

# A press must land where the test means it to, and nothing outside the run says when it got
# there but the run's own events. Linux's /proc does: wchan names the kernel function a process
# sleeps in, and status lists the signals sent to it that it has not taken yet.
PROC = os.path.exists(f"/proc/{os.getpid()}/wchan")
needs_proc = pytest.mark.skipif(not PROC, reason="no /proc/PID/wchan to see a run wait")


def blocked(child):
    """Wait until the child sleeps in a write to a pipe that nobody reads: the pipe is full, and
    the run can go no further. (The bytes waiting do not say so: a full pipe's pages need not be
    full, and Linux calls its 64 KiB pipe full at 65411 bytes as readily as at 65536. Nor do
    two equal counts: before the run prints anything, both are 0.) Nor is the pipe read meanwhile:
    FIONREAD takes the pipe's lock, and a writer waiting for that lock shows pipe_write too."""
    while True:
        with open(f"/proc/{child.pid}/wchan") as wchan:  # anon_pipe_write since Linux 6.x
            if wchan.read().endswith("pipe_write"):  # (stderr has room: stdout is the pipe)
                return
        assert child.poll() is None, "the run ended without waiting for its reader"
        time.sleep(0.001)


def landed(child):
    """Wait until a SIGINT sent to the child is no longer pending: it has interrupted the run."""
    while child.poll() is None:
        with open(f"/proc/{child.pid}/status") as lines:
            pending = [int(line.split()[1], 16) for line in lines if line[3:7] == "Pnd:"]
        if not any(mask & 1 << (signal.SIGINT - 1) for mask in pending):
            return
        time.sleep(0.001)


def waiting(fd):
    """How many bytes wait in a pipe for its reader."""
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0]


def drained(fd):
    """Everything a pipe gives until the last writer has gone."""
    received = b""
    while True:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return received
        received += chunk


def behind_a_full_pipe():
    """Start `python3 gradient_descent.py ALOUD` with stdout a pipe whose reader stopped before
    the run began. Filled without waiting, page by page, the pipe cannot take even part of a
    line: all the run prints stays in Python's buffer, its first line too, until the buffer is
    full and the run waits to write it. (the child, the pipe's read end, the bytes put in)"""
    read, write = os.pipe()
    os.set_blocking(write, False)
    filled = 0
    try:
        while True:
            filled += os.write(write, b"." * (1 << 16))
    except BlockingIOError:
        pass
    os.set_blocking(write, True)  # as the run's stdout, the pipe blocks as any pipe does
    try:
        return start(ALOUD, stdout=write), read, filled
    finally:
        os.close(write)


def pressed_when_blocked(runs, gaps):
    """Once each run waits for its reader, press Ctrl-C in it, and again after its gap in
    seconds unless that is None; once every press has landed, read everything. Returns for each
    run (what it printed, its stderr), and reaps it."""
    try:
        for child, read, filled in runs:
            blocked(child)
            assert waiting(read) == filled  # none of its lines had reached the pipe
        for (child, read, filled), gap in zip(runs, gaps):
            child.send_signal(signal.SIGINT)
            if gap is not None:  # not a wait: the gap is the stimulus
                time.sleep(gap)
                child.send_signal(signal.SIGINT)
        for child, read, filled in runs:
            landed(child)  # in the write, before the pipe took a byte: its buffer is all
        return [
            (drained(read)[filled:], child.communicate(timeout=15)[1])
            for child, read, filled in runs
        ]
    finally:
        for child, read, filled in runs:
            os.close(read)
            finish(child)


def so_far(printed):
    """As much of what the endless run prints, when nothing goes wrong, as `printed` holds."""
    epochs = printed.count(b"\n")  # a line an epoch after the first: one more than it has whole
    return healthy(*ENDLESS, "--epochs", epochs).encode()[: len(printed)]


@needs_proc
def test_ctrl_c_ends_the_run_by_sigint_after_the_lines_printed_so_far():
    # The reader stopped before the run began, so when the press comes, all the run has printed
    # is in Python's buffer, the first line too: it still arrives, then the run ends by SIGINT.
    # A run that dropped its buffer at the press would deliver nothing at all: the press lands
    # while no byte of it is in the pipe, and reading starts only after it has landed. (Pressing
    # once its first bytes arrive would not show this: the press lands in the write that sent
    # them, with the buffer just emptied, and cuts that print short, so what arrives ends
    # inside a line even when nothing is lost, and a run that lost its buffer gives the same.)
    run = behind_a_full_pipe()
    [(printed, stderr)] = pressed_when_blocked([run], [None])
    assert run[0].returncode == -signal.SIGINT  # ended by the signal itself
    assert stderr.startswith(WARNING) and stderr.count(b"\n") == 1  # the warning, then nothing
    assert printed.startswith(b"Prediction (before training) 4 4.0\n")
    assert printed == so_far(printed)


@needs_proc
def test_two_quick_presses_end_the_run_as_one_does():
    # the second press lands while the first is being handled, which waits for the reader:
    # 0 to 2 ms apart, in 12 runs; a 13th, pressed once, shows what one press gives, to the byte
    runs = [behind_a_full_pipe() for _ in range(13)]
    one, *ends = pressed_when_blocked(runs, [None] + [n % 4 * 0.0006 for n in range(12)])
    assert one[0].startswith(b"Prediction (before training) 4 4.0\n")  # as in the test above
    for end, (child, read, filled) in zip([one, *ends], runs):
        assert end == one
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


def pressed_while_blocked():
    """Start `python3 gradient_descent.py --epochs=1000000 | less`; once the pipe is full and the
    run waits for it, press Ctrl-C; then read everything. (bytes that arrived, the bytes the full
    pipe held, the run's stderr, its return code)"""
    read, write = os.pipe()
    child = start(["--epochs=1000000"], stdout=write)
    os.close(write)
    try:
        blocked(child)  # the pipe is full and the run waits for it
        full = waiting(read)
        child.send_signal(signal.SIGINT)
        landed(child)  # the press lands while the run still waits for the reader
        received = drained(read)
        stderr = child.communicate(timeout=15)[1]
    finally:
        os.close(read)
        finish(child)
    return received, full, stderr, child.returncode


@needs_proc
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
    # stdin is a pipe that says nothing and stays open (Popen's own would be closed by
    # communicate(), and an input that ends stops --step with a line of its own): --step waits
    # for it after showing the first step
    silent, said = os.pipe()
    try:
        child = start(["--step"], stdin=silent)
        try:
            first = b""
            while b"\tgrad:  1.0 2.0 -2.0\n" not in first:
                first += os.read(child.stdout.fileno(), 1 << 16)
            child.send_signal(signal.SIGINT)
            stdout, stderr = child.communicate(timeout=15)
        finally:
            finish(child)
    finally:
        os.close(silent)
        os.close(said)
    assert child.returncode == -signal.SIGINT
    assert stderr == b""  # no prompt (stdin is no terminal), and no word of the input ending
    assert stdout == b""  # the first step was all it had printed


def test_ctrl_c_before_the_script_starts_is_pythons_own():
    # While Python is still starting and reading the script, up to its call of command(), Ctrl-C
    # is Python's, as for any program: its default action ends the run without a word; once
    # Python's handler is in, the KeyboardInterrupt ends it by SIGINT with Python's traceback,
    # or, while Python sets itself up (its streams, `site`), with its "Fatal Python error" and
    # status 1; and now and then (9 presses in 1,100) the press is lost in a part of Python that
    # ignores it, and the run goes on to its end. From command()'s first line on, where the
    # script puts in its own sys.excepthook, the press is the script's: it ends by SIGINT after
    # what was printed, without a word. Nothing else may happen.
    child = start([])
    child.send_signal(signal.SIGINT)  # at once: Python may not have run a line yet
    try:
        stdout, stderr = child.communicate(timeout=15)
    finally:
        finish(child)
    lecture = healthy().encode()
    # Python's traceback names the KeyboardInterrupt last, even chained to an exception it had
    # caught, or under "Exception ignored in" where it goes on
    traceback = b"Traceback (most recent call last):\n" in stderr and stderr.splitlines()[-1] in (
        b"KeyboardInterrupt",
        b"KeyboardInterrupt: ",
    )
    if child.returncode == 0:  # lost: as if nobody had pressed
        assert stdout == lecture and (stderr == b"" or traceback)
    elif child.returncode == 1:  # Python could not start; what it says varies with the place
        assert stdout == b"" and stderr.startswith(b"Fatal Python error: ")
    else:
        assert child.returncode == -signal.SIGINT
        assert stderr == b"" or traceback
        assert lecture.startswith(stdout)  # what the run had printed, if it had begun


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


# --- in-process: command() with stdout or the run stood in for ---------------------


@pytest.fixture
def in_process(monkeypatch):
    """For a test that runs command() in this process: command() sets sys.excepthook, and this
    puts it back afterwards."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)


class Reader(io.RawIOBase):
    """What reads the run's stdout, stood in for: it keeps every byte written to it; but first,
    if given, refuse(the bytes it has) may raise instead, as a press landing in the write does,
    or a reader that has gone."""

    def __init__(self, refuse=None):
        super().__init__()
        self.got, self.refuse = b"", refuse

    def writable(self):
        return True

    def write(self, data):
        if self.refuse:
            self.refuse(self.got)
        self.got += bytes(data)
        return len(data)


def stdout_to(reader):
    """A stdout that writes to `reader`, buffered as Python's own is when stdout is a pipe."""
    return io.TextIOWrapper(io.BufferedWriter(reader))


@pytest.mark.parametrize(
    "faults",
    [[], [KeyboardInterrupt], [KeyboardInterrupt] * 2, [BrokenPipeError]],
    ids=["one press", "a second press in the flush", "two more", "the reader gone"],
)
def test_ctrl_c_ends_command_by_the_same_keyboard_interrupt_after_what_was_printed(
    in_process, monkeypatch, faults
):
    # A stand-in run prints a line, which waits in stdout's buffer, and Ctrl-C stops it:
    # command() sends the line on to the reader, then raises the press's KeyboardInterrupt
    # again, for Python to end the process by SIGINT, as it ends any program. A press during
    # the sending only starts it again; a reader that has gone ends it quietly, with stdout
    # pointed at the null device, so that nothing fails at exit either.
    def run(argv=None):
        print("before the press")
        assert reader.got == b""  # still in the buffer
        raise press

    def refuse(got):
        if left:
            raise left.pop(0)

    press, left, pointed, reader = KeyboardInterrupt(), list(faults), [], Reader(refuse)
    null = {"devnull": os.devnull, "O_WRONLY": os.O_WRONLY, "open": lambda path, flags: path}
    null["dup2"] = lambda fd, to: pointed.append((fd, to))
    monkeypatch.setattr(gd, "os", types.SimpleNamespace(**null))  # the script's os alone
    monkeypatch.setattr(sys, "stdout", stdout_to(reader))
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py", "--quiet"])
    monkeypatch.setattr(gd, "main", run)
    gone = faults == [BrokenPipeError]
    handler = signal.getsignal(signal.SIGINT)
    try:
        with pytest.raises(KeyboardInterrupt) as raised:
            gd.command()
        after = signal.getsignal(signal.SIGINT)
    finally:
        signal.signal(signal.SIGINT, handler)
    assert after == signal.SIG_IGN  # a further press cannot break into Python's ending by SIGINT
    assert raised.value is press  # the run's own, not one pressed while sending the line
    assert left == []  # every fault met
    assert reader.got == (b"" if gone else b"before the press\n")
    assert pointed == ([(os.devnull, 1)] if gone else [])
    assert sys.stderr.getvalue() == ""


def test_the_excepthook_command_puts_in_is_quiet_for_ctrl_c_alone(in_process, monkeypatch):
    # Python hands an exception that ends the run to sys.excepthook: command() puts in one that
    # prints nothing for a KeyboardInterrupt, so that Ctrl-C ends the run without a traceback,
    # and passes any other exception on to Python's own, sys.__excepthook__.
    passed = []
    monkeypatch.setattr(sys, "__excepthook__", lambda *args: passed.append(args))
    monkeypatch.setattr(sys, "stdout", stdout_to(Reader()))
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py"])
    monkeypatch.setattr(gd, "main", lambda argv=None: 0)
    before = sys.excepthook
    assert gd.command() == 0
    assert sys.excepthook is not before
    press, bug = KeyboardInterrupt(), ValueError("a bug")
    sys.excepthook(KeyboardInterrupt, press, None)
    assert passed == []
    sys.excepthook(ValueError, bug, None)
    assert passed == [(ValueError, bug, None)]
    assert sys.stderr.getvalue() == ""


def test_ctrl_c_during_a_blocked_write_loses_no_line_printed_before_it(in_process, monkeypatch):
    # A reader that stops reading once 20000 bytes are in, and Ctrl-C landing in the write that
    # waits for it. Every grad line whose print() had returned still arrives; then command()
    # raises the KeyboardInterrupt again.
    def refuse(got):
        if len(got) > 20000 and not pressed:
            pressed.append(lines[0])  # the press, after this many grad lines
            raise KeyboardInterrupt

    def counted(*args):
        real(*args)
        lines[0] += 1

    lines, pressed, real, reader = [0], [], gd.print_grad, Reader(refuse)
    monkeypatch.setattr(gd, "print_grad", counted)
    monkeypatch.setattr(sys, "stdout", stdout_to(reader))
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py", "--epochs", "1000"])
    with pytest.raises(KeyboardInterrupt):
        gd.command()
    [printed] = pressed
    assert printed > 500 and reader.got.count(b"\tgrad:") >= printed


def test_unbuffered_each_line_reaches_the_reader_as_it_is_printed(in_process, monkeypatch):
    # python3 -u gives stdout no buffer: the script puts one in, so that a full pipe cannot drop
    # lines unseen, and flushes it at each line, as -u promises. In-process, a stand-in run
    # returns what had reached the reader when its print() returned.
    def run(argv=None):
        print("a line")
        return reader.got

    reader = Reader()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(reader, write_through=True))
    monkeypatch.setattr(sys, "argv", ["gradient_descent.py"])
    monkeypatch.setattr(gd, "main", run)
    assert gd.command() == b"a line\n"
