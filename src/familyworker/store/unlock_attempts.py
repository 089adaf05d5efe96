"""Failed-unlock counter kept beside the key file, so restarting the app does not reset it (B2).

The database is locked when the counter matters, so it lives in a small file next to the key
file, MAC'd with a key derived from the key file's user and device ids. Editing the count or
last-failure time by hand, or copying a counter file from another caseload, is detected and
treated as the worst case (TAMPERED_FAILURES). Deleting the file resets the count: anyone who
can delete files here can also copy the key file and guess offline, where only the Argon2id
cost protects the data.
The counter slows guessing at the keyboard; it is not the at-rest control.
"""

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from familyworker.atomic_file import write_atomically
from familyworker.store.errors import StoreError
from familyworker.store.keys import read_key_file
from familyworker.store.paths import StorePaths
from familyworker.store.server_address import known_server

log = logging.getLogger(__name__)

COUNTER_FILE = "unlock-attempts.json"
ONLINE_UNLOCK_AFTER = 10  # B2: the Cyber Essentials ceiling
CODE_NEEDED = (f"There have been {ONLINE_UNLOCK_AFTER} wrong passphrases. Ask your "
               "administrator for an unlock code, connect to the internet, then enter the code "
               "to try again.")
TAMPERED_FAILURES = ONLINE_UNLOCK_AFTER  # an edited counter counts as the ceiling
_MAC_LABEL = b"familyworker unlock attempts v1"


# Growing delay after repeated failures, in the app and the CLI alike: none for the first two,
# then 2, 4, 8 … up to 60 s.
FREE_ATTEMPTS = 2
MAX_DELAY_S = 60.0


def default_backoff(failures: int) -> float:
    if failures <= FREE_ATTEMPTS:
        return 0.0
    return float(min(MAX_DELAY_S, 2 ** (failures - FREE_ATTEMPTS)))


@dataclass(frozen=True, slots=True)
class UnlockAttempts:
    failures: int = 0
    last_failure_at: float | None = None  # seconds since the epoch
    tampered: bool = False

    def seconds_to_wait(self, backoff: Callable[[int], float], now: float) -> float:
        """What is left of the delay after the last failure; a clock set back waits it all."""
        delay = backoff(self.failures)
        if delay <= 0 or self.last_failure_at is None:
            return 0.0
        elapsed = now - self.last_failure_at
        if elapsed < 0:
            return delay
        return max(0.0, delay - elapsed)


class UnlockCodeNeeded(StoreError):
    """B2: the passphrase is not tried; the server must confirm an unlock code first
    (services.online_unlock)."""

    def __init__(self) -> None:
        super().__init__(CODE_NEEDED)


class UnlockAttemptLog:
    """Reads and writes the counter for one data directory; safe to call from any thread."""

    def __init__(self, data_dir: Path, *, clock: Callable[[], float] = time.time) -> None:
        self._paths = StorePaths(data_dir)
        self._clock = clock

    @property
    def path(self) -> Path:
        return self._paths.data_dir / COUNTER_FILE

    def now(self) -> float:
        return self._clock()

    def read(self) -> UnlockAttempts:
        mac_key = self._mac_key()
        if mac_key is None or not self.path.exists():
            return UnlockAttempts()
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            failures = int(data["failures"])
            last = data["last_failure_at"]
            last_at = None if last is None else float(last)
            given = bytes.fromhex(str(data["mac"]))
        except (OSError, ValueError, KeyError, TypeError):
            return self._tampered()
        if failures < 0 or not hmac.compare_digest(given, _mac(mac_key, failures, last_at)):
            return self._tampered()
        return UnlockAttempts(failures, last_at)

    def code_needed(self, attempts: UnlockAttempts | None = None) -> bool:
        """B2: 10 passphrases have failed (``attempts``, else as recorded) and there is a server
        to ask; a caseload never enrolled has none: the growing delays stay its only brake."""
        recorded = attempts if attempts is not None else self.read()
        return recorded.failures >= ONLINE_UNLOCK_AFTER and \
            known_server(self._paths) is not None

    def require_code(self) -> None:
        """Before a passphrase is tried: refuse once a code is needed."""
        if self.code_needed():
            raise UnlockCodeNeeded()

    def record_failure(self) -> UnlockAttempts:
        previous = self.read()
        attempts = UnlockAttempts(previous.failures + 1, self._clock())
        self._write(attempts)
        return attempts

    def reset(self) -> None:
        """After a right passphrase: nothing to remember."""
        self.path.unlink(missing_ok=True)

    def _tampered(self) -> UnlockAttempts:
        log.warning("The failed-unlock counter was altered; treating it as %d failures",
                    TAMPERED_FAILURES)
        return UnlockAttempts(TAMPERED_FAILURES, self._clock(), tampered=True)

    def _write(self, attempts: UnlockAttempts) -> None:
        mac_key = self._mac_key()
        if mac_key is None:
            return  # no caseload here: nothing to protect
        payload = {"failures": attempts.failures, "last_failure_at": attempts.last_failure_at,
                   "mac": _mac(mac_key, attempts.failures, attempts.last_failure_at).hex()}
        write_atomically(self.path, json.dumps(payload).encode("utf-8"))

    def _mac_key(self) -> bytes | None:
        # Bound to this caseload's user and device (stable across passphrase changes): a counter
        # copied from another caseload does not verify.
        try:
            key_file = read_key_file(self._paths.key_file)
        except (OSError, StoreError):
            return None
        identity = f"{key_file.user_id}|{key_file.device_id}".encode()
        return hmac.new(hashlib.sha256(identity).digest(), _MAC_LABEL, hashlib.sha256).digest()


def _mac(key: bytes, failures: int, last_at: float | None) -> bytes:
    message = json.dumps([failures, last_at]).encode("utf-8")
    return hmac.new(key, message, hashlib.sha256).digest()
