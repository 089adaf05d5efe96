"""What a council's IT team runs the server by: settings from the environment, /healthz,
/readyz, /metrics and the JSON log lines with request ids and no personal data."""

import json
import logging
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from tests.server.test_api import V, enrol, family_op, push
from tests.sync.helpers import SERVER_URL, Server, add_family, add_note, enrolled, sync

from familyworker.domain.ids import new_id
from familyworker_server import cli, env_config
from familyworker_server.config import ServerSettings
from familyworker_server.main import JsonFormatter, create_app

# ----- settings from the environment -------------------------------------------------------


def _serve_args(argv: list[str], environ: dict[str, str]) -> object:
    args = cli.build_parser().parse_args(["serve", *argv])
    env_config.apply_environment(args, environ)
    return args


def test_variables_fill_settings_and_options_win() -> None:
    environ = {"FAMILYWORKER_DATABASE_URL": "postgresql://fw@db/fw", "FAMILYWORKER_PORT": "9000",
               "FAMILYWORKER_HOST": "0.0.0.0", "FAMILYWORKER_MAX_OFFLINE_DAYS": "14",
               "FAMILYWORKER_RETENTION_DAILY": "true", "FAMILYWORKER_METRICS_TOKEN": "s3cret",
               "FAMILYWORKER_LOG_FORMAT": "text", "FAMILYWORKER_CLOSED_GRACE_DAYS": "7"}
    args = _serve_args(["--port", "9100"], environ)
    expected = {"database_url": "postgresql://fw@db/fw", "port": 9100,
                               "host": "0.0.0.0", "max_offline_days": 14,
                               "retention_daily": True, "metrics_token": "s3cret",
                               "log_format": "text", "closed_grace_days": 7}
    assert {key: vars(args)[key] for key in expected} == expected
    # An option naming the database wins over the variable naming the other kind.
    args = _serve_args(["--data", "/srv/fw"], environ)
    assert (args.data, args.database_url) == ("/srv/fw", None)  # type: ignore[attr-defined]


def test_defaults_when_neither_is_given() -> None:
    args = _serve_args(["--data", "x"], {})
    assert (args.host, args.port, args.workers, args.log_format,  # type: ignore[attr-defined]
            args.retention_daily, args.metrics_token) == (  # type: ignore[attr-defined]
        "127.0.0.1", 8765, 1, "json", False, "")


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("FAMILYWORKER_PORT", "eighty", "FAMILYWORKER_PORT must be a whole number from 1 to 65535"),
    ("FAMILYWORKER_PORT", "70000", "FAMILYWORKER_PORT must be a whole number from 1 to 65535"),
    ("FAMILYWORKER_MAX_OFFLINE_DAYS", "-1", "FAMILYWORKER_MAX_OFFLINE_DAYS must be"),
    ("FAMILYWORKER_RETENTION_DAILY", "maybe", "FAMILYWORKER_RETENTION_DAILY must be true or"),
    ("FAMILYWORKER_LOG_FORMAT", "xml", "FAMILYWORKER_LOG_FORMAT must be one of json, text"),
])
def test_a_bad_variable_is_one_sentence_and_exit_2(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path,
        variable: str, value: str, says: str) -> None:
    monkeypatch.setenv(variable, value)
    assert cli.main(["serve", "--data", str(tmp_path / "never")]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith(says) and error.endswith(f"not {value!r}.")
    assert len(error.splitlines()) == 1
    assert not (tmp_path / "never").exists()  # refused before anything was made


def test_both_database_variables_are_refused(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FAMILYWORKER_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("FAMILYWORKER_DATABASE_URL", "postgresql://x@y/z")
    assert cli.main(["list-devices"]) == 2
    assert "set only one" in capsys.readouterr().err


def test_admin_commands_find_the_database_from_the_variable(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("FAMILYWORKER_DATA_DIR", str(tmp_path / "d"))
    assert cli.main(["add-team", "North"]) == 0
    team = capsys.readouterr().out.strip()
    assert cli.main(["add-worker", "Ann", "--team", team]) == 0
    assert (tmp_path / "d" / "familyworker-server.db").is_file()


def test_deploy_doc_holds_the_settings_table() -> None:
    doc = (Path(__file__).resolve().parents[2] / "docs" / "deploy.md").read_text()
    assert env_config.markdown_table() in doc


# ----- health and readiness ----------------------------------------------------------------


def test_healthz_and_readyz_without_auth(sqlite_server: Server) -> None:
    assert sqlite_server.client.get("/healthz").json() == {"status": "ok"}
    ready = sqlite_server.client.get("/readyz")
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})


def test_readyz_is_503_with_a_reason_when_migrations_lag(sqlite_server: Server) -> None:
    with sqlite_server.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    answer = sqlite_server.client.get("/readyz")
    assert answer.status_code == 503
    assert "schema is not at this server's version" in answer.json()["reason"]
    assert sqlite_server.client.get("/healthz").status_code == 200  # the process is still up


def test_readyz_is_503_when_the_database_cannot_be_reached(tmp_path: Path) -> None:
    settings = ServerSettings(database_url="postgresql://nobody@127.0.0.1:1/none",
                              run_migrations=False)
    app = create_app(settings)
    with TestClient(app, base_url=SERVER_URL) as client:
        answer = client.get("/readyz")
        assert (answer.status_code, answer.json()["reason"]) == (
            503, "The database cannot be reached.")
        assert client.get("/healthz").status_code == 200
    app.state.engine.dispose()


# ----- metrics -----------------------------------------------------------------------------


def _metrics(client: TestClient, token: str = "metrics-token") -> dict[str, float]:
    answer = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    values: dict[str, float] = {}
    for line in answer.text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


@pytest.fixture
def watched(tmp_path: Path) -> TestClient:
    app = create_app(ServerSettings(data_dir=tmp_path / "server", metrics_token="metrics-token"))
    with TestClient(app, base_url=SERVER_URL) as client:
        yield client  # type: ignore[misc]
    app.state.engine.dispose()


def test_metrics_are_refused_without_the_token_from_elsewhere(watched: TestClient) -> None:
    assert watched.get("/metrics").status_code == 403  # the test client is not loopback
    assert watched.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 403


def test_metrics_are_served_to_loopback_unless_proxied(tmp_path: Path) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path / "server"))
    with TestClient(app, base_url=SERVER_URL, client=("127.0.0.1", 50000)) as client:
        assert client.get("/metrics").status_code == 200
        # A reverse proxy on this host forwards outside callers from 127.0.0.1.
        assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}
                          ).status_code == 403
    app.state.engine.dispose()


def test_a_push_moves_the_counters_by_route_template(watched: TestClient) -> None:
    server = Server(watched, watched.app.state.engine)  # type: ignore[attr-defined]
    ann = server.worker("Ann", server.team("North"))
    device, token = enrol(server, ann)
    before = _metrics(watched)
    family = new_id()
    batch = [family_op(device, family), family_op("someone-else", new_id())]
    assert push(server, token, device, batch, batch_id="batch-1").status_code == 200
    assert watched.get("/sync/v1/pull", params={**V, "cursor": 0, "family": family},
                       headers={"Authorization": f"Bearer {token}"}).status_code == 200
    after = _metrics(watched)

    def moved(name: str) -> float:
        return after[name] - before.get(name, 0.0)

    assert moved('familyworker_ops_total{outcome="applied"}') == 1
    assert moved('familyworker_ops_total{outcome="refused"}') == 1  # a foreign stamp
    assert moved('familyworker_ops_total{outcome="conflicted"}') == 0
    assert moved("familyworker_push_seconds_count") == 1
    assert moved("familyworker_pull_seconds_count") == 1
    assert after['familyworker_http_requests_total{method="POST",route="/sync/v1/push",'
                 'status="200"}'] == 1
    assert after["familyworker_devices_enrolled"] == 1
    assert after["familyworker_devices_active"] == 1
    # Labels name route templates: no raw path, id or query reaches them.
    assert not any(family in name or device in name or "cursor" in name for name in after)
    # The same batch again gets the stored answer and is not counted twice.
    assert push(server, token, device, batch, batch_id="batch-1").status_code == 200
    again = _metrics(watched)
    assert again['familyworker_ops_total{outcome="applied"}'] == \
        after['familyworker_ops_total{outcome="applied"}']
    assert again["familyworker_push_seconds_count"] == after["familyworker_push_seconds_count"] + 1


def test_two_apps_in_one_process_keep_their_own_counts(tmp_path: Path) -> None:
    apps = [create_app(ServerSettings(data_dir=tmp_path / name, metrics_token="metrics-token"))
            for name in ("a", "b")]
    with TestClient(apps[0], base_url=SERVER_URL) as a, \
            TestClient(apps[1], base_url=SERVER_URL) as b:
        for _ in range(3):
            a.get("/healthz")
        key = 'familyworker_http_requests_total{method="GET",route="/healthz",status="200"}'
        assert _metrics(a)[key] == 3
        assert key not in _metrics(b)
    for app in apps:
        app.state.engine.dispose()


# ----- request ids and logs ----------------------------------------------------------------


def test_request_ids_are_kept_when_well_formed_and_made_otherwise(watched: TestClient) -> None:
    kept = watched.get("/healthz", headers={"X-Request-ID": "abc-123-def-456"})
    assert kept.headers["X-Request-ID"] == "abc-123-def-456"
    for bad in ("short", "has spaces in it ok", "x" * 200, "semi;colon;id"):
        made = watched.get("/healthz", headers={"X-Request-ID": bad}).headers["X-Request-ID"]
        assert made != bad and len(made) == 32
    assert watched.get("/healthz").headers["X-Request-ID"] != \
        watched.get("/healthz").headers["X-Request-ID"]


def test_logs_are_json_with_request_ids_and_hold_no_personal_data(
        sqlite_server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    ann = sqlite_server.worker("Ann", sqlite_server.team("North"))
    store = enrolled(sqlite_server, tmp_path / "laptop", ann)
    family = add_family(store, "FAM-ZQX-4471", "Featherstonehaugh-Quill")
    add_note(store, family, "Talked with Bartholomew about the CANARY-9921 arrangement")
    with caplog.at_level(logging.DEBUG):
        sync(store, sqlite_server)
    lines = [JsonFormatter().format(record) for record in caplog.records]
    captured = "\n".join(lines + [record.getMessage() for record in caplog.records])
    for secret in ("FAM-ZQX-4471", "Featherstonehaugh", "Bartholomew", "CANARY-9921"):
        assert secret not in captured
    access = [json.loads(line) for line in lines if '"logger": "familyworker_server.access"'
              in line]
    assert {entry["route"] for entry in access} >= {"/sync/v1/push", "/sync/v1/pull"}
    assert all(len(entry["request_id"]) == 32 for entry in access)
    assert len({entry["request_id"] for entry in access}) == len(access)
    pushes = [json.loads(line) for line in lines if '"event": "push"' in line]
    assert pushes and pushes[0]["request_id"] in {entry["request_id"] for entry in access}
