"""SECURITY B2, after 10 wrong passphrases (``UnlockAttemptLog.require_code`` refuses
the passphrase): the worker asks their administrator for an unlock code, who knows from the call
that it is them, and the server confirms it. Guessing at the keyboard cannot go on unseen, and a
laptop revoked meanwhile is wiped when it asks."""

import logging
from pathlib import Path

import httpx
from pydantic import ValidationError

from familyworker.services.offline_limit import CaseloadWiped
from familyworker.services.sync_session import REVOKED
from familyworker.store.errors import StoreError
from familyworker.store.keys import read_key_file
from familyworker.store.paths import StorePaths
from familyworker.store.server_address import known_server
from familyworker.store.unlock_attempts import UnlockAttemptLog
from familyworker.sync import protocol
from familyworker.sync.client import DeviceRevoked, ServerRefused, ServerUnreachable, SyncClient
from familyworker.sync.shred import shred_files

log = logging.getLogger(__name__)

NOT_A_CODE = "That is not an unlock code; check it and try again."
UNREACHABLE = ("The server could not be reached. Connect to the internet, then enter the "
               "code again.")


def confirm_unlock_code(data_dir: Path, code: str, *, attempts: UnlockAttemptLog,
                        http: httpx.Client | None = None) -> None:
    """Send the code; once the server confirms it the count of wrong passphrases starts again.
    A wrong, used or expired code, or no connection: StoreError in plain words, nothing
    changes. The device revoked: the caseload is crypto-shredded and CaseloadWiped raised."""
    paths = StorePaths(data_dir)
    url = known_server(paths)
    if url is None:
        raise StoreError("This caseload is not connected to a server, so there is no code to "
                         "enter; wait, then try your passphrase again.")
    try:
        device_id = read_key_file(paths.key_file).device_id
    except OSError:
        raise StoreError("The caseload could not be read on this laptop.") from None
    try:
        request = protocol.UnlockRequest(
            protocol=protocol.PROTOCOL_VERSION, schema_version=protocol.SCHEMA_VERSION,
            device_id=device_id, code=code.strip())
    except ValidationError:
        raise StoreError(NOT_A_CODE) from None
    client = SyncClient(url, http=http)
    try:
        client.confirm_unlock(request)
    except DeviceRevoked:
        log.warning("device revoked at the unlock-code check; wiping the local caseload")
        shred_files(paths)
        attempts.reset()
        raise CaseloadWiped(REVOKED) from None
    except ServerUnreachable:
        raise StoreError(UNREACHABLE) from None
    except ServerRefused as refusal:
        if refusal.status == 422:  # a code that cannot be one (too short, too long)
            raise StoreError(NOT_A_CODE) from None
        raise StoreError(str(refusal)) from None
    finally:
        client.close()
    attempts.reset()
