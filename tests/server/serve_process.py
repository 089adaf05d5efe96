"""`familyworker-server serve` as a real child process on a free 127.0.0.1 port, for tests that
need a real server (backup under load, two instances on one database). It is ready when it
logs uvicorn's startup line (no polling timer); it is stopped, and waited for, on exit."""

import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

STARTUP_LINE = "Application startup complete"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _discard(stream: IO[str]) -> None:
    for _line in stream:
        pass


@contextmanager
def serving(*where: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """A server on ``where`` (``--data DIR`` or ``--database-url URL``); yields its base URL."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "familyworker_server.cli", "serve", *where, "--port", str(port),
         "--tombstone-days", "0"],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
        env={**os.environ, **(env or {})})
    assert process.stderr is not None
    drain = threading.Thread(target=_discard, args=(process.stderr,), daemon=True)
    try:
        seen: list[str] = []
        for line in process.stderr:  # blocks until a line comes or the process ends
            seen.append(line)
            if STARTUP_LINE in line:
                break
        else:
            raise AssertionError("the server did not start:\n" + "".join(seen[-20:]))
        drain.start()  # keep reading its log so the pipe never fills and blocks it
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=60)
        if drain.is_alive():
            drain.join(timeout=60)
