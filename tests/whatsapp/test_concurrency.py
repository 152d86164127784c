"""Several workers on the same deliveries at once: each message handled once, nothing lost."""

import threading

import pytest
from django.db import connection

from loket.channels.whatsapp import ingest
from loket.channels.whatsapp.models import Delivery, InboundMessage, OutboundMessage
from loket.jobs import queue
from tests.whatsapp.inbound import envelope, inbound_settings, office_numbers, post, text  # noqa: F401


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_three_workers_share_redelivered_batches_without_doing_anything_twice():
    office_numbers()
    residents = [f"62813000{n:05d}" for n in range(12)]
    for _round in range(2):  # every delivery arrives twice, as Meta redelivers
        for n, wa in enumerate(residents):
            post(
                envelope(
                    text("STATUS", wamid=f"wamid.CONC-{n}", frm=wa, ts=1764400000 + n),
                    wa_id=wa,
                    bsuid=f"ID.{wa}",
                )
            )
    errors = []

    def worker(name):
        try:
            for _ in range(200):
                split = ingest.dispatch_pending()
                ran = queue.run_pending(
                    name, names=["whatsapp.dispatch_deliveries", "whatsapp.handle_message"]
                )
                if (
                    not split
                    and not ran.done
                    and not ran.retried
                    and not Delivery.objects.filter(dispatched_at__isnull=True).exists()
                ):
                    break
        except Exception as exc:  # surfaced below: a worker must never crash on a race
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Delivery.objects.filter(dispatched_at__isnull=True).count() == 0
    assert InboundMessage.objects.count() == 12
    assert InboundMessage.objects.filter(handled_at__isnull=True).count() == 0
    assert OutboundMessage.objects.count() == 12
