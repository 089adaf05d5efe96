"""Connecting a caseload to the organisation's server and running one sync pass, with every
failure turned into a plain outcome the app can show. Blocking: call off the GUI thread."""

import logging
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit

import httpx
from sqlalchemy import text

from familyworker.services.closed_purge import purge_closed_families
from familyworker.services.offline_policy import remember_policy
from familyworker.services.sync_outcome import ConnectProblem, SyncPass, SyncState
from familyworker.store.caseload_store import CaseloadStore
from familyworker.sync.client import (
    DeviceRevoked,
    NotEnrolled,
    ServerRefused,
    ServerUnreachable,
    SyncError,
)
from familyworker.sync.engine import SyncEngine, enrol
from familyworker.sync.page_apply import SETTING_CURSOR
from familyworker.sync.shred import crypto_shred

log = logging.getLogger(__name__)

# A dead network should show "offline" within seconds, while a big first pull may take longer.
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 60.0

UNREACHABLE = ("The server could not be reached. Check the address and that this laptop is "
               "online, then try again.")
WRONG_CODE = ("That enrolment code is not recognised or has already been used. Check it, or ask "
              "your administrator for a new one.")
EXPIRED_CODE = "That enrolment code has expired. Ask your administrator for a new one."
REVOKED = ("This laptop has been disconnected from your organisation, so the caseload on it is "
           "being wiped now; changes not yet sent cannot be recovered. If this is a mistake, ask "
           "your administrator for a new enrolment code.")


def http_client(read_timeout_s: float = READ_TIMEOUT_S) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(read_timeout_s, connect=CONNECT_TIMEOUT_S))


def check_server_address(address: str) -> str:
    """The address as the engine wants it, or ConnectProblem saying what is wrong with it."""
    address = address.strip()
    if not address:
        raise ConnectProblem("Enter your organisation's server address.")
    parts = urlsplit(address)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise ConnectProblem("The server address should start with https:// (for example "
                             "https://sync.example.org).")
    return address.rstrip("/")


def connect_to_organisation(store: CaseloadStore, *, server_url: str, code: str,
                            http: httpx.Client | None = None) -> SyncPass:
    """Enrol this caseload with a one-time code, then run the first sync.

    Raises ConnectProblem (nothing enrolled) when the address, the code or the server is wrong.
    A first sync that fails after a good enrolment is reported in the returned pass instead: the
    caseload is connected and background sync will catch up.
    """
    url = check_server_address(server_url)
    if not code.strip():
        raise ConnectProblem("Enter the enrolment code your administrator gave you.")
    own = http is None
    client = http or http_client()
    try:
        try:
            enrol(store, server_url=url, code=code, http=client)
        except ServerUnreachable:
            raise ConnectProblem(UNREACHABLE) from None
        except ServerRefused as refused:
            raise ConnectProblem(_refusal_text(refused)) from None
        except SyncError as error:
            raise ConnectProblem(str(error)) from None
        except httpx.HTTPError:
            raise ConnectProblem(UNREACHABLE) from None
        except ValueError:  # not a sync server: the answer was not the protocol's JSON
            raise ConnectProblem("That address answered, but not as a FamilyWorker server. "
                                 "Check the address.") from None
        log.info("caseload connected to the organisation's server")
        return sync_pass(store, http=client)
    finally:
        if own:
            client.close()


def _refusal_text(refused: ServerRefused) -> str:
    if refused.code == "enrolment_code_invalid":
        return WRONG_CODE
    if refused.code == "enrolment_code_expired":
        return EXPIRED_CODE
    return str(refused)


def sync_pass(store: CaseloadStore, *, http: httpx.Client | None = None,
              today: Callable[[], date] = date.today) -> SyncPass:
    """Ask the server whether this device is still welcome, then push, pull and merge once.

    A revoked device is reported *before* anything is wiped, so the app can tell the worker and
    then call `wipe_revoked_caseload`. Only if the revocation lands between that question and
    the pass does the engine shred on its own; the pass then comes back `wiped`.
    """
    own = http is None
    client = http or http_client()
    try:
        try:
            engine = SyncEngine(store, http=client)
        except NotEnrolled:
            return SyncPass(SyncState.NOT_CONNECTED)
        try:
            try:
                remember_policy(store, engine.client.status())
            except DeviceRevoked:
                log.warning("sync: device revoked")
                return SyncPass(SyncState.REVOKED, message=REVOKED)
            cursor = int(store.setting(SETTING_CURSOR, 0) or 0)
            report = engine.sync()
        finally:
            engine.close()
    except DeviceRevoked:
        log.warning("sync: device revoked during a pass; local caseload wiped")
        return SyncPass(SyncState.REVOKED, message=REVOKED, wiped=True)
    except ServerUnreachable:
        log.info("sync: server unreachable")
        return SyncPass(SyncState.OFFLINE, message="Offline: your changes are kept on this "
                                                   "laptop and will be sent next time.")
    except ServerRefused as refused:
        log.warning("sync refused by the server (%s, %s)", refused.status, refused.code)
        return SyncPass(SyncState.REFUSED, message=str(refused))
    except httpx.HTTPError as error:
        log.info("sync: transport problem (%s)", type(error).__name__)
        return SyncPass(SyncState.OFFLINE, message="Offline: the connection dropped; nothing "
                                                   "was lost and sync will try again.")
    except SyncError as error:
        log.warning("sync failed (%s)", error.code)
        return SyncPass(SyncState.REFUSED, message=str(error))
    finally:
        if own:
            client.close()
    log.info("sync: pushed %d, pulled %d, conflicts %d", report.pushed, report.pulled,
             report.conflicts_found)
    try:  # closed families leave this laptop once all their changes are sent (J1)
        purge_closed_families(store, today=today())
    except Exception as error:  # the pass itself succeeded; the next one tries again
        log.warning("closed-family purge failed (%s)", type(error).__name__)
    # A first download brings every past oversight note: that is not news.
    news = oversight_received(store, after_seq=cursor) if cursor > 0 and report.pulled else ()
    return SyncPass(SyncState.SYNCED, report=report, oversight_for=news)


def wipe_revoked_caseload(store: CaseloadStore) -> None:
    """Crypto-shred a revoked device's caseload: the wrapped key first, then the files (E2).
    The server accepts nothing more from a revoked device, so unsent changes cannot be saved."""
    crypto_shred(store)


__all__ = ["ConnectProblem", "SyncPass", "SyncState", "check_server_address",
           "connect_to_organisation", "sync_pass", "wipe_revoked_caseload"]


def oversight_received(store: CaseloadStore, *, after_seq: int) -> tuple[str, ...]:
    """References of families with management oversight written by someone else and received
    after ``after_seq`` (identifiers only)."""
    with store.read() as session:
        rows = session.execute(text(
            "SELECT DISTINCT f.reference FROM oversight_note o JOIN family f ON f.id = o.family_id "
            "WHERE o.server_seq > :after AND o.deleted_at IS NULL AND f.deleted_at IS NULL "
            "AND (o.supervisor_id IS NULL OR o.supervisor_id != :me) ORDER BY f.reference"),
            {"after": after_seq, "me": store.worker_id}).all()
    return tuple(str(r[0]) for r in rows)


# Sending at lock must not keep the caseload open long on a poor connection.
LOCK_PUSH_TIMEOUT_S = 10.0


def push_before_lock(store: CaseloadStore) -> int:
    """Send the changes waiting here (no pull) as the caseload locks, while the network is
    there; returns how many went. Any failure is quiet: they stay waiting, nothing is lost."""
    # The client is closed here: the engine closes only a client it made itself.
    with http_client(read_timeout_s=LOCK_PUSH_TIMEOUT_S) as client:
        try:
            engine = SyncEngine(store, http=client)
        except NotEnrolled:
            return 0
        try:
            pushed, _rejected = engine.push()
            return pushed
        except (SyncError, httpx.HTTPError, DeviceRevoked, ServerUnreachable) as error:
            log.info("sync at lock: not sent (%s)", type(error).__name__)
            return 0
        finally:
            engine.close()
