"""Run the server in a background thread on 127.0.0.1 (the demo, end-to-end tests, benchmarks)."""

import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from familyworker_server.config import ServerSettings
from familyworker_server.main import create_app


@dataclass
class RunningServer:
    """A live server; ``stop()`` shuts it down and waits for the thread."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    settings: ServerSettings

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def __enter__(self) -> "RunningServer":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def start_server(data_dir: Path | None = None, *, database_url: str = "",
                 host: str = "127.0.0.1", port: int = 0) -> RunningServer:
    """Start uvicorn on host:port (0 = a free port) and return once it accepts connections."""
    settings = ServerSettings(data_dir=data_dir, database_url=database_url)
    if data_dir is not None:
        data_dir.mkdir(parents=True, exist_ok=True)
    app = create_app(settings)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    bound_port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True,
                              name="familyworker-server")
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The sync server did not start.")
        time.sleep(0.01)
    return RunningServer(f"http://{host}:{bound_port}", server, thread, settings)
