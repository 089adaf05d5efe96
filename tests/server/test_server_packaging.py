"""The server's deployment files say what they mean: the container runs a real command as a
non-root user with a health check, the systemd unit passes `systemd-analyze verify`, and the
server imports nothing the container leaves out. (No container runtime here: the image itself
is not built by the tests.)"""

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from familyworker_server import cli

SERVER = Path(__file__).resolve().parents[2] / "packaging" / "server"


def _instruction(containerfile: str, name: str) -> str:
    lines = [line for line in containerfile.splitlines() if line.startswith(name + " ")]
    assert lines, f"no {name} in the Containerfile"
    return lines[-1].removeprefix(name + " ")


def test_containerfile_runs_a_real_command_unprivileged_with_a_health_check() -> None:
    containerfile = (SERVER / "Containerfile").read_text()
    assert json.loads(_instruction(containerfile, "ENTRYPOINT")) == ["familyworker-server"]
    command = json.loads(_instruction(containerfile, "CMD"))
    assert command == ["serve"]
    assert cli.build_parser().parse_args(command).command == "serve"  # a real CLI command
    assert _instruction(containerfile, "USER") not in ("root", "0")
    health = containerfile[containerfile.index("HEALTHCHECK"):]
    assert "/healthz" in health.split("\n\n")[0]
    assert "--no-deps" in containerfile and "requirements.txt" in containerfile
    # What the server reads from resources/ travels too, and is found through the variable.
    root = SERVER.parents[1]
    for copied in re.findall(r"^COPY (resources/\S+) ", containerfile, re.M):
        assert (root / copied).is_dir()
    assert {"resources/retention", "resources/fonts"} <= set(
        re.findall(r"^COPY (resources/\S+) ", containerfile, re.M))
    assert "FAMILYWORKER_RESOURCES=/opt/familyworker/resources" in containerfile


def test_compose_runs_the_server_read_only_behind_caddy() -> None:
    compose = (SERVER / "compose.yaml").read_text()
    server = compose[compose.index("  server:"):compose.index("  proxy:")]
    assert "read_only: true" in server and "ports:" not in server  # only Caddy is published
    assert "FAMILYWORKER_DATABASE_URL" in server and "caddy" in compose
    caddyfile = (SERVER / "Caddyfile").read_text()
    assert "reverse_proxy server:8765" in caddyfile and "respond @internal 404" in caddyfile


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze absent")
def test_systemd_unit_verifies(tmp_path: Path) -> None:
    unit = (SERVER / "familyworker-server.service").read_text()
    for setting in ("DynamicUser=yes", "ProtectSystem=strict", "StateDirectory=familyworker",
                    "NoNewPrivileges=yes", "UMask=0077"):
        assert setting in unit
    installed = Path(sys.executable).with_name("familyworker-server")
    assert installed.exists()
    # Pointed at this checkout's command and no settings file, as verify needs both present.
    local = unit.replace("/opt/familyworker/bin/familyworker-server", str(installed)) \
        .replace("EnvironmentFile=/etc/familyworker/server.env", "EnvironmentFile=-/nonexistent")
    copy = tmp_path / "familyworker-server.service"
    copy.write_text(local)
    done = subprocess.run(["systemd-analyze", "verify", str(copy)], capture_output=True,
                          text=True, check=False,
                          env={**os.environ, "SYSTEMD_LOG_LEVEL": "warning"})
    assert done.returncode == 0, done.stderr
    assert "familyworker-server.service" not in done.stderr, done.stderr


def test_server_imports_nothing_the_container_leaves_out() -> None:
    """The image installs the project --no-deps plus packaging/server/requirements.txt: the
    server must not import the desktop app's Qt, store or PDF libraries."""
    probe = ("import sys, familyworker_server.cli, familyworker_server.main, "
             "familyworker_server.backup, familyworker_server.subject_access, uvicorn; "
             "print(sorted({m.split('.')[0] for m in sys.modules}))")
    loaded = set(json.loads(subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.replace("'", '"')))
    assert not loaded & {"PySide6", "sqlmodel", "sqlcipher3", "reportlab", "pypdfium2",
                         "cryptography", "platformdirs", "httpx"}
    required = {re.split(r"[<>=\[]", line)[0].strip().lower().replace("-", "_")
                for line in (SERVER / "requirements.txt").read_text().splitlines()
                if line.strip() and not line.startswith("#")}
    for direct in ("fastapi", "starlette", "uvicorn", "pydantic", "alembic", "sqlalchemy",
                   "prometheus_client"):
        assert direct in loaded and direct in required
    assert {"psycopg", "reportlab"} <= required  # imported when first needed
