"""Meta's error codes, and the one table that decides what we do about each.

The Graph API answers a refused call with `{"error": {"code": ..., "message": ...,
"error_data": {"details": ...}}}`; branch on the code, never on the HTTP status or the text.
Codes missing from the table are retried when the HTTP status is 5xx (or 429), read as a
refused token when it is a bare 401, and given up otherwise.

The same table serves every call of the Graph client: a send, an upload, a media lookup or
a download. A pausing refusal (token, permission, account) names the incident it opens,
whichever call met it (`incidents.graph_refused`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Action(enum.StrEnum):
    RETRY = "retry"  # transient: back off exponentially and try again, for hours
    THROTTLE_NUMBER = "throttle_number"  # the office number is over its rate: slow the whole number
    THROTTLE_RECIPIENT = "throttle_recipient"  # pair rate limit: wait for that resident only
    WINDOW_CLOSED = "window_closed"  # outside the 24-hour window: send a template or hold
    TEMPLATE = "template"  # template missing, paused or disabled: hold and alert
    PAUSE = "pause"  # token or account refused: pause all sending and alert operations
    GIVE_UP = "give_up"  # retrying cannot help: fail the message visibly


@dataclass(frozen=True)
class Rule:
    action: Action
    # Seconds to wait first for throttling codes (doubled per repeat up to the retry cap).
    wait: float = 0.0
    # Shown to officers next to the failed or held message (Bahasa Indonesia).
    explanation: str = ""
    # The incident a pausing refusal opens (an `Incident.Kind` value), and whether it
    # covers only the office number that met it (otherwise every number).
    incident: str = ""
    per_number: bool = False


_TOKEN = Rule(
    Action.PAUSE,
    60,
    "Token akses WhatsApp ditolak Meta. Pengiriman dijeda; admin perlu memperbarui token.",
    incident="token",
)
_PERMISSION = Rule(
    Action.PAUSE,
    300,
    "Aplikasi WhatsApp tidak punya izin mengirim. Admin perlu memeriksa izin aplikasi.",
    incident="permission",
)
_ACCOUNT = Rule(
    Action.PAUSE,
    600,
    "Akun WhatsApp Business sedang dibatasi Meta. Admin perlu memeriksa WhatsApp Manager.",
    incident="account",
)
_TRANSIENT = Rule(Action.RETRY, 0, "Gangguan sementara di WhatsApp. Dicoba lagi otomatis.")
_BAD_REQUEST = Rule(Action.GIVE_UP, 0, "Isi pesan ditolak WhatsApp. Periksa isi pesan lalu kirim ulang.")
_TEMPLATE = Rule(
    Action.TEMPLATE, 0, "Template pesan belum disetujui, dijeda atau dinonaktifkan. Admin perlu memeriksanya."
)
_TEMPLATE_PARAMS = Rule(
    Action.GIVE_UP, 0, "Isian template tidak cocok. Admin perlu memeriksa pengaturan template."
)

ERROR_TABLE: dict[int, Rule] = {
    0: _TOKEN,
    190: _TOKEN,
    3: _PERMISSION,
    10: _PERMISSION,
    131005: _PERMISSION,
    133010: Rule(
        Action.PAUSE,
        600,
        "Nomor kantor belum terdaftar di Cloud API. Admin perlu mendaftarkannya.",
        incident="account",
        per_number=True,
    ),
    131031: _ACCOUNT,
    131042: Rule(
        Action.PAUSE,
        600,
        "Ada masalah pembayaran akun WhatsApp. Admin perlu memeriksa metode pembayaran.",
        incident="account",
    ),
    368: _ACCOUNT,
    131048: Rule(
        Action.PAUSE,
        900,
        "Nomor dibatasi karena banyak laporan spam. Kirim hanya pesan penting.",
        incident="account",
        per_number=True,
    ),
    1: _TRANSIENT,
    2: _TRANSIENT,
    131000: _TRANSIENT,
    131016: _TRANSIENT,
    4: Rule(Action.THROTTLE_NUMBER, 120, "Batas panggilan aplikasi tercapai. Dicoba lagi otomatis."),
    80007: Rule(Action.THROTTLE_NUMBER, 120, "Batas panggilan akun tercapai. Dicoba lagi otomatis."),
    130429: Rule(Action.THROTTLE_NUMBER, 2, "Batas kecepatan nomor tercapai. Dicoba lagi otomatis."),
    131057: Rule(Action.THROTTLE_NUMBER, 60, "Akun sedang dalam pemeliharaan. Dicoba lagi otomatis."),
    131056: Rule(
        Action.THROTTLE_RECIPIENT, 1, "Terlalu banyak pesan beruntun ke warga ini. Dicoba lagi otomatis."
    ),
    131047: Rule(Action.WINDOW_CLOSED, 0, "Lebih dari 24 jam sejak pesan terakhir warga. Perlu template."),
    132001: _TEMPLATE,
    132015: _TEMPLATE,
    132016: _TEMPLATE,
    132000: _TEMPLATE_PARAMS,
    132005: _TEMPLATE_PARAMS,
    132007: _TEMPLATE_PARAMS,
    132012: _TEMPLATE_PARAMS,
    100: _BAD_REQUEST,
    131008: _BAD_REQUEST,
    131009: _BAD_REQUEST,
    131053: Rule(Action.GIVE_UP, 0, "Berkas lampiran ditolak WhatsApp (jenis atau ukuran)."),
    135000: _BAD_REQUEST,
    131021: Rule(Action.GIVE_UP, 0, "Penerima sama dengan nomor pengirim."),
    131026: Rule(
        Action.GIVE_UP,
        0,
        "Pesan tidak dapat diterima warga (bukan nomor WhatsApp atau memblokir). Hubungi lewat cara lain.",
    ),
    131049: Rule(
        Action.GIVE_UP, 0, "Meta memilih tidak mengirim pesan ini. Jangan kirim ulang dalam 24 jam."
    ),
    131050: Rule(Action.GIVE_UP, 0, "Warga menolak pesan pemasaran."),
    130472: Rule(Action.GIVE_UP, 0, "Warga sedang dalam uji coba Meta; pesan tidak dikirim."),
    131051: _BAD_REQUEST,
    131052: _BAD_REQUEST,
}

NETWORK_RULE = Rule(Action.RETRY, 0, "WhatsApp tidak dapat dihubungi. Dicoba lagi otomatis.")


def rule_for(code: int | None, http_status: int = 400) -> Rule:
    if code is not None and code in ERROR_TABLE:
        return ERROR_TABLE[code]
    if code is not None and 200 <= code <= 299:
        return _PERMISSION
    if code is None and http_status == 401:
        # A bare 401 (a proxy, or the media host) without Meta's body: the token was refused.
        return _TOKEN
    return _TRANSIENT if http_status >= 500 or http_status == 429 else _BAD_REQUEST


class GraphError(Exception):
    """The Graph API refused a call. `rule` says what to do about it."""

    def __init__(self, code: int | None, title: str, *, details: str = "", http_status: int = 0) -> None:
        super().__init__(f"({code}) {title}" if code is not None else title)
        self.code = code
        self.title = title
        self.details = details
        self.http_status = http_status
        self.rule = rule_for(code, http_status)

    @property
    def action(self) -> Action:
        return self.rule.action

    @classmethod
    def from_answer(cls, http_status: int, payload: object) -> GraphError:
        error = payload.get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict) or "code" not in error:
            # A bare 5xx from a proxy or a load balancer: no Meta code.
            return cls(None, f"HTTP {http_status}", http_status=http_status)
        try:
            code = int(error["code"])
        except (TypeError, ValueError):
            code = None
        data = error.get("error_data")
        details = data.get("details", "") if isinstance(data, dict) else str(data or "")
        title = error.get("error_user_title") or error.get("message") or ""
        return cls(code, str(title)[:200], details=str(details)[:500], http_status=http_status)


class NetworkError(GraphError):
    """Meta was not reached (connection refused, DNS): the message was certainly not sent."""

    def __init__(self, title: str) -> None:
        super().__init__(None, title, http_status=0)
        self.rule = NETWORK_RULE


class SendTimeout(GraphError):
    """The call went out but no answer came in time: Meta may or may not have accepted it."""

    def __init__(self, title: str = "timeout") -> None:
        super().__init__(None, title, http_status=0)
        self.rule = NETWORK_RULE
