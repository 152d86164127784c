"""The test proxy itself: it forwards, cuts every open connection, refuses, and restores."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest

from tests.support.tcp_proxy import TcpProxy


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(4096):
            self.request.sendall(data)


@pytest.fixture
def echo_server() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address
    server.shutdown()
    server.server_close()


def _roundtrip(sock: socket.socket, data: bytes) -> bytes:
    sock.sendall(data)
    received = b""
    while len(received) < len(data):
        chunk = sock.recv(4096)
        if not chunk:
            break
        received += chunk
    return received


def _refused(address: tuple[str, int]) -> bool:
    """True when a new connection is closed before it can carry anything."""
    try:
        with socket.create_connection(address, timeout=2) as sock:
            sock.sendall(b"x")
            return sock.recv(1) == b""
    except OSError:
        return True


def test_forwards_cuts_refuses_and_restores(echo_server: tuple[str, int]) -> None:
    with TcpProxy(*echo_server) as proxy:
        assert proxy.port > 0
        before = socket.create_connection(proxy.address, timeout=2)
        assert _roundtrip(before, b"hello") == b"hello"
        assert proxy.open_connections == 1

        proxy.cut()
        assert proxy.is_cut
        with pytest.raises(OSError):
            # The open connection is gone: reading gives a reset (or end of stream).
            if before.recv(1) == b"":
                raise ConnectionResetError
        before.close()
        assert _refused(proxy.address)
        assert proxy.open_connections == 0

        proxy.restore()
        with socket.create_connection(proxy.address, timeout=2) as after:
            assert _roundtrip(after, b"again") == b"again"
        assert proxy.accepted == 2
