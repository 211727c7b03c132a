"""The lab served in a thread of the test process (for the browser tests)."""

from __future__ import annotations

import socket
import threading
from pathlib import Path

import uvicorn

from collsec.lab.app import create_app
from collsec.lab.store import Store


class LabServer:
    """``collsec lab`` on a free port of 127.0.0.1, over the store ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.start()

    def start(self, port: int = 0) -> None:
        self.store = Store(self.path)
        sock = socket.socket()
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", port))
        sock.listen(64)
        self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(create_app(self.store), log_level="warning", lifespan="off")
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [sock]}, daemon=True
        )
        self.thread.start()
        started = threading.Event()
        while not self.server.started and self.thread.is_alive():
            started.wait(0.02)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.store.close()

    def restart(self) -> None:
        """Stop the server and serve the same store again, on the same port."""
        self.stop()
        self.start(self.port)
