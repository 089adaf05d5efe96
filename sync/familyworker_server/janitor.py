"""A daily tombstone purge inside ``serve``, so a small embedded deployment needs no cron job.

Several processes or hosts may each run one: a purge runs alone in its own transaction (see
tombstones.purge_tombstones) and a second one finds nothing more to do.
"""

import logging
import threading

from sqlalchemy import Engine

from familyworker_server.tombstones import purge_tombstones

log = logging.getLogger("familyworker_server.janitor")
DAY_S = 24 * 60 * 60


class TombstoneJanitor:
    """Purges deletion records older than ``days`` after ``first_delay_s``, then every
    ``interval_s``, on a daemon thread; a failed purge is logged and tried at the next turn."""

    def __init__(self, engine: Engine, *, days: float, interval_s: float = DAY_S,
                 first_delay_s: float = 60.0) -> None:
        self.engine = engine
        self.days = days
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
            try:
                result = purge_tombstones(self.engine, older_than_days=self.days)
            except Exception as error:  # the server keeps serving; the next turn tries again
                log.error("tombstone purge failed: %s", type(error).__name__)
                continue
            self.runs += 1
            log.info("tombstone purge", extra={"rows": result.removed})
