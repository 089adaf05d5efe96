"""HTTP transport to the sync server: gzip bodies, a bearer token, errors as plain sentences."""

import gzip
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pydantic_core import from_json, to_json

from familyworker.sync import protocol
from familyworker.sync.credentials import Credentials
from familyworker.sync.token_protocol import (
    TOKEN_PATH,
    EnrolTokensResponse,
    TokenRequest,
    TokenResponse,
)


class SyncError(Exception):
    """A sync failure whose message is safe to show the user."""

    code = "sync_error"


class ServerUnreachable(SyncError):
    code = "unreachable"

    def __init__(self) -> None:
        super().__init__("The sync server could not be reached; your changes are kept on this "
                         "device and will be sent next time.")


class DeviceRevoked(SyncError):
    code = "device_revoked"


class ReconnectRequired(SyncError):
    """The server stopped this device's tokens because a refresh token was used twice.

    Deliberately not a DeviceRevoked: a reuse is as likely to be this laptop losing a race (a
    restored backup, a copied caseload) as a thief, and the worker's unsynced changes are still
    only here. Nothing is wiped; the worker connects again with a new enrolment code and the
    outbox is sent then. Only an administrator's revocation (E2) wipes.
    """

    code = "token_reused"

    def __init__(self) -> None:
        super().__init__("For safety, the server has stopped this laptop's connection because "
                         "its sign-in was used twice (for example from a copy of this caseload). "
                         "Nothing on this laptop has been deleted and your changes are kept. Ask "
                         "your administrator for a new enrolment code and connect again.")


class TokenUnknown(ReconnectRequired):
    """The server does not recognise this laptop's refresh token: most likely it was restored
    from a backup taken before the token was issued. As after a reuse, nothing is wiped; the
    worker connects again with a new enrolment code (the restored server accepts it)."""

    def __init__(self) -> None:
        SyncError.__init__(self, "The server does not recognise this laptop's connection (it "
                           "may have been restored from a backup). Nothing on this laptop has "
                           "been deleted and your changes are kept. Ask your administrator "
                           "for a new enrolment code and connect again.")


class NotEnrolled(SyncError):
    code = "not_enrolled"

    def __init__(self) -> None:
        super().__init__("This caseload is not connected to a server yet; use 'familyworker "
                         "enrol' first.")


class ClockAhead(SyncError):
    """This device's clock (or the stamps it already issued) runs ahead of the server's."""

    code = "clock_ahead"

    def __init__(self, message: str, *, stamps_only: bool = False) -> None:
        super().__init__(message + " Nothing was sent; your changes are kept on this device. "
                         "Correct the date and time, then sync again (if it persists, ask "
                         "your administrator).")
        # The clock is right now, but changes were stamped while it ran fast: re-stamp them.
        self.stamps_only = stamps_only


class ResyncRequired(SyncError):
    """410 resync_scope: the server has since purged deletion records this device never saw,
    so its place in the change feed is gone; the engine downloads the caseload again."""

    code = "resync_scope"


class ServerRefused(SyncError):
    """The server answered with a 4xx/5xx ErrorBody."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code


# Refresh this long before the access token's stated expiry, so it does not lapse in flight.
EXPIRY_MARGIN = timedelta(seconds=30)


class SyncClient:
    """One server, one device. The httpx client is injectable (tests pass a TestClient).

    With ``credentials`` the client refreshes the access token itself: before a request when it
    has expired (by this device's clock), and once more if the server still answers 401
    ``token_expired`` (clock skew), then repeats the request. The rotated pair is handed to
    ``on_rotate`` - which must persist it durably - before the new access token is ever sent, so a
    crash leaves either the old pair (the server's grace rule accepts the old refresh token again)
    or the new one, never neither. ``on_stopped`` is called when the server answers
    ``token_reused``. ``token`` alone is a fixed bearer with no refresh.
    """

    def __init__(self, server_url: str, *, token: str | None = None,
                 credentials: Credentials | None = None, device_id: str | None = None,
                 on_rotate: Callable[[Credentials], None] | None = None,
                 on_stopped: Callable[[], None] | None = None,
                 stored: Callable[[], Credentials | None] | None = None,
                 token_lock: "threading.Lock | None" = None,
                 http: httpx.Client | None = None, timeout: float = 30.0) -> None:
        self.server_url = server_url.rstrip("/")
        self.token = token
        self._credentials = credentials
        self._device_id = device_id
        self._on_rotate = on_rotate
        self._on_stopped = on_stopped
        # Push and pull send from worker threads: one refresh at a time, the others wait for it.
        # Shared with every other client of the same caseload (credentials.refresh_lock), whose
        # refreshes ``stored`` reads back: the pair another client saved is adopted, not
        # refreshed again.
        self._token_lock = token_lock or threading.Lock()
        self._stored = stored
        # The epoch the server's last answer named (protocol.EPOCH_HEADER); None until one does.
        self.server_epoch: str | None = None
        self._legacy_bearer = False  # an older server without /token: keep the old token
        self._own_http = http is None
        self.http = http or httpx.Client(timeout=timeout)

    def close(self) -> None:
        if self._own_http:
            self.http.close()

    def _headers(self) -> dict[str, str]:
        # The bearer is added per attempt in _request (it may be refreshed between attempts).
        return {"Accept-Encoding": "gzip"}

    def post(self, path: str, payload: dict[str, Any]) -> Any:
        return from_json(self._post(path, payload).content)

    def _post(self, path: str, payload: dict[str, Any], *, auth: bool = True) -> httpx.Response:
        # Level 1: about twice as fast as 4 on a 5,000-op batch, and only ~10% larger.
        body = gzip.compress(to_json(payload), compresslevel=1)
        headers = {**self._headers(), "Content-Type": "application/json",
                   "Content-Encoding": "gzip"}
        return self._request("POST", path, content=body, headers=headers, auth=auth)

    def get(self, path: str, params: dict[str, Any]) -> Any:
        return self._send("GET", path, params=params, headers=self._headers())

    def _send(self, method: str, path: str, **kwargs: Any) -> Any:
        # pydantic-core's parser: about twice json.loads on a 2,000-row pull page.
        return from_json(self._request(method, path, **kwargs).content)

    def _request(self, method: str, path: str, *, auth: bool = True,
                 **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", None) or {})
        for attempt in (1, 2):
            bearer = self._bearer() if auth else None
            if bearer:
                headers["Authorization"] = f"Bearer {bearer}"
            response = self._exchange(method, path, headers=headers, **kwargs)
            if response.status_code < 400:
                epoch = response.headers.get(protocol.EPOCH_HEADER)
                if epoch:
                    self.server_epoch = epoch
                return response
            error = _refusal(response)
            # An unknown token too: a server restored from a backup never saw the pair issued
            # after it; a refresh says whether it knows this device at all (_refresh).
            if attempt == 1 and bearer and error.code in ("token_expired", "invalid_token") \
                    and response.status_code == 401 and self._expire(bearer):
                continue  # refreshed on the next _bearer(); the body is bytes, safe to resend
            raise self._stopped(error)
        raise AssertionError("unreachable")

    def _exchange(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        try:
            return self.http.request(method, self.server_url + path, **kwargs)
        except httpx.TransportError:
            raise ServerUnreachable() from None

    def _stopped(self, error: SyncError) -> SyncError:
        if isinstance(error, ReconnectRequired) and self._on_stopped is not None:
            self._on_stopped()
        return error

    # ----- credentials -----------------------------------------------------------------------

    def _bearer(self) -> str | None:
        if self._credentials is None:
            return self.token
        with self._token_lock:
            credentials = self._credentials
            soon = datetime.now(UTC) + EXPIRY_MARGIN
            # The stored pair matters only before a refresh (another client may have rotated
            # it): read it then, not on every request.
            if not self._legacy_bearer and credentials.needs_refresh(soon):
                credentials = self._adopt_stored()
                if credentials.needs_refresh(soon):
                    credentials = self._refresh(credentials)
            return credentials.access_token or credentials.refresh_token

    def _expire(self, bearer: str) -> bool:
        """The server called ``bearer`` expired: refresh before the next attempt (unless another
        thread already has). False when there is nothing to refresh with."""
        with self._token_lock:
            credentials = self._adopt_stored() if self._credentials is not None else None
            if credentials is None or self._legacy_bearer:
                return False
            if credentials.access_token == bearer:
                self._credentials = replace(credentials, access_expires_at=None)
            return True

    def _adopt_stored(self) -> Credentials:
        """(Lock held.) The stored pair when another client of this caseload rotated it since
        this one last looked; otherwise this client's own."""
        held = self._credentials
        assert held is not None
        latest = self._stored() if self._stored is not None else None
        if latest is not None and latest.refresh_token != held.refresh_token:
            self._credentials = held = latest
        return held

    def _refresh(self, credentials: Credentials) -> Credentials:
        """Exchange the refresh token (lock held). The new pair is persisted before use."""
        request = TokenRequest(protocol=protocol.PROTOCOL_VERSION,
                               schema_version=protocol.SCHEMA_VERSION,
                               device_id=self._device_id or "",
                               refresh_token=credentials.refresh_token)
        body = gzip.compress(to_json(request.model_dump(mode="json")), compresslevel=1)
        response = self._exchange("POST", TOKEN_PATH, content=body, headers={
            **self._headers(), "Content-Type": "application/json", "Content-Encoding": "gzip"})
        if response.status_code == 404 and credentials.legacy:
            # A server from before token rotation: its device token stays the bearer.
            self._legacy_bearer = True
            return credentials
        if response.status_code >= 400:
            refusal = _refusal(response)
            if response.status_code == 401 and refusal.code == "invalid_token":
                # The server does not know this refresh token (restored from a backup taken
                # before it was issued): it is useless; connect again, keeping everything.
                refusal = TokenUnknown()
            raise self._stopped(refusal)
        answer = TokenResponse.model_validate_json(response.content)
        fresh = Credentials(
            refresh_token=answer.refresh_token, access_token=answer.access_token,
            # Our own clock plus the lifetime: a skewed clock cannot make it look valid longer.
            access_expires_at=datetime.now(UTC) + timedelta(seconds=answer.expires_in))
        if self._on_rotate is not None:
            self._on_rotate(fresh)  # durable first: if this fails, the new pair is never used
        self._credentials = fresh
        return fresh

    def enrol(self, request: protocol.EnrolRequest) -> EnrolTokensResponse:
        return EnrolTokensResponse.model_validate_json(self._post(
            "/sync/v1/enrol", request.model_dump(mode="json"), auth=False).content)

    def confirm_unlock(self, request: protocol.UnlockRequest) -> protocol.UnlockResponse:
        """SECURITY B2: the administrator's unlock code, sent by a locked caseload (no bearer)."""
        return protocol.UnlockResponse.model_validate_json(self._post(
            "/sync/v1/unlock", request.model_dump(mode="json"), auth=False).content)

    def push(self, payload: dict[str, Any]) -> protocol.PushResponse:
        return protocol.PushResponse.model_validate_json(
            self._post("/sync/v1/push", payload).content)

    def pull_raw(self, *, cursor: int, limit: int, download: bool = False,
                 include_own: bool = False) -> bytes:
        """One page as the JSON bytes received (the engine lets SQLite read them; rows are
        checked per table on apply). ``download``: the pass began at cursor 0;
        ``include_own``: also rows only this device wrote (a full download after 410
        resync_scope)."""
        params: dict[str, Any] = {
            "protocol": protocol.PROTOCOL_VERSION, "schema_version": protocol.SCHEMA_VERSION,
            "cursor": cursor, "limit": limit}
        if download:
            params["download"] = "true"
        if include_own:
            params["include_own"] = "true"
        return self._request("GET", "/sync/v1/pull", params=params,
                             headers=self._headers()).content

    def scope(self) -> protocol.ScopeResponse:
        return protocol.ScopeResponse.model_validate(self.get("/sync/v1/scope", {}))

    def status(self) -> protocol.StatusResponse:
        return protocol.StatusResponse.model_validate(self.get("/sync/v1/status", {}))

    @staticmethod
    def pack(body: bytes) -> bytes:
        """A push body the engine serialised (stored ops spliced in) as it travels:
        gzip-compressed (level 1)."""
        return gzip.compress(body, compresslevel=1)

    def push_packed(self, packed: bytes) -> bytes:
        """Send a body ``pack`` made; returns the answer's JSON unparsed. The engine packs the
        next batch and parses this answer while other work waits on the server, not before
        the send or after the answer."""
        headers = {**self._headers(), "Content-Type": "application/json",
                   "Content-Encoding": "gzip"}
        return self._request("POST", "/sync/v1/push", content=packed, headers=headers).content


def _refusal(response: httpx.Response) -> SyncError:
    try:
        body = response.json()
        code, message = str(body.get("code", "")), str(body.get("message", ""))
    except (ValueError, AttributeError):
        code, message = "", ""
    if code == "device_revoked":
        return DeviceRevoked(message or "This device has been revoked.")
    if code == "clock_ahead":
        errors = body.get("errors") if isinstance(body, dict) else None
        return ClockAhead(message, stamps_only=isinstance(errors, list) and any(
            isinstance(e, dict) and e.get("type") == "stamps_ahead" for e in errors))
    if code == "token_reused":
        return ReconnectRequired()
    if code == "resync_scope":
        return ResyncRequired(message)
    if response.status_code >= 500 and not code:
        return ServerUnreachable()
    status = response.status_code
    return ServerRefused(status, code or "error",
                         message or f"The sync server refused the request ({status}).")
