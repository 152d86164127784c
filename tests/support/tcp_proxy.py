"""A loopback TCP forwarder that a test owns, to simulate a network or database outage.

    from tests.support.tcp_proxy import TcpProxy

    with TcpProxy("127.0.0.1", 5432) as proxy:      # listens on 127.0.0.1:<ephemeral port>
        url = f"postgresql://postgres@127.0.0.1:{proxy.port}/test_wt_a"
        ...                                          # start processes that connect to `url`
        proxy.cut()                                  # every open connection is closed at once
                                                     # (RST), new connections are refused
        ...                                          # (accepted and closed straight away)
        proxy.restore()                              # new connections are forwarded again

API (stable: other test suites import this file):

- `TcpProxy(target_host, target_port, *, listen_host="127.0.0.1")`: nothing listens until
  `start()` (or `with`).
- `start() -> TcpProxy`: bind an ephemeral port, start the accept thread; returns self.
- `host`, `port`, `address` (`(host, port)`): where clients connect (after `start()`).
- `cut()`: close every open connection (both sides, with a reset) and refuse new ones until
  `restore()`. Idempotent.
- `restore()`: forward new connections again. Idempotent. Connections cut earlier stay closed;
  clients must reconnect, as they would after a real outage.
- `is_cut` (bool), `open_connections` (int: pairs being forwarded now),
  `accepted` (int: connections accepted and forwarded since start).
- `close()`: cut everything and stop listening (also on leaving the `with` block).

Refusing while cut means accepting and closing at once with a reset: the client sees its
connection fail straight away, as it would with the server gone (no hanging connect).
Plain threads and blocking sockets, no root, no second server.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from types import TracebackType

_CHUNK = 65536


def _reset(sock: socket.socket) -> None:
    """Close a socket with a TCP reset (SO_LINGER 0), so the peer fails at once."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class TcpProxy:
    """Forward loopback TCP connections to a target; cut and restore them on demand."""

    def __init__(self, target_host: str, target_port: int, *, listen_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.host = listen_host
        self.port = 0
        self.accepted = 0
        self._listener: socket.socket | None = None
        self._lock = threading.Lock()
        self._pairs: set[tuple[socket.socket, socket.socket]] = set()
        self._cut = False
        self._closed = threading.Event()
        self._accept_thread: threading.Thread | None = None

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> TcpProxy:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, 0))
        listener.listen(128)
        self._listener = listener
        self.port = listener.getsockname()[1]
        self._accept_thread = threading.Thread(target=self._accept_loop, name="tcp-proxy-accept", daemon=True)
        self._accept_thread.start()
        return self

    def close(self) -> None:
        self._closed.set()
        self.cut()
        if self._listener is not None:
            # close() alone does not wake a thread blocked in accept() on Linux; shutdown does.
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self._listener.close()
        if self._accept_thread is not None:
            self._accept_thread.join(timeout=5)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def address(self) -> tuple[str, int]:
        return (self.host, self.port)

    # -- faults -----------------------------------------------------------------------------

    def cut(self) -> None:
        """Close every open connection and refuse new ones until `restore()`."""
        with self._lock:
            self._cut = True
            pairs = list(self._pairs)
            self._pairs.clear()
        for client, upstream in pairs:
            _reset(client)
            _reset(upstream)

    def restore(self) -> None:
        """Forward new connections again."""
        with self._lock:
            self._cut = False

    @property
    def is_cut(self) -> bool:
        return self._cut

    @property
    def open_connections(self) -> int:
        with self._lock:
            return len(self._pairs)

    # -- forwarding -------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        assert self._listener is not None
        while not self._closed.is_set():
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # the listener was closed
            if self._cut:
                _reset(client)
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
                upstream.settimeout(None)
            except OSError:
                _reset(client)
                continue
            pair = (client, upstream)
            with self._lock:
                if self._cut:  # cut while we were connecting
                    refused = True
                else:
                    refused = False
                    self._pairs.add(pair)
                    self.accepted += 1
            if refused:
                _reset(client)
                _reset(upstream)
                continue
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink, pair), daemon=True).start()

    def _pump(
        self, source: socket.socket, sink: socket.socket, pair: tuple[socket.socket, socket.socket]
    ) -> None:
        try:
            while True:
                data = source.recv(_CHUNK)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        # One side ended (or was cut): end the pair, so the other side sees it too.
        with self._lock:
            owned = pair in self._pairs
            self._pairs.discard(pair)
        if owned:
            for sock in pair:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()
