"""Pages of a download from cursor 0 are gzipped fast (level 1) by the pull route; deltas keep
the app's level 5 (fewer bytes over weak signal); a client that does not accept gzip gets JSON."""

import gzip
import json
from typing import Any

from tests.server.test_api import V, enrol, family_op, push
from tests.sync.helpers import Server

from familyworker.domain.ids import new_id

XFL_FASTEST = 4  # the gzip header's "extra flags" byte says which end of deflate was used
XFL_DEFAULT = 0


def raw_pull(server: Server, token: str, *, encoding: str, download: bool) -> tuple[Any, bytes]:
    params: dict[str, Any] = {**V, "cursor": 0, "limit": 5_000}
    if download:
        params["download"] = "true"
    with server.client.stream("GET", "/sync/v1/pull", params=params, headers={
            "Authorization": f"Bearer {token}", "Accept-Encoding": encoding}) as answer:
        return answer.headers, b"".join(answer.iter_raw())


def test_download_pages_are_gzipped_fast_and_deltas_smaller(server: Server) -> None:
    worker = server.worker("Ann", server.team("North"))
    device, token = enrol(server, worker)
    ops = []
    for number in range(60):
        family_id = new_id()
        ops.append(family_op(device, family_id, reference=f"FAM-{number}",
                             address=f"{number} Long Lane, a long enough address to compress"))
    assert push(server, token, device, ops).status_code == 200
    # (The device's own rows come back only in a full download after a 410; another device of
    # the same worker sees them all.)
    _other, reader = enrol(server, worker)
    pages = {}
    for download in (True, False):
        headers, raw = raw_pull(server, reader, encoding="gzip", download=download)
        assert headers["content-encoding"] == "gzip" and "Accept-Encoding" in headers["vary"]
        assert raw[8] == (XFL_FASTEST if download else XFL_DEFAULT)
        pages[download] = json.loads(gzip.decompress(raw))
    for page in pages.values():
        assert sum(row["table"] == "family" for row in page["rows"]) == 60
    headers, raw = raw_pull(server, reader, encoding="identity", download=True)
    assert "content-encoding" not in headers
    assert json.loads(raw)["rows"] == pages[True]["rows"]
