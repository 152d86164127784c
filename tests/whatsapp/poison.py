"""Poison for the quarantine tests: the bodies that once stopped all inbound processing.

Each trigger is a message (it rides in a delivery, alone or with valid messages) or a whole
body; `failing_inserts` makes the database itself refuse some messages (a real trigger, on
SQLite and PostgreSQL alike) for the "unknown error" path.
"""

from __future__ import annotations

import contextlib
import json

from django.db import connection

from tests.whatsapp.inbound import envelope, message, text

# Messages the database could not hold as they are: stored cleaned and flagged.
CLEANED = {
    "nul_in_text": lambda: text("Halo\x00 petugas"),
    "surrogate_in_text": lambda: text("Halo \ud800 petugas"),
    "surrogate_in_caption_key": lambda: message("text", body="Halo", **{"x\ud800": 1}),
    "nan_value": lambda: {**text("Halo"), "extra": float("nan")},
}
# Messages that can never be recorded as they are: quarantined at once (reason), never truncated.
QUARANTINED = {
    "long_id": (lambda: text("STATUS", wamid="wamid." + "A" * 250), "oversized_id"),
    "nul_in_id": (lambda: text("STATUS", wamid="wamid.X\x00Y"), "invalid_id"),
    "long_from": (lambda: text("STATUS", frm="6" * 129), "oversized_sender"),
    "surrogate_in_from": (lambda: text("STATUS", frm="62812\ud800"), "invalid_sender"),
    "id_is_an_object": (lambda: {**text("STATUS"), "id": {"a": 1}}, "invalid_id"),
    "deep_message": (lambda: {**text("STATUS"), "extra": _nested(60)}, "too_deep"),
}
# Whole bodies that cannot be read: the delivery is quarantined at once.
DEEP_BODY = b'{"object": "whatsapp_business_account", "entry": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
BODIES = {
    "deep_body": (DEEP_BODY, "invalid_json"),
    "not_json": (b"\xff\xfe{not json", "invalid_json"),
    "not_an_object": (b'["entry"]', "not_an_object"),
}
BOOM = "wamid.BOOM-"  # messages whose id starts so are refused by the database (failing_inserts)


def _nested(depth: int) -> dict:
    value: dict = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def body_of(*messages: dict, **kw) -> bytes:
    return json.dumps(envelope(*messages, **kw)).encode()


@contextlib.contextmanager
def failing_inserts():
    """The database refuses InboundMessage rows whose wamid starts with BOOM (a real error)."""
    table = "whatsapp_inboundmessage"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION loket_test_boom() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.wamid LIKE '{BOOM}%' THEN RAISE EXCEPTION 'refused by test trigger'; END IF; "
                "RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER loket_test_boom BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION loket_test_boom()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER loket_test_boom BEFORE INSERT ON {table} "
                f"WHEN NEW.wamid LIKE '{BOOM}%' BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP TRIGGER loket_test_boom{' ON ' + table if connection.vendor == 'postgresql' else ''}"
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION loket_test_boom()")


@contextlib.contextmanager
def failing_delivery_updates(marker: str):
    """The database refuses to mark dispatched any delivery whose body holds `marker`."""
    table = "whatsapp_delivery"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION loket_test_stuck() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.dispatched_at IS NOT NULL AND position('{marker}'::bytea in NEW.body) > 0 "
                "THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                f"CREATE TRIGGER loket_test_stuck BEFORE UPDATE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION loket_test_stuck()"
            )
        else:
            cursor.execute(
                f"CREATE TRIGGER loket_test_stuck BEFORE UPDATE ON {table} "
                f"WHEN NEW.dispatched_at IS NOT NULL AND instr(NEW.body, CAST('{marker}' AS BLOB)) > 0 "
                "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                f"DROP TRIGGER loket_test_stuck{' ON ' + table if connection.vendor == 'postgresql' else ''}"
            )
            if connection.vendor == "postgresql":
                cursor.execute("DROP FUNCTION loket_test_stuck()")
