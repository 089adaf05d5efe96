"""The daily purge inside `serve`: old deletion records go without a cron job."""

import time
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from familyworker_server import cli, db, models
from familyworker_server.janitor import TombstoneJanitor

DAY_MS = 86_400_000


def stamp(days_ago: float) -> str:
    return f"{time.time_ns() // 1_000_000 - int(days_ago * DAY_MS):012x}-0000-laptop"


def test_the_janitor_purges_old_tombstones_on_its_own(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'server.db'}")
    db.migrate(engine)
    with engine.begin() as conn:
        for row_id, days_ago, seq in (("old", 200, 1), ("recent", 10, 2)):
            conn.execute(insert(models.sync_row).values(
                table_name="person", row_id=row_id, family_id="f", team_id="t", data="{}",
                field_hlc=f'{{"*":"{stamp(days_ago)}"}}', field_seq='{"*":1}',
                server_seq=seq, deleted=True, deleted_hlc=stamp(days_ago)))
    janitor = TombstoneJanitor(engine, days=180, interval_s=0.05, first_delay_s=0).start()
    try:
        deadline = time.monotonic() + 10
        while janitor.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        janitor.stop()
    assert janitor.runs >= 2  # it keeps going after the first turn
    with engine.connect() as conn:
        left = [r[0] for r in conn.execute(select(models.sync_row.c.row_id))]
        horizon = conn.execute(select(models.sync_counter.c.tombstone_horizon)).scalar_one()
    assert (left, horizon) == (["recent"], 1)
    engine.dispose()


def test_serve_refuses_a_negative_window(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["serve", "--data", str(tmp_path), "--tombstone-days", "-1"]) == 2
    assert "must not be negative" in capsys.readouterr().err
