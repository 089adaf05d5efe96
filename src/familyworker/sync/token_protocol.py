"""Wire schemas for device credentials (E1): the refresh exchange and the enrolment answer.

A device holds a long-lived opaque refresh token, rotated on every use, and a short-lived opaque
access token sent as the bearer on every other request. Both are random strings; the server keeps
only their SHA-256. Shared by the server and the client, pure pydantic like ``protocol``.
"""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, StringConstraints

from familyworker.sync.protocol import Answer, EnrolResponse, Uuid, Versioned

TOKEN_PATH = "/sync/v1/token"

# What a 401 means to the client:
#   token_expired  - the access token is past its lifetime: refresh once and retry.
#   token_reused   - a rotated refresh token was presented again, so the server stopped this
#                    device's whole token family: the device must be reconnected (new code).
#   device_revoked - an administrator revoked the device (or disabled the worker): wipe.
#   invalid_token  - the token is not known at all.
TokenErrorCode = Literal["token_expired", "token_reused", "device_revoked", "invalid_token"]

Token = Annotated[str, StringConstraints(min_length=16, max_length=200)]


class TokenRequest(Versioned):
    """Exchange the current refresh token for a new pair (the old one stops working)."""

    device_id: Uuid
    refresh_token: Token


class TokenResponse(Answer):
    access_token: str
    refresh_token: str
    # Seconds from now: the client adds them to its own clock, so clock skew does not matter.
    expires_in: int = Field(ge=0)
    access_expires_at: datetime
    server_time: datetime


class EnrolTokensResponse(EnrolResponse):
    """The enrolment answer with the refresh token and the access token's lifetime."""

    refresh_token: str
    expires_in: int = Field(ge=0)
    access_expires_at: datetime
