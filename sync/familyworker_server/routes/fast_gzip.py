"""Answers a route compresses itself at level 1 rather than leaving them to the app's gzip
middleware at level 5: about half the server's CPU for 7–17% more bytes. For long answers a
device waits on, usually in the office (the pages of a download, the answer to a big push);
answers in the field, over weak signal, keep the middleware's level 5."""

import gzip

from fastapi import Response


def accepts_gzip(accept_encoding: str) -> bool:
    return "gzip" in accept_encoding.lower()


def fast_gzipped(body: bytes, *, wanted: bool, minimum: int) -> tuple[bytes, bool]:
    """``body`` gzipped at level 1 when ``wanted`` and at least ``minimum`` bytes long; returns
    the bytes to send and whether they are gzipped."""
    if wanted and len(body) >= minimum:
        return gzip.compress(body, compresslevel=1), True
    return body, False


def json_answer(body: bytes, gzipped: bool) -> Response:
    """The JSON answer, saying so when the route gzipped it (the middleware then leaves it)."""
    headers = {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"} if gzipped else None
    return Response(content=body, media_type="application/json", headers=headers)
