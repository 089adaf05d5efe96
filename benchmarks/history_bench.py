"""A family's History from the server (GET /sync/v1/families/{id}/history), on SQLite.

An audit log of 100,000 events over 500 families, one family holding 5,000 of them; a
supervisor's device reads that family: the first page (200 events, with the reading's own
audit write), and the whole History (25 pages, as the app's fetch reads it). In-process
(TestClient), so the figures are the server's work plus the client's parsing, not a network.

Last line: one JSON object of figures (milliseconds, medians).
"""

import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "sync"))

from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from familyworker.domain.ids import new_id  # noqa: E402
from familyworker_server import accounts, audit_chain, models  # noqa: E402
from familyworker_server.config import ServerSettings  # noqa: E402
from familyworker_server.main import create_app  # noqa: E402

EVENTS, FAMILIES, BIG_FAMILY_EVENTS, RUNS = 100_000, 500, 5_000, 15


def _median_ms(work: Callable[[], None], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times), 1)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(ServerSettings(data_dir=Path(tmp)))
        engine = app.state.engine
        team = accounts.add_team(engine, name="North")
        worker = accounts.add_worker(engine, name="Ann", role="worker", team=team)
        sue = accounts.add_worker(engine, name="Sue", role="supervisor", team=team)
        families = [new_id() for _ in range(FAMILIES)]
        big = families[0]
        start = datetime.now(UTC) - timedelta(days=400)
        rows = []
        for i in range(EVENTS):
            family = big if i % (EVENTS // BIG_FAMILY_EVENTS) == 0 \
                else families[1 + i % (FAMILIES - 1)]
            rows.append({"id": new_id(), "at": start + timedelta(minutes=i), "action": "update",
                         "entity": "contact_note", "entity_id": new_id(), "family_id": family,
                         "worker_id": worker, "device_id": None, "detail": ""})
        with engine.begin() as conn:
            conn.execute(insert(models.family_scope), [
                {"family_id": f, "team_id": team, "lead_worker_id": worker} for f in families])
            for at in range(0, len(rows), 10_000):
                audit_chain.append(conn, rows[at:at + 10_000])
        _, pair, _ = accounts.enrol(engine, code=accounts.new_enrolment_code(engine, worker=sue),
                                    device_id=new_id(), device_name="bench")
        headers = {"Authorization": f"Bearer {pair.access_token}"}
        path = f"/sync/v1/families/{big}/history"
        with TestClient(app) as client:
            def first_page() -> None:
                assert client.get(path, params={"limit": 200}, headers=headers).status_code == 200

            def whole() -> None:
                cursor, count = None, 0
                while True:
                    params: dict[str, int] = {"limit": 200}
                    if cursor is not None:
                        params["cursor"] = cursor
                    answer = client.get(path, params=params, headers=headers).json()
                    count += len(answer["events"])
                    cursor = answer["next_cursor"]
                    if cursor is None:
                        break
                assert count >= BIG_FAMILY_EVENTS

            figures = {"history_first_page_ms": _median_ms(first_page),
                       "history_whole_5000_ms": _median_ms(whole, 5),
                       "audit_rows": EVENTS, "family_events": BIG_FAMILY_EVENTS}
        engine.dispose()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
