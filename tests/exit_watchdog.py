"""A test run that has finished must end: threads left behind are named, a hang at exit fails.

After pytest's last hook the interpreter still joins every non-daemon thread and runs the atexit
handlers (execnet closing the xdist worker gateways, Qt, logging). If one of them waits forever,
a run that has printed its summary never returns and CI learns of it only from its own time
limit, with nothing to say why. Loaded in every pytest process (one-process runs, the xdist
controller and each worker) through tests/conftest.py; the exit timer only where pytest was
started (see pytest_unconfigure).
"""

import faulthandler
import math
import os
import signal
import sys
import threading
import traceback

import pytest

# Seconds a process may take, after pytest's last hook, to join its threads and run its atexit
# handlers. A healthy exit takes well under a second even on a loaded machine (execnet gives its
# gateways one second); two minutes means something is stuck.
EXIT_GRACE_ENV = "FAMILYWORKER_TEST_EXIT_GRACE"
DEFAULT_EXIT_GRACE_SECONDS = 120.0
# How long the threads a test started get to finish once the session is over.
THREAD_JOIN_SECONDS = 5.0


def exit_grace_seconds() -> float:
    raw = os.environ.get(EXIT_GRACE_ENV, "")
    if not raw:
        return DEFAULT_EXIT_GRACE_SECONDS
    try:
        grace = float(raw)
    except ValueError:
        raise pytest.UsageError(
            f"{EXIT_GRACE_ENV} must be a number of seconds, not {raw!r}") from None
    if grace <= 0:
        raise pytest.UsageError(f"{EXIT_GRACE_ENV} must be more than 0 seconds")
    return grace


def lingering_threads() -> list[threading.Thread]:
    """Non-daemon threads other than this one: the interpreter waits for each before exiting."""
    current = threading.current_thread()
    return [thread for thread in threading.enumerate()
            if thread is not current and not thread.daemon and thread.is_alive()]


def describe_threads(threads: list[threading.Thread]) -> str:
    """Each thread's name and where it is; code locations only, never local values."""
    frames = sys._current_frames()
    parts = []
    for thread in threads:
        frame = frames.get(thread.ident) if thread.ident is not None else None
        where = "".join(traceback.format_stack(frame)) if frame is not None else "  (no frame)\n"
        parts.append(f"Thread {thread.name!r}:\n{where}")
    return "".join(parts)


def pytest_configure(config: pytest.Config) -> None:
    exit_grace_seconds()  # a bad value is a usage error at the start, not at the end


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """A test that leaves a non-daemon thread running would keep this process from exiting:
    give such threads a moment, then name them and fail the run instead of hanging."""
    for thread in lingering_threads():
        thread.join(THREAD_JOIN_SECONDS)
    left = lingering_threads()
    if not left:
        return
    sys.stderr.write("Tests left non-daemon threads running; the process cannot exit until "
                     f"they end:\n{describe_threads(left)}")
    sys.stderr.flush()
    session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Last resort, after the cause-specific checks above: if the interpreter has not exited
    within the grace period, faulthandler (a C thread, still running while Python finalises)
    writes every thread's stack to stderr and ends the process with status 1. A hang becomes a
    failure with its evidence. The stderr copy stays open until the process ends, on purpose.
    Not in an xdist worker: one that finishes its files early idles until the controller
    ends the session, and the controller already kills a worker that does not exit in time."""
    if hasattr(config, "workerinput"):
        return
    grace = exit_grace_seconds()
    stderr = sys.stderr if sys.stderr is not None else sys.__stderr__
    if stderr is not None:
        faulthandler.dump_traceback_later(grace, exit=True, file=os.dup(stderr.fileno()))
    # faulthandler stops near the end of Python's finalisation; C-level exit handlers (Qt,
    # OpenSSL, stdio flushing) run after it. SIGALRM's default action ends the process at any
    # stage, without a stack (status 142 in a shell), if it is still there at twice the grace.
    if hasattr(signal, "alarm"):
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(math.ceil(2 * grace))
