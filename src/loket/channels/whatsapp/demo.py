"""Demo data of the WhatsApp channel: the regency's published numbers, one per service."""

from __future__ import annotations

from loket.channels.whatsapp.numbers import register_number

# (phone_number_id in the fake Graph API, published number, services)
DEMO_NUMBERS = [
    ("109000000000001", "081282372016", ["KK"]),
    ("109000000000002", "081212492477", ["KTP"]),
    ("109000000000003", "085694012597", ["KIA"]),
    ("109000000000004", "081338020399", ["SKPWNI", "SKDWNI"]),
]


def load(out) -> None:
    for phone_number_id, display, services in DEMO_NUMBERS:
        number, _ = register_number(phone_number_id, display, services)
        out.write(
            f"Nomor WhatsApp demo: +{number.display_number} ({', '.join(services)}) id {phone_number_id}"
        )
