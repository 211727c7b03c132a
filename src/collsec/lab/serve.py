"""``collsec lab``: serve the lab on this computer (or, when asked, to a network)."""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import webbrowser
from pathlib import Path

import uvicorn

from collsec.data.registry import cache_dir
from collsec.errors import InputError
from collsec.lab.app import create_app
from collsec.lab.store import Store

__all__ = ["is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether only this computer can reach ``host``."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _bind(host: str, port: int) -> socket.socket:
    """The listening socket, or a one-line error (a port in use, a host not this computer's)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as e:
        raise InputError(f"cannot resolve {host!r} ({e})", source="--host") from None
    family, _, _, _, addr = infos[0]
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(addr)
    except OSError as e:
        sock.close()
        raise InputError(
            f"cannot serve on {host}:{port} ({e.strerror or e}); choose another --port",
            source="--port",
        ) from None
    sock.listen(128)
    return sock


def serve(host: str, port: int, store: Path | None, *, open_browser: bool = True) -> None:
    """Serve the lab until interrupted; the rooms are kept in ``store`` (DuckDB; default
    ``lab.duckdb`` in the user cache)."""
    store = store if store is not None else cache_dir() / "lab.duckdb"
    st = Store(store)
    app = create_app(st)
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    print(f"collsec lab: {url}  (rooms kept in {store})", file=sys.stderr)
    if is_loopback(host):
        print(
            f"collsec lab: serving on {host} only: this computer alone can open it "
            "(--host 0.0.0.0 serves a classroom's network)",
            file=sys.stderr,
        )
    else:
        print(
            f"collsec lab: WARNING: serving to the network on {host}:{port}: anyone who can "
            "reach this computer can open rooms and play; there is no login and no "
            "encryption (use it on a classroom's network, not the internet)",
            file=sys.stderr,
        )
    print("collsec lab: press Ctrl+C to stop", file=sys.stderr)
    if open_browser:
        local = url if is_loopback(host) else f"http://127.0.0.1:{port}/"
        threading.Timer(0.8, lambda: webbrowser.open(local)).start()
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        st.close()
