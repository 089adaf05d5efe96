"""body_hash digests a push body minus its first client_time without copying the body: the
same digest as the stored batches' (sha256 of the body with that member cut out by re.sub)."""

import hashlib

import pytest

from familyworker_server.apply import _CLIENT_TIME, body_hash


def stored_digest(body: bytes) -> str:
    return hashlib.sha256(_CLIENT_TIME.sub(b"", body, count=1)).hexdigest()


@pytest.mark.parametrize("body", [
    b'{"protocol":1,"client_time":"2026-12-01T10:00:00+00:00","ops":[]}',
    b'{"client_time" : "x", "ops": [{"fields": {"client_time": "y"}}]}',
    b'{"ops":[],"client_time":"2026-12-01T10:00:00+00:00"}',
    b'{"ops":[]}',
    b'"client_time":""',
    b"",
])
def test_body_hash_is_the_stored_digest(body: bytes) -> None:
    assert body_hash(body) == stored_digest(body)


def test_only_client_time_is_left_out() -> None:
    one = b'{"client_time":"2026-12-01T10:00:00+00:00","ops":[1]}'
    assert body_hash(one) == body_hash(one.replace(b"10:00:00", b"11:30:00"))
    assert body_hash(one) != body_hash(one.replace(b"[1]", b"[2]"))
