"""With no display, opening the app says so in one sentence and exits 1 before Qt loads
(Qt itself would abort with rc 134 and a misleading 'libxcb-cursor0 is needed')."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the display check is for Linux desktops")

NO_DISPLAY = ("FamilyWorker needs a desktop session to open its window; no display was found. "
              "The command-line tools work without one: try 'familyworker --help'.\n")


def _headless(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["FAMILYWORKER_HOME"] = str(tmp_path / "home")
    return env


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    code = ("import sys; from familyworker.cli.main import main; code = main(sys.argv[1:]); "
            "print('Qt loaded' if 'PySide6' in sys.modules else 'no Qt'); sys.exit(code)")
    return subprocess.run([sys.executable, "-c", code, *args], env=_headless(tmp_path),
                          capture_output=True, text=True, timeout=120, check=False)


def test_the_app_without_a_display_says_so_and_exits_1(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert (result.returncode, result.stderr, result.stdout) == (1, NO_DISPLAY, "no Qt\n")
    with_folder = _run(tmp_path, "--data-dir", str(tmp_path / "caseload"))
    assert (with_folder.returncode, with_folder.stderr) == (1, NO_DISPLAY)
    assert not (tmp_path / "caseload").exists()


def test_the_demo_without_a_display_says_so_before_building_anything(tmp_path: Path) -> None:
    result = _run(tmp_path, "demo", "--data-dir", str(tmp_path / "demo"))
    assert (result.returncode, result.stderr, result.stdout) == (1, NO_DISPLAY, "no Qt\n")
    assert not (tmp_path / "demo").exists()


def test_the_command_line_tools_work_without_a_display(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "familyworker.cli.main", "--help"],
                            env=_headless(tmp_path), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 0 and "familyworker" in result.stdout
