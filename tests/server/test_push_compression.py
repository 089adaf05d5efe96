"""The answer to a long push (FAST_GZIP_BYTES or more) is gzipped fast (level 1) by the push
route; short answers keep the app's level 5; a client that does not accept gzip gets JSON. The
answer is the same JSON whichever way it travels."""

import gzip
import json
from datetime import UTC, datetime
from typing import Any

import pytest
from tests.server.test_api import V, enrol, family_op
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id
from familyworker_server.routes import push as push_route

XFL_FASTEST = 4  # the gzip header's "extra flags" byte says which end of deflate was used
XFL_DEFAULT = 0


def raw_push(server: Server, token: str, device: str, ops: list[dict[str, Any]], *,
             encoding: str) -> tuple[Any, bytes]:
    body = {**V, "device_id": device, "batch_id": new_id(),
            "client_time": datetime.now(UTC).isoformat(), "ops": ops}
    with server.client.stream("POST", "/sync/v1/push", json=body, headers={
            "Authorization": f"Bearer {token}", "Accept-Encoding": encoding}) as answer:
        assert answer.status_code == 200
        return answer.headers, b"".join(answer.iter_raw())


def families(device: str, count: int) -> list[dict[str, Any]]:
    return [family_op(device, new_id(), reference=f"FAM-{n}") for n in range(count)]


def test_long_push_answers_are_gzipped_fast(server: Server,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(push_route, "FAST_GZIP_BYTES", 3_000)  # ~30 ops
    device, token = enrol(server, server.worker("Ann", server.team("North")))
    headers, raw = raw_push(server, token, device, families(device, 60), encoding="gzip")
    assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
    assert raw[8] == XFL_FASTEST
    answer = json.loads(gzip.decompress(raw))
    assert [r["status"] for r in answer["results"]] == ["applied"] * 60
    # A short answer: the middleware's level 5.
    headers, raw = raw_push(server, token, device, families(device, 12), encoding="gzip")
    assert headers["content-encoding"] == "gzip" and raw[8] == XFL_DEFAULT
    assert len(json.loads(gzip.decompress(raw))["results"]) == 12
    # No gzip accepted: plain JSON, long or short.
    headers, raw = raw_push(server, token, device, families(device, 60), encoding="identity")
    assert "content-encoding" not in headers
    assert [r["status"] for r in json.loads(raw)["results"]] == ["applied"] * 60
