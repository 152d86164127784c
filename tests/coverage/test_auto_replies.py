"""The share answered automatically: format problems the channel explained without an officer."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from loket.channels.whatsapp import ingest, outbox
from loket.channels.whatsapp.models import InboundMessage, OutboundMessage
from loket.coverage import service
from loket.coverage.models import ExplainedDayDone
from tests.whatsapp.inbound import (  # noqa: F401
    deliver,
    envelope,
    inbound_settings,
    office_numbers,
    post,
    text,
    work,
)
from tests.whatsapp_fixtures import _fake_graph_server, fake_graph  # noqa: F401

pytestmark = pytest.mark.django_db

KIA_BUDI = "#KIA#3603011105200003#3603012208170006#BUDI SANTOSO#SENTUL#BALARAJA"
KIA_SITI = "#KIA#3603035512180003#3603031203150007#SITI AMINAH#PASIR BOLANG#TIGARAKSA"
KIA_SHORT = "#KIA#3603035512180003#SITI AMINAH"
TIGARAKSA = "36.03.03"


@pytest.fixture(autouse=True)
def numbers():
    office_numbers()


def rows_in(window: service.Window) -> dict[str, service.ServiceRow]:
    return {r.service: r for r in service.by_service(window)}


def rows() -> dict[str, service.ServiceRow]:
    today = timezone.localdate()
    return rows_in(service.Window(today, today))


def test_explained_formats_count_per_request_received():
    deliver(text(KIA_BUDI))
    deliver(text(KIA_SITI))
    deliver(text(KIA_SHORT))  # the parser explains what is missing
    deliver(text("halo, mau buat kia"))  # no format at all: the guided conversation starts
    deliver(text("STATUS"))  # a keyword's reply is no explanation
    deliver(text("selamat pagi"))  # the menu (docs/guided.md) is no explanation either
    figures = rows()
    assert figures["KIA"].values["received"] == 2
    assert figures["KIA"].values["auto_explained"] == 1 and figures["KIA"].auto_share == pytest.approx(0.5)
    # Only typed attempts are explained: a text naming no service gets the menu, not counted.
    assert figures["Semua"].values["auto_explained"] == 1 and figures["Semua"].auto_share == pytest.approx(
        0.5
    )


def test_an_explanation_after_an_officer_wrote_is_not_automatic():
    deliver(text(KIA_BUDI))
    post(envelope(text(KIA_SHORT)))
    ingest.dispatch_pending()  # recorded, not yet answered
    message = InboundMessage.objects.get(payload__text__body=KIA_SHORT)
    outbox.enqueue(message.resident, text="Halo Bu, saya bantu.", kind=OutboundMessage.Kind.OFFICER)
    work()
    assert OutboundMessage.objects.filter(text__startswith="Maaf, permohonan Kartu Identitas Anak").exists()
    assert rows()["KIA"].values["auto_explained"] == 0


def test_an_area_scoped_view_counts_the_explanations_of_its_kecamatan():
    deliver(text(KIA_SITI))
    deliver(
        text("#KIA#3603011105200003#36030122081#BUDI SANTOSO#SENTUL#BALARAJA")
    )  # KK too short; Balaraja is 36.03.01
    today = timezone.localdate()
    assert service.by_service(service.Window(today, today))[-1].values["auto_explained"] == 1
    balaraja = service.by_service(service.Window(today, today), kodes={"36.03.01"})
    assert balaraja[-1].values["auto_explained"] == 1 and balaraja[-1].auto_share is None
    tigaraksa = service.by_service(service.Window(today, today), kodes={TIGARAKSA})
    assert tigaraksa[-1].values["received"] == 1 and tigaraksa[-1].values["auto_explained"] == 0


def test_a_past_day_is_counted_once_and_stays_counted_after_the_messages_are_purged():
    deliver(text(KIA_BUDI))
    deliver(text(KIA_SHORT))
    today = timezone.localdate()
    window = service.Window(today, today + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        assert rows_in(window)["KIA"].values["auto_explained"] == 1
        assert ExplainedDayDone.objects.filter(day=today).exists()
        OutboundMessage.objects.all().delete()
        InboundMessage.objects.all().delete()
        assert rows_in(window)["KIA"].values["auto_explained"] == 1
