"""A real HTTP receiver on 127.0.0.1 (a threaded http.server) that records what it is sent
and answers the statuses it is told to, in turn."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Receiver:
    url: str = ""
    answers: list[int] = field(default_factory=list)  # statuses to answer, in turn; then 200
    delay: float = 0.0  # seconds to wait before answering (a slow receiver)
    huge_body: bool = False  # answer 200 with a body announced as 1 GB, sent slowly
    received: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)

    def bodies(self) -> list[dict]:
        return [json.loads(body) for _, body in self.received]

    def headers(self, index: int = -1) -> dict[str, str]:
        return self.received[index][0]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    record = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            record.paths.append(self.path)
            record.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
            if record.delay:
                time.sleep(record.delay)
            status = record.answers.pop(0) if record.answers else 200
            if record.huge_body:
                try:
                    self.send_response(status)
                    self.send_header("Content-Length", str(10**9))
                    self.end_headers()
                    for _ in range(100):  # ~10 s of trickle unless the sender hangs up
                        self.wfile.write(b"x" * 65536)
                        self.wfile.flush()
                        time.sleep(0.1)
                except OSError:
                    pass  # the sender hung up after the headers: as it should
                return
            try:
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
            except OSError:
                pass  # the sender gave up waiting

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    record.url = f"http://127.0.0.1:{server.server_address[1]}/loket/events?src=siak"
    try:
        yield record
    finally:
        server.shutdown()
        server.server_close()


def refused_url() -> str:
    """An address on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/down"
