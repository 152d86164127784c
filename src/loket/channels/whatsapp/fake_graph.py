"""A faithful fake of Meta's Graph API (WhatsApp Cloud API), over real HTTP on 127.0.0.1.

Tests, benchmarks and `loket demo` point `LOKET_WA_GRAPH_URL` at it. It accepts sends and
returns WhatsApp-like wamids, takes uploads, serves media metadata and downloads (bearer
token required), can be told to fail (5xx, Meta error codes, slow answers), records every
request in the order received, and posts status webhooks back to our endpoint signed with
`X-Hub-Signature-256` exactly like Meta does.

Control it in-process through the `FakeGraph` methods, or from another process through
its `/_fake/...` endpoints (`FakeGraphClient` wraps them with the same method names).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import logging
import queue
import re
import secrets
import threading
import time
from dataclasses import asdict, dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import httpx

from loket.channels.whatsapp import envelopes

log = logging.getLogger(__name__)

# What Meta answers for each error code: (HTTP status, title). Codes not listed answer 400.
ERROR_SHAPES: dict[int, tuple[int, str]] = {
    0: (401, "AuthException"),
    1: (500, "API Unknown"),
    2: (503, "API Service"),
    4: (400, "Application request limit reached"),
    100: (400, "Invalid parameter"),
    190: (401, "Access token has expired"),
    80007: (400, "Rate limit issues"),
    130429: (400, "Rate limit hit"),
    131000: (500, "Something went wrong"),
    131005: (403, "Access denied"),
    131008: (400, "Required parameter is missing"),
    131009: (400, "Parameter value is not valid"),
    131016: (503, "Service unavailable"),
    131026: (400, "Message undeliverable"),
    131047: (400, "Re-engagement message"),
    131048: (400, "Spam rate limit hit"),
    131056: (400, "(Business Account, Consumer Account) pair rate limit hit"),
    131057: (400, "Account in maintenance mode"),
    132000: (400, "Number of parameters does not match the expected number of params"),
    132001: (404, "Template name does not exist in the translation"),
    132015: (400, "Template is paused"),
    132016: (400, "Template is disabled"),
    133010: (400, "Account not registered"),
}


def error_body(code: int, details: str = "") -> tuple[int, dict]:
    status, title = ERROR_SHAPES.get(code, (400, "Error"))
    return status, {
        "error": {
            "message": f"(#{code}) {title}",
            "type": "OAuthException",
            "code": code,
            "error_data": {"messaging_product": "whatsapp", "details": details or title},
            "fbtrace_id": secrets.token_urlsafe(9),
        }
    }


@dataclass
class Recorded:
    """One request the fake received, in the order received (`seq`)."""

    seq: int
    method: str
    path: str
    headers: dict
    json: dict | None
    at: float
    answer_status: int = 0
    wamid: str = ""


@dataclass
class Failure:
    """Make the next `times` matching calls fail (or answer slowly)."""

    kind: str = "messages"  # messages | media | media_get | download | any
    times: int = 1
    code: int | None = None  # a Meta error code, answered with Meta's error shape
    http_status: int | None = None  # without a code: a bare 5xx (no JSON), like a proxy error
    # Seconds to wait before answering; alone, the call then succeeds (a client timing out
    # meanwhile is the duplicate-risk case), with a code or status it then fails.
    delay: float = 0.0
    to: str = ""  # only sends to this recipient (wa_id or bsuid)


@dataclass
class Media:
    data: bytes
    mime_type: str
    filename: str = ""

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Sent:
    """A message the fake accepted."""

    seq: int
    wamid: str
    phone_number_id: str
    to: str
    body: dict
    at: float = field(default_factory=time.time)

    @property
    def type(self) -> str:
        return self.body.get("type", "")

    @property
    def text(self) -> str:
        """The text a phone would show (text body, interactive body or template name)."""
        body = self.body
        if body.get("type") == "text":
            return body.get("text", {}).get("body", "")
        if body.get("type") == "interactive":
            return body.get("interactive", {}).get("body", {}).get("text", "")
        if body.get("type") == "template":
            return body.get("template", {}).get("name", "")
        media = body.get(body.get("type", ""), {})
        return media.get("caption", "") if isinstance(media, dict) else ""

    @property
    def callback_data(self) -> str:
        return self.body.get("biz_opaque_callback_data", "")


class FakeGraph:
    """The fake server. `start()` it, use `.url` as LOKET_WA_GRAPH_URL, `stop()` it."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token: str = "fake-access-token",  # noqa: S107 - the fake's own default
        app_secret: str = "",
        webhook_url: str = "",
        statuses: tuple[str, ...] = ("sent", "delivered"),
    ) -> None:
        self.host, self.port = host, port
        self.access_token = access_token
        self.app_secret = app_secret
        self.webhook_url = webhook_url
        # Statuses posted back after each accepted send (when a webhook URL is set).
        self.statuses = tuple(statuses)
        self.templates: dict[tuple[str, str], str] | None = None  # None: any template is approved
        self.display_numbers: dict[str, str] = {}
        self._lock = threading.Lock()
        self._seq = itertools.count(1)
        self._ids = itertools.count(int(time.time()) % 10_000_000 * 1000)
        self.requests: list[Recorded] = []
        self.sent: list[Sent] = []
        self.media: dict[str, Media] = {}
        self.failures: list[Failure] = []
        self.async_failures: list[tuple[int, str]] = []  # accept, then post a failed status
        self.webhooks_posted: list[dict] = []
        self.webhook_errors: int = 0
        self._outgoing: queue.Queue = queue.Queue()
        self._server: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    # --- life cycle -------------------------------------------------------------------
    def start(self) -> FakeGraph:
        fake = self

        class Handler(_Handler):
            graph = fake

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        for target in (self._server.serve_forever, self._post_webhooks):
            thread = threading.Thread(target=target, daemon=True, name=f"fake-graph-{target.__name__}")
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        self._outgoing.put(None)

    def __enter__(self) -> FakeGraph:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # --- control ------------------------------------------------------------------------
    def reset(self) -> None:
        with self._lock:
            self.requests.clear()
            self.sent.clear()
            self.failures.clear()
            self.async_failures.clear()
            self.webhooks_posted.clear()
            self.webhook_errors = 0
            self.templates = None

    def fail_next(
        self,
        times: int = 1,
        *,
        kind: str = "messages",
        code: int | None = None,
        http_status: int | None = None,
        delay: float = 0.0,
        to: str = "",
    ) -> None:
        """The next `times` calls of `kind` fail with Meta's `code`, a bare `http_status`, or a delay."""
        if code is None and http_status is None and not delay:
            http_status = 500
        with self._lock:
            self.failures.append(Failure(kind, times, code, http_status, delay, to))

    def fail_async_next(self, code: int = 131047, *, times: int = 1) -> None:
        """Accept the next sends, then report them `failed` with `code` in a status webhook."""
        with self._lock:
            self.async_failures.extend([(code, "")] * times)

    def approve_template(self, name: str, language: str = "id", status: str = "APPROVED") -> None:
        """From the first call on, only known templates are accepted (132001 otherwise)."""
        with self._lock:
            self.templates = self.templates or {}
            self.templates[(name, language)] = status

    def add_media(self, data: bytes, mime_type: str, filename: str = "") -> str:
        media_id = str(next(self._ids))
        with self._lock:
            self.media[media_id] = Media(data, mime_type, filename)
        return media_id

    # --- inspection -----------------------------------------------------------------------
    def sent_to(self, to: str) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if s.to == to]

    def messages(self, phone_number_id: str = "") -> list[Sent]:
        with self._lock:
            return [s for s in self.sent if not phone_number_id or s.phone_number_id == phone_number_id]

    def calls(self, kind: str = "messages") -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if _kind_of(r.method, r.path) == kind]

    def wait_for(self, predicate, timeout: float = 5.0, interval: float = 0.02) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(interval)
        return predicate()

    # --- status webhooks -----------------------------------------------------------------
    def send_status(
        self,
        wamid: str,
        status: str,
        *,
        error_code: int | None = None,
        timestamp: int | None = None,
        now: bool = False,
    ) -> dict:
        """Post a status webhook about `wamid` (queued; `now=True` posts it before returning)."""
        with self._lock:
            sent = next((s for s in self.sent if s.wamid == wamid), None)
        if sent is None:
            raise KeyError(f"no message {wamid} was sent through the fake")
        payload = self.status_payload(sent, status, error_code=error_code, timestamp=timestamp)
        if now:
            self._deliver(payload)
        else:
            self._outgoing.put(payload)
        return payload

    def status_payload(self, sent: Sent, status: str, *, error_code=None, timestamp=None) -> dict:
        item = {
            "id": sent.wamid,
            "status": status,
            "timestamp": str(timestamp or int(time.time())),
            "recipient_type": "individual",
        }
        if sent.body.get("to"):
            item["recipient_id"] = sent.to
        else:
            item["recipient_user_id"] = sent.to
        if sent.callback_data:
            item["biz_opaque_callback_data"] = sent.callback_data
        if status in ("sent", "delivered", "read"):
            category = "utility" if sent.type == "template" else "service"
            item["pricing"] = {
                "billable": False,
                "pricing_model": "PMP",
                "category": category,
                "type": "free_customer_service",
            }
        if status == "failed":
            code = error_code or 131000
            _, body = error_body(code)
            title = ERROR_SHAPES.get(code, (400, "Error"))[1]
            item["errors"] = [
                {
                    "code": code,
                    "title": title,
                    "message": title,
                    "error_data": {"details": body["error"]["error_data"]["details"]},
                }
            ]
        display = self.display_numbers.get(sent.phone_number_id, sent.phone_number_id)
        return envelopes.envelope(sent.phone_number_id, display_number=display, statuses=[item])

    def _post_webhooks(self) -> None:
        while True:
            payload = self._outgoing.get()
            if payload is None:
                return
            self._deliver(payload)

    def _deliver(self, payload: dict) -> None:
        if not self.webhook_url:
            return
        # Meta escapes non-ASCII and signs the exact bytes it sends.
        body = envelopes.body(payload, compact=True)
        headers = {"Content-Type": "application/json"}
        if self.app_secret:
            headers = envelopes.headers(self.app_secret, body)
        for attempt in range(5):  # Meta retries non-200 answers; a few quick ones suffice here
            try:
                answer = httpx.post(self.webhook_url, content=body, headers=headers, timeout=10)
                if answer.status_code == 200:
                    with self._lock:
                        self.webhooks_posted.append(payload)
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2 * (attempt + 1))
        with self._lock:
            self.webhook_errors += 1
        log.warning("fake graph: webhook not accepted after retries")

    # --- request handling (called from the HTTP handler threads) ---------------------------
    def _record(self, method: str, path: str, headers: dict, body_json: dict | None) -> Recorded:
        with self._lock:
            rec = Recorded(next(self._seq), method, path, headers, body_json, time.time())
            self.requests.append(rec)
        return rec

    def _take_failure(self, kind: str, to: str = "") -> Failure | None:
        with self._lock:
            for failure in self.failures:
                if failure.kind not in (kind, "any") or (failure.to and failure.to != to):
                    continue
                failure.times -= 1
                if failure.times <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def _accept_message(self, phone_number_id: str, body: dict, rec: Recorded) -> dict:
        to = body.get("to") or body.get("recipient") or ""
        wamid = (
            "wamid." + base64.b64encode(f"{phone_number_id}:{to}:{secrets.token_hex(10)}".encode()).decode()
        )
        with self._lock:
            sent = Sent(rec.seq, wamid, phone_number_id, to, body)
            self.sent.append(sent)
            async_failure = self.async_failures.pop(0) if self.async_failures else None
        rec.wamid = wamid
        if async_failure:
            self._outgoing.put(self.status_payload(sent, "sent"))
            self._outgoing.put(self.status_payload(sent, "failed", error_code=async_failure[0]))
        else:
            for status in self.statuses:
                self._outgoing.put(self.status_payload(sent, status))
        contact = {"input": to}
        if body.get("to"):
            contact["wa_id"] = to.lstrip("+")
        message = {"id": wamid}
        if body.get("type") == "template":
            message["message_status"] = "accepted"
        return {"messaging_product": "whatsapp", "contacts": [contact], "messages": [message]}

    def _validate_message(self, body: dict) -> int | None:
        """A Meta error code for a malformed send, or None."""
        if body.get("messaging_product") != "whatsapp":
            return 100
        if body.get("status") == "read":
            return None if body.get("message_id") else 131008
        if not (body.get("to") or body.get("recipient")):
            return 131008
        kind = body.get("type", "text")
        if kind not in body:
            return 131008
        if kind == "text" and not body["text"].get("body"):
            return 131008
        if kind == "interactive":
            buttons = body["interactive"].get("action", {}).get("buttons", [])
            if len(buttons) > 3 or any(len(b.get("reply", {}).get("title", "")) > 20 for b in buttons):
                return 131009
            if body["interactive"].get("type") == "list" and not _list_valid(body["interactive"]):
                return 131009
        if kind in ("document", "image"):
            media = body[kind]
            if not (media.get("id") or media.get("link")):
                return 131008
            if media.get("id") and media["id"] not in self.media:
                return 131053
        if kind == "template":
            template = body["template"]
            key = (template.get("name", ""), template.get("language", {}).get("code", ""))
            if self.templates is not None:
                state = self.templates.get(key)
                if state is None:
                    return 132001
                if state == "PAUSED":
                    return 132015
                if state == "DISABLED":
                    return 132016
        return None


def _list_valid(interactive: dict) -> bool:
    """Meta's limits on a list message: a button text of at most 20 characters, at most 10 rows
    in all, row titles of at most 24, descriptions of at most 72, ids of at most 200."""
    action = interactive.get("action", {})
    sections = action.get("sections") or []
    rows = [row for section in sections for row in section.get("rows", [])]
    return (
        0 < len(str(action.get("button", ""))) <= 20
        and 0 < len(rows) <= 10
        and all(len(str(section.get("title", ""))) <= 24 for section in sections)
        and all(
            0 < len(str(row.get("title", ""))) <= 24
            and len(str(row.get("description", ""))) <= 72
            and 0 < len(str(row.get("id", ""))) <= 200
            for row in rows
        )
    )


def _kind_of(method: str, path: str) -> str:
    parts = [p for p in urlsplit(path).path.split("/") if p]
    if parts and parts[0] == "_fake":
        return "control"
    if parts and parts[0] == "_media":
        return "download"
    if len(parts) == 3 and parts[2] == "messages":
        return "messages"
    if len(parts) == 3 and parts[2] == "media":
        return "media"
    if len(parts) == 2:
        return "media_get" if method == "GET" else "media_delete"
    return "unknown"


_VERSION = re.compile(r"^v\d+\.\d+$")


class _Handler(BaseHTTPRequestHandler):
    graph: FakeGraph
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):  # noqa: A002 - quiet: tests print nothing per request
        pass

    # --- plumbing ---------------------------------------------------------------------------
    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _send(self, status: int, payload=None, *, raw: bytes | None = None, mime: str = "application/json"):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", mime)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        return hmac.compare_digest(self.headers.get("Authorization", ""), f"Bearer {self.graph.access_token}")

    def _fail(self, failure: Failure) -> bool:
        """Apply a failure; True when the answer has been sent."""
        if failure.delay:
            # A slow answer: the client may time out although the send is then accepted.
            time.sleep(failure.delay)
        if failure.code is not None:
            status, body = error_body(failure.code)
            self._send(status, body)
            return True
        if failure.http_status:
            self._send(failure.http_status, raw=b"<html>Service Unavailable</html>", mime="text/html")
            return True
        return False

    def _handle(self, method: str) -> None:
        graph = self.graph
        raw = self._body() if method in ("POST", "PUT") else b""
        path = self.path
        kind = _kind_of(method, path)
        if kind == "control":
            return self._control(method, path, raw)
        body_json = None
        if raw and "json" in self.headers.get("Content-Type", ""):
            try:
                body_json = json.loads(raw)
            except ValueError:
                body_json = None
        rec = graph._record(method, path, dict(self.headers.items()), body_json)
        status, answer = self._route(method, kind, path, raw, body_json, rec)
        rec.answer_status = status
        return None if answer is None else self._send(status, answer)

    def _route(self, method, kind, path, raw, body_json, rec):
        graph = self.graph
        parts = [p for p in urlsplit(path).path.split("/") if p]
        if kind == "download":
            failure = graph._take_failure("download")
            if failure and self._fail(failure):
                return failure.http_status or 500, None
            if not self._authorised():
                return error_body(190)
            media = graph.media.get(parts[1] if len(parts) > 1 else "")
            if media is None:
                return 404, {"error": {"message": "not found", "code": 100}}
            self._send(200, raw=media.data, mime=media.mime_type)
            return 200, None
        if kind == "unknown" or not _VERSION.match(parts[0]):
            return error_body(100)
        to = (body_json or {}).get("to") or (body_json or {}).get("recipient") or ""
        failure = graph._take_failure(kind, to)
        if failure and self._fail(failure):
            return (error_body(failure.code)[0] if failure.code is not None else failure.http_status), None
        if not self._authorised():
            return error_body(190)
        if kind == "messages":
            if body_json is None:
                return error_body(100)
            code = graph._validate_message(body_json)
            if code:
                return error_body(code)
            if body_json.get("status") == "read":
                return 200, {"success": True}
            return 200, graph._accept_message(parts[1], body_json, rec)
        if kind == "media":
            return self._upload(raw)
        if kind == "media_get":
            media = graph.media.get(parts[1])
            if media is None:
                return error_body(100)
            return 200, {
                "messaging_product": "whatsapp",
                "url": f"{graph.url}/_media/{parts[1]}?token={secrets.token_hex(8)}",
                "mime_type": media.mime_type,
                "sha256": media.sha256,
                "file_size": len(media.data),
                "id": parts[1],
            }
        if kind == "media_delete":
            return 200, {"success": graph.media.pop(parts[1], None) is not None}
        return error_body(100)

    def _upload(self, raw: bytes):
        content_type = self.headers.get("Content-Type", "")
        if not content_type.startswith("multipart/form-data"):
            return error_body(100)
        message = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {content_type}\r\n\r\n".encode() + raw)
        fields, file_part = {}, None
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if name == "file":
                file_part = part
            else:
                fields[name] = part.get_content().strip() if part.get_content_maintype() == "text" else ""
        if file_part is None or fields.get("messaging_product") != "whatsapp":
            return error_body(131008)
        data = file_part.get_payload(decode=True) or b""
        mime = fields.get("type") or file_part.get_content_type()
        media_id = self.graph.add_media(data, mime, file_part.get_filename() or "")
        return 200, {"id": media_id}

    # --- control endpoints (`loket fake-graph` used from another process) --------------------
    def _control(self, method: str, path: str, raw: bytes):
        graph = self.graph
        parts = urlsplit(path)
        action = parts.path.removeprefix("/_fake/").strip("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        args = json.loads(raw) if raw else {}
        if method == "GET" and action == "messages":
            sent = graph.messages(query.get("phone_number_id", ""))
            if query.get("to"):
                sent = [s for s in sent if s.to == query["to"]]
            return self._send(200, [asdict(s) for s in sent])
        if method == "GET" and action == "requests":
            with graph._lock:
                return self._send(200, [asdict(r) for r in graph.requests])
        if method == "POST" and action == "reset":
            graph.reset()
            return self._send(200, {"ok": True})
        if method == "POST" and action == "fail":
            graph.fail_next(**args)
            return self._send(200, {"ok": True})
        if method == "POST" and action == "fail-async":
            graph.fail_async_next(**args)
            return self._send(200, {"ok": True})
        if method == "POST" and action == "template":
            graph.approve_template(**args)
            return self._send(200, {"ok": True})
        if method == "POST" and action == "media":
            media_id = graph.add_media(
                base64.b64decode(args["data_b64"]), args["mime_type"], args.get("filename", "")
            )
            return self._send(200, {"id": media_id})
        if method == "POST" and action == "status":
            payload = graph.send_status(
                args["wamid"], args["status"], error_code=args.get("error_code"), now=True
            )
            return self._send(200, payload)
        if method == "POST" and action == "config":
            for name in ("webhook_url", "app_secret", "access_token"):
                if name in args:
                    setattr(graph, name, args[name])
            if "statuses" in args:
                graph.statuses = tuple(args["statuses"])
            return self._send(200, {"ok": True})
        return self._send(404, {"error": f"unknown control {method} {action}"})

    def do_GET(self):  # noqa: N802
        self._handle("GET")

    def do_POST(self):  # noqa: N802
        self._handle("POST")

    def do_DELETE(self):  # noqa: N802
        self._handle("DELETE")


class FakeGraphClient:
    """Control a fake running in another process (`loket fake-graph`) over its `/_fake/` endpoints."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._http = httpx.Client(base_url=self.url + "/_fake", timeout=10)

    def _post(self, action: str, **args) -> dict:
        answer = self._http.post(f"/{action}", json=args)
        answer.raise_for_status()
        return answer.json()

    def messages(self, phone_number_id: str = "", to: str = "") -> list[dict]:
        params = {k: v for k, v in (("phone_number_id", phone_number_id), ("to", to)) if v}
        return self._http.get("/messages", params=params).raise_for_status().json()

    def requests(self) -> list[dict]:
        return self._http.get("/requests").raise_for_status().json()

    def reset(self) -> None:
        self._post("reset")

    def fail_next(self, times: int = 1, **args) -> None:
        self._post("fail", times=times, **args)

    def fail_async_next(self, code: int = 131047, *, times: int = 1) -> None:
        self._post("fail-async", code=code, times=times)

    def approve_template(self, name: str, language: str = "id", status: str = "APPROVED") -> None:
        self._post("template", name=name, language=language, status=status)

    def add_media(self, data: bytes, mime_type: str, filename: str = "") -> str:
        return self._post(
            "media", data_b64=base64.b64encode(data).decode(), mime_type=mime_type, filename=filename
        )["id"]

    def send_status(self, wamid: str, status: str, *, error_code: int | None = None) -> dict:
        return self._post("status", wamid=wamid, status=status, error_code=error_code)

    def configure(self, **settings) -> None:
        self._post("config", **settings)

    def close(self) -> None:
        self._http.close()
