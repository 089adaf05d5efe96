"""A daily tombstone purge inside ``serve``, so a small embedded deployment needs no cron job;
with ``serve --retention-daily`` the retention run (retention.py) follows it each day.

Several processes or hosts may each run one: a purge runs alone in its own transaction (see
tombstones.purge_tombstones) and a second one finds nothing more to do.
"""

import logging
import threading
from collections.abc import Callable
from datetime import date

from sqlalchemy import Engine

from familyworker_server.retention import run_retention
from familyworker_server.tombstones import purge_tombstones

log = logging.getLogger("familyworker_server.janitor")
DAY_S = 24 * 60 * 60


class TombstoneJanitor:
    """Purges deletion records older than ``days`` after ``first_delay_s``, then every
    ``interval_s``, on a daemon thread; a failed purge is logged and tried at the next turn."""

    def __init__(self, engine: Engine, *, days: float, interval_s: float = DAY_S,
                 first_delay_s: float = 60.0, retention_daily: bool = False,
                 today: Callable[[], date] | None = None) -> None:
        self.engine = engine
        self.days = days  # 0: no tombstone purge (cron runs it)
        self.retention_daily = retention_daily
        self.today = today
        self.interval_s = interval_s
        self.first_delay_s = first_delay_s
        self.runs = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="tombstone-janitor",
                                        daemon=True)

    def start(self) -> "TombstoneJanitor":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    def _loop(self) -> None:
        wait = self.first_delay_s
        while not self._stop.wait(wait):
            wait = self.interval_s
            if self.run_once():
                self.runs += 1

    def run_once(self) -> bool:
        """One turn: the purge, then retention when asked; False if either failed."""
        ok = True
        if self.days > 0:
            try:
                result = purge_tombstones(self.engine, older_than_days=self.days)
                log.info("tombstone purge", extra={"rows": result.removed})
            except Exception as error:  # the server keeps serving; the next turn tries again
                log.error("tombstone purge failed: %s", type(error).__name__)
                ok = False
        if self.retention_daily:
            try:
                # Families only: serve's role has no DELETE on the audit log (I2); the audit's
                # cut runs with `retention --apply` as the owner role.
                report = run_retention(self.engine, apply=True, today=self.today,
                                       include_audit=False)
                log.info("retention run", extra={"rows": len(report.deleted)})
            except Exception as error:
                log.error("retention run failed: %s", type(error).__name__)
                ok = False
        return ok
