"""The one client of the Graph API (WhatsApp Cloud API): send, upload, media lookup, download.

Every call goes to `{LOKET_WA_GRAPH_URL}/{LOKET_WA_API_VERSION}/...` (a download to the URL
the lookup gave) with the bearer token `LOKET_WA_ACCESS_TOKEN`. Refusals raise `GraphError`
(code, title, the rule that decides retry, pause or give up: see `errors.py`); a network
failure before the request went out raises `NetworkError` (certainly not sent); no answer in
time raises `SendTimeout` (maybe sent). Sends (`sending.py`) and received media (`media.py`)
go through the same client, so one error table decides for both.

Written on httpx rather than on pywa: the outbox stores the Graph API's own message
objects (interactive, template), so a typed builder layer would only translate them back;
and the outbox needs exact control over what a timeout means, which pywa hides behind its
own exception handling and session set-up.
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

import httpx
from django.conf import settings

from loket.channels.whatsapp.errors import GraphError, NetworkError, SendTimeout


class BodyTooLarge(Exception):
    """A download's body is over the caller's limit (`limit`, bytes); the rest was not read."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"body larger than {limit} bytes")
        self.limit = limit


def graph_url(*parts: str) -> str:
    """An address under the configured Graph API and version (the simulator uploads there too)."""
    return "/".join([settings.LOKET_WA_GRAPH_URL.rstrip("/"), settings.LOKET_WA_API_VERSION, *parts])


def _unreached(exc: httpx.HTTPError) -> GraphError:
    """What a transport failure means: certainly not sent, or outcome unknown."""
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.UnsupportedProtocol)):
        return NetworkError(type(exc).__name__)
    # A timeout, or the connection broke after the request may have been read.
    return SendTimeout(type(exc).__name__)


def _refusal(answer: httpx.Response) -> GraphError:
    try:
        payload = answer.json()
    except ValueError:
        payload = None
    return GraphError.from_answer(answer.status_code, payload)


def _declared_length(answer: httpx.Response) -> int:
    try:
        return int(answer.headers.get("Content-Length") or 0)
    except ValueError:
        return 0  # unreadable: the streamed count decides


@dataclass(frozen=True)
class Accepted:
    wamid: str
    wa_id: str
    raw: dict


class GraphClient:
    def __init__(
        self,
        *,
        base_url: str,
        version: str,
        token: str,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
    ) -> None:
        self.base_url = f"{base_url.rstrip('/')}/{version}"
        self.token = token
        # No Nagle: a request's headers and body go in two writes, and waiting for the
        # peer's delayed ACK between them costs tens of milliseconds per send.
        transport = httpx.HTTPTransport(
            socket_options=[(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)],
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        )
        self._http = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=connect_timeout),
            headers={"Authorization": f"Bearer {token}"},
            transport=transport,
        )

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, url: str, **kwargs) -> httpx.Response:
        try:
            answer = self._http.request(method, url, **kwargs)
        except httpx.TransportError as exc:
            raise _unreached(exc) from exc
        if answer.status_code >= 400:
            raise _refusal(answer)
        return answer

    def send(self, phone_number_id: str, message: dict) -> Accepted:
        """POST a message object (without `messaging_product`; it is added here)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", **message}
        answer = self._call("POST", f"{self.base_url}/{phone_number_id}/messages", json=body)
        data = answer.json()
        try:
            wamid = data["messages"][0]["id"]
        except (KeyError, IndexError, TypeError):
            raise GraphError(None, "answer without a message id", http_status=answer.status_code) from None
        contacts = data.get("contacts") or [{}]
        return Accepted(wamid=wamid, wa_id=contacts[0].get("wa_id", ""), raw=data)

    def upload_media(self, phone_number_id: str, data: bytes, mime_type: str, filename: str) -> str:
        answer = self._call(
            "POST",
            f"{self.base_url}/{phone_number_id}/media",
            data={"messaging_product": "whatsapp", "type": mime_type},
            files={"file": (filename, data, mime_type)},
        )
        return str(answer.json()["id"])

    def media_info(self, media_id: str) -> dict:
        """`{url, mime_type, sha256, file_size, id}` of a media id (the url lives minutes)."""
        answer = self._call("GET", f"{self.base_url}/{media_id}")
        try:
            info = answer.json()
        except ValueError:
            info = None
        if not isinstance(info, dict):
            # Accepted but unreadable (a proxy's page): worth another try later.
            raise GraphError(None, "media info is not JSON", http_status=502)
        return info

    def download(self, url: str, *, max_bytes: int) -> bytes:
        """GET a media url (bearer token required), streamed: `BodyTooLarge` past `max_bytes`."""
        try:
            with self._http.stream("GET", url) as answer:
                if answer.status_code >= 400:
                    answer.read()
                    raise _refusal(answer)
                if _declared_length(answer) > max_bytes:
                    raise BodyTooLarge(max_bytes)
                chunks: list[bytes] = []
                size = 0
                for chunk in answer.iter_bytes():
                    size += len(chunk)
                    if size > max_bytes:
                        raise BodyTooLarge(max_bytes)
                    chunks.append(chunk)
        except httpx.TransportError as exc:
            raise _unreached(exc) from exc
        return b"".join(chunks)


_clients: dict[tuple, GraphClient] = {}
_lock = threading.Lock()


def client() -> GraphClient:
    """The client for the current settings (one per configuration and process; thread-safe)."""
    config = (
        settings.LOKET_WA_GRAPH_URL,
        settings.LOKET_WA_API_VERSION,
        settings.LOKET_WA_ACCESS_TOKEN,
        float(settings.LOKET_WA_SEND_TIMEOUT_SECONDS),
        float(settings.LOKET_WA_CONNECT_TIMEOUT_SECONDS),
    )
    with _lock:
        found = _clients.get(config)
        if found is None:
            url, version, token, timeout, connect = config
            found = _clients[config] = GraphClient(
                base_url=url, version=version, token=token, timeout=timeout, connect_timeout=connect
            )
    return found
