"""`familyworker demo`: local server, enrolled worker and supervisor, synced demo caseload."""

import json
import subprocess
import sys
from pathlib import Path

from familyworker.services.demo import DEMO_PASSPHRASE, load_demo_data


def _families(data_dir: Path) -> list[dict[str, object]]:
    listed = subprocess.run(
        [sys.executable, "-m", "familyworker.cli.main", "list-families", "--json",
         "--data-dir", str(data_dir), "--passphrase-stdin"],
        input=DEMO_PASSPHRASE + "\n", capture_output=True, text=True, timeout=120, check=True)
    result: list[dict[str, object]] = json.loads(listed.stdout)
    return result


def test_demo_sets_up_server_worker_and_supervisor(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "familyworker.cli.main", "demo", "--no-gui", "--data-dir",
         str(tmp_path / "demo")], capture_output=True, text=True, timeout=180, check=False)
    assert result.returncode == 0, result.stderr
    assert DEMO_PASSPHRASE in result.stdout
    assert "rejected" not in result.stderr  # every demo change is one the server accepts
    own = {f["reference"] for f in load_demo_data()["families"] if f["lead_worker"] == "w1"}
    worker = _families(tmp_path / "demo" / "worker-caseload")
    assert {f["reference"] for f in worker} == own
    assert all(f["pending_changes"] == 0 for f in worker)
    # The supervisor's laptop received the whole team's families through the server: the
    # team view shows a team, not one worker.
    supervisor = _families(tmp_path / "demo" / "supervisor-caseload")
    everyone = {f["reference"] for f in load_demo_data()["families"]}
    assert {f["reference"] for f in supervisor} == everyone
    leads = {str(f["lead_worker"]) for f in supervisor}
    assert leads == {"Kerry Ashdown", "Oluwaseun Adebayo-Hart", "Bronagh McKeever"}
    for key in ("w2", "w3"):
        colleague = _families(tmp_path / "demo" / "colleagues" / f"{key}-caseload")
        assert {f["reference"] for f in colleague} == {
            f["reference"] for f in load_demo_data()["families"] if f["lead_worker"] == key}
