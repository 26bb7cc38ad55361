"""The app served by uvicorn in a thread on a free loopback port, for tests that need a real HTTP server."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

import uvicorn


@contextmanager
def served_in_thread(app: Any, *, lifespan: Literal["on", "off"] = "on", **options: Any) -> Iterator[str]:
    """Yields the base URL (http://127.0.0.1:<port>) while the server runs; stops it afterwards. `options` go to
    uvicorn.Config (proxy_headers, forwarded_allow_ips, …)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = {"log_level": "warning", **options, "ws": "none", "lifespan": lifespan}
    server = uvicorn.Server(uvicorn.Config(app, **config))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
