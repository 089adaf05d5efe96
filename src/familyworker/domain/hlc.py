"""Hybrid logical clock: per-field version stamps that order edits across devices.

A stamp is a fixed-width string ``<12 hex ms>-<4 hex counter>-<device id>`` so plain string
comparison orders stamps by wall time, then counter, then device (a deterministic tie-break).
"""

from collections.abc import Callable
from dataclasses import dataclass

MAX_COUNTER = 0xFFFF


@dataclass(frozen=True, slots=True, order=True)
class Timestamp:
    """One HLC reading."""

    wall_ms: int
    counter: int
    device_id: str

    def __str__(self) -> str:
        return f"{self.wall_ms:012x}-{self.counter:04x}-{self.device_id}"

    @classmethod
    def parse(cls, text: str) -> "Timestamp":
        try:
            wall, counter, device = text.split("-", 2)
            if len(wall) != 12 or len(counter) != 4 or not device:
                raise ValueError
            return cls(int(wall, 16), int(counter, 16), device)
        except ValueError:
            raise ValueError("not a version stamp") from None


class HybridLogicalClock:
    """Issues monotonically increasing stamps for one device; never goes backwards."""

    def __init__(
        self,
        device_id: str,
        *,
        wall_clock_ms: Callable[[], int],
        last: Timestamp | None = None,
    ) -> None:
        self._device_id = device_id
        self._wall_clock_ms = wall_clock_ms
        self._wall_ms = last.wall_ms if last else 0
        self._counter = last.counter if last else 0

    @property
    def device_id(self) -> str:
        return self._device_id

    def last(self) -> Timestamp:
        return Timestamp(self._wall_ms, self._counter, self._device_id)

    def now(self) -> Timestamp:
        """A stamp later than every stamp issued or observed so far."""
        physical = self._wall_clock_ms()
        if physical > self._wall_ms:
            self._wall_ms, self._counter = physical, 0
        else:
            self._bump_counter()
        return self.last()

    def observe(self, remote: Timestamp | str) -> None:
        """Move past a stamp received from elsewhere, so our next edit orders after it."""
        stamp = Timestamp.parse(remote) if isinstance(remote, str) else remote
        physical = self._wall_clock_ms()
        latest = max(self._wall_ms, stamp.wall_ms, physical)
        if latest == self._wall_ms == stamp.wall_ms:
            self._counter = max(self._counter, stamp.counter)
        elif latest == stamp.wall_ms:
            self._wall_ms, self._counter = stamp.wall_ms, stamp.counter
        elif latest != self._wall_ms:
            # Physical time is ahead of both; now() will start a fresh counter from it.
            self._wall_ms, self._counter = physical, 0
        # The next now() bumps past (wall, counter), so it orders after the observed stamp.

    def _bump_counter(self) -> None:
        if self._counter >= MAX_COUNTER:
            # Borrow a millisecond rather than overflow: still monotonic, still sortable.
            self._wall_ms += 1
            self._counter = 0
        else:
            self._counter += 1
