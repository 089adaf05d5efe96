"""tests/exit_watchdog.py: a finished run whose process cannot exit fails, naming what holds it."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# Only a guard so a broken watchdog fails this test instead of hanging it; the watchdog
# itself is given two seconds below.
SUBPROCESS_LIMIT_S = 240


def run_pytest(folder: Path, test_source: str,
               grace: str = "2") -> subprocess.CompletedProcess[str]:
    """Run pytest on one test file in its own process, with only the watchdog plugin."""
    (folder / "pytest.ini").write_text("[pytest]\n")
    (folder / "test_sample.py").write_text(test_source)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "FAMILYWORKER_TEST_EXIT_GRACE": grace}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.exit_watchdog", "-p", "no:cacheprovider",
         "-p", "no:xdist", "-p", "no:pytest-qt", "-q", "test_sample.py"],
        cwd=folder, env=env, capture_output=True, text=True, timeout=SUBPROCESS_LIMIT_S)


def test_a_clean_run_exits_with_pytests_status(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "def test_fine():\n    assert True\n")
    assert result.returncode == 0, result.stderr
    assert "1 passed" in result.stdout
    assert "Timeout" not in result.stderr
    assert "non-daemon" not in result.stderr


def test_a_thread_left_running_is_named_and_the_run_fails(tmp_path: Path) -> None:
    source = (
        "import threading\n"
        "never = threading.Event()\n"
        "def wait_for_ever():\n"
        "    never.wait()\n"
        "def test_leaves_a_thread():\n"
        "    threading.Thread(target=wait_for_ever, name='left-behind').start()\n"
    )
    result = run_pytest(tmp_path, source)
    # The test passed, but the thread would have kept the process alive for ever.
    assert "1 passed" in result.stdout
    assert result.returncode != 0
    assert "Tests left non-daemon threads running" in result.stderr
    assert "'left-behind'" in result.stderr
    assert "wait_for_ever" in result.stderr


def test_a_hang_after_the_summary_ends_in_a_failure_with_every_stack(tmp_path: Path) -> None:
    # An atexit handler that never returns: the summary is printed, then the process hangs.
    source = (
        "import atexit, threading\n"
        "never = threading.Event()\n"
        "def stuck_at_exit():\n"
        "    never.wait()\n"
        "atexit.register(stuck_at_exit)\n"
        "def test_fine():\n"
        "    assert True\n"
    )
    result = run_pytest(tmp_path, source)
    assert "1 passed" in result.stdout
    assert result.returncode == 1
    assert "Timeout (0:00:02)!" in result.stderr
    assert "stuck_at_exit" in result.stderr


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's __cxa_atexit")
def test_a_hang_in_c_after_python_has_finished_is_ended_by_the_alarm(tmp_path: Path) -> None:
    # A C exit handler that waits for ever: it runs after faulthandler has stopped.
    source = (
        "import ctypes\n"
        "libc = ctypes.CDLL(None)\n"
        "libc.__cxa_atexit(ctypes.cast(libc.pause, ctypes.c_void_p), None, None)\n"
        "def test_fine():\n"
        "    assert True\n"
    )
    result = run_pytest(tmp_path, source)
    assert "1 passed" in result.stdout
    assert result.returncode == -signal.SIGALRM


def test_a_grace_that_is_not_a_number_is_refused_at_the_start(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "def test_fine():\n    assert True\n", grace="soon")
    assert result.returncode == 4  # pytest's usage error: nothing ran
    assert "FAMILYWORKER_TEST_EXIT_GRACE must be a number of seconds" in result.stderr
    assert "passed" not in result.stdout
