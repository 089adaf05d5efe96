"""Two clients of one caseload refreshing at once (the background sync and the History fetch):
one exchange of the refresh token, the other adopts the saved pair (E1). Without the shared
lock and the re-read, the second exchange of the same refresh token voids the first pair and
the server stops the device's tokens as a reuse. Ordered by events, not sleeps."""

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

from tests.sync.helpers import Server, add_family, enrolled, sync

from familyworker.sync import credentials
from familyworker.sync.engine import SETTING_SERVER_URL, SyncEngine
from familyworker.sync.store_client import caseload_client
from familyworker.sync.token_protocol import TOKEN_PATH

SAFETY = 20.0  # seconds: only ever reached if the code under test is broken


class WatchedLock:
    """The caseload's refresh lock, telling the test when a second client starts to wait."""

    def __init__(self) -> None:
        self.inner = threading.Lock()
        self.second_waiting = threading.Event()
        self.entries = 0

    def __enter__(self) -> bool:
        self.entries += 1
        if self.entries == 2:
            self.second_waiting.set()
        return self.inner.acquire()

    def __exit__(self, *exc: tuple[type[BaseException], BaseException, TracebackType]) -> None:
        self.inner.release()


class HoldingTransport:
    """Passes requests to the test server; the first token exchange waits for ``release``."""

    def __init__(self, server: Server, release: threading.Event) -> None:
        self.server, self.release = server, release
        self.token_posts = 0
        self.first_exchange_started = threading.Event()

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        if url.endswith(TOKEN_PATH):
            self.token_posts += 1
            if self.token_posts == 1:
                self.first_exchange_started.set()
                assert self.release.wait(SAFETY)
        return self.server.client.request(method, url, **kwargs)

    def close(self) -> None:
        pass


def test_a_second_client_waits_and_adopts_the_refreshed_pair(
        sqlite_server: Server, tmp_path: Path) -> None:
    server = sqlite_server
    store = enrolled(server, tmp_path / "ann", server.worker("Ann", server.team("North")),
                     fast=True)
    family = add_family(store, "N-1")
    sync(store, server)
    held = credentials.load(store)
    assert held is not None
    credentials.save(store, replace(held, access_expires_at=datetime.now(UTC)
                                    - timedelta(minutes=1)))
    lock = WatchedLock()
    credentials._REFRESH_LOCKS[store.device_id] = lock  # type: ignore[assignment]
    release = threading.Event()
    transport = HoldingTransport(server, release)
    http: Any = transport
    background = SyncEngine(store, http=http)  # both loaded the expired pair
    history = caseload_client(store, str(store.setting(SETTING_SERVER_URL)), http=http)
    errors: list[BaseException] = []

    def background_sync() -> None:
        try:
            background.sync()
        except BaseException as error:  # reported to the test thread
            errors.append(error)

    syncing = threading.Thread(target=background_sync)
    syncing.start()
    assert transport.first_exchange_started.wait(SAFETY)  # the sync holds the lock, mid-refresh

    def history_fetch() -> None:
        try:
            history.get(f"/sync/v1/families/{family}/history", {"limit": 10})
        except BaseException as error:
            errors.append(error)

    fetching = threading.Thread(target=history_fetch)
    fetching.start()
    assert lock.second_waiting.wait(SAFETY)  # the History fetch now waits for the lock
    release.set()
    syncing.join(SAFETY)
    fetching.join(SAFETY)
    assert not errors
    assert transport.token_posts == 1  # one exchange; the fetch adopted the saved pair
    saved = credentials.load(store)
    assert saved is not None and saved.refresh_token != held.refresh_token
    # Both go on working: no reuse was seen, nothing was stopped.
    assert credentials.reconnect_reason(store) is None
    history.get(f"/sync/v1/families/{family}/history", {"limit": 10})
    background.sync()
    assert transport.token_posts == 1


def test_a_stale_client_adopts_a_pair_saved_since_it_loaded(
        sqlite_server: Server, tmp_path: Path) -> None:
    """The same race one step at a time: a client loaded before another refreshed."""
    server = sqlite_server
    store = enrolled(server, tmp_path / "ann", server.worker("Ann", server.team("North")),
                     fast=True)
    held = credentials.load(store)
    assert held is not None
    credentials.save(store, replace(held, access_expires_at=datetime.now(UTC)
                                    - timedelta(minutes=1)))
    release = threading.Event()
    release.set()
    transport = HoldingTransport(server, release)
    http: Any = transport
    url = str(store.setting(SETTING_SERVER_URL))
    stale = caseload_client(store, url, http=http)
    first = caseload_client(store, url, http=http)
    first.status()
    stale.status()
    assert transport.token_posts == 1
    SyncEngine(store, http=http).sync()
    assert credentials.reconnect_reason(store) is None
