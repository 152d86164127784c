"""No NIK, KK or phone number in the logs across a whole intake: the request, consent,
documents, a malformed request with a wrong NIK, STATUS. Read from Loket's own log handler
(JSON, root at DEBUG), so the masking filter and every logger of the path are included."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from loket.cases.models import Case, State
from tests.logcapture import captured_logs
from tests.whatsapp.inbound import (  # noqa: F401
    SITI,
    deliver,
    envelope,
    inbound_settings,
    jpeg,
    message,
    office_numbers,
    photo,
    post,
    text,
)

pytestmark = pytest.mark.django_db

CHILD, KK = "3603011105200003", "3603012208170006"
KIA = f"#KIA#{CHILD}#{KK}#BUDI SANTOSO#SENTUL#BALARAJA"
WRONG = "#KIA#3603019999999999#36030122081700#BUDI#SENTUL#BALARAJA"  # a bad NIK and a short KK


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def test_a_whole_intake_writes_no_identity_or_phone_number_to_the_logs(fake_graph):
    with captured_logs() as lines:
        deliver(text(KIA))
        deliver(
            message(
                "interactive", type="button_reply", button_reply={"id": "consent:yes", "title": "Saya setuju"}
            )
        )
        for n, caption in enumerate(("AKTA", "KTP AYAH", "KTP IBU", "KK", "FOTO")):
            deliver(photo(fake_graph, jpeg((n, 2, 3)), caption=caption, ts=1764400010 + n))
        deliver(text(WRONG))
        deliver(text("STATUS"))
        # a delivery signed with the wrong secret is refused, and logged as such
        assert post(envelope(text(KIA)), secret="not-the-secret", client=Client()).status_code in {401, 403}
    case = Case.objects.get(subject=CHILD)
    assert case.state == State.QUEUED  # the intake really went through
    written = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines)
    assert lines, "the path wrote no log line at all: nothing was checked"
    for secret in (CHILD, KK, "3603019999999999", SITI, "+" + SITI, "0" + SITI[2:]):
        assert secret not in written
