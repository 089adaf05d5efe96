"""Run the server on 127.0.0.1: in a background thread (the demo, end-to-end tests) or as a child
process (benchmarks, kill tests)."""

import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
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
        # 0700 as `serve` makes it: the demo's server holds the same kind of data.
        data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
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


@dataclass
class ServerProcess:
    """``familyworker-server serve`` in a child process (its own interpreter and GIL): the
    benchmarks' and the kill tests' server. ``kill()`` is SIGKILL: no shutdown code runs."""

    url: str
    port: int
    command: list[str]
    process: "subprocess.Popen[bytes]"
    log_path: Path | None = None

    def kill(self) -> None:
        self.process.kill()
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self) -> "ServerProcess":
        """A new process on the same port and database (after ``kill()``)."""
        return _launch(self.command, self.port, self.log_path)

    def __enter__(self) -> "ServerProcess":
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def spawn_server(data_dir: Path | None = None, *, database_url: str = "",
                 log_path: Path | None = None, workers: int = 1) -> ServerProcess:
    """Start the server as a child process on a free loopback port; returns once it answers."""
    where = ["--database-url", database_url] if database_url else ["--data", str(data_dir)]
    port = free_port()
    command = [sys.executable, "-m", "familyworker_server.cli", "serve", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), *where]
    return _launch(command, port, log_path)


def _launch(command: list[str], port: int, log_path: Path | None) -> ServerProcess:
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    finally:
        if log_path:
            log.close()  # type: ignore[union-attr]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        if process.poll() is not None:
            raise RuntimeError("The sync server process exited during start-up.")
        try:
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return ServerProcess(url, port, command, process, log_path)
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            raise RuntimeError("The sync server process did not start.")
        time.sleep(0.05)
