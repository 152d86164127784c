"""Single-row statements written once per shape behave like the ORM's."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import signals
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from loket.cases.models import Case, Resident
from loket.channels.whatsapp.models import Delivery, InboundMessage
from loket.core.rows import add_to_row, fetch_chain, fetch_row, insert_row, update_row
from loket.jobs.models import Job
from loket.offices.models import default_office

pytestmark = pytest.mark.django_db


def test_update_row_prepares_values_through_the_fields_and_honours_its_condition():
    job = Job.objects.create(name="test.rows", payload={"n": 1})
    later = timezone.now() + dt.timedelta(minutes=5)

    assert update_row(Job, job.pk, {"payload": {"n": 2}, "run_after": later, "state": "running"}) == 1
    job.refresh_from_db()
    assert job.payload == {"n": 2} and job.run_after == later and job.state == "running"

    refused = update_row(Job, job.pk, {"state": "done"}, condition=" AND state = %s", params=("pending",))
    assert refused == 0 and Job.objects.get(pk=job.pk).state == "running"
    assert update_row(Job, job.pk + 1000, {"state": "done"}) == 0


def test_add_to_row_adds_to_the_row_its_key_names_and_none_matches_null():
    unkeyed = Job.objects.create(name="test.rows", key=None)
    keyed = Job.objects.create(name="test.rows", key="k-1")

    assert add_to_row(Job, {"name": "test.rows", "key": None}, {"attempts": 2, "priority": -1}) == 1
    assert add_to_row(Job, {"name": "test.rows", "key": "k-1"}, {"attempts": 5}) == 1
    assert add_to_row(Job, {"name": "other", "key": None}, {"attempts": 1}) == 0

    unkeyed.refresh_from_db()
    keyed.refresh_from_db()
    assert (unkeyed.attempts, unkeyed.priority) == (2, -1)
    assert (keyed.attempts, keyed.priority) == (5, 0)


def _values(row) -> dict:
    return {f.attname: getattr(row, f.attname) for f in type(row)._meta.concrete_fields}


def test_insert_row_saves_what_save_would_with_defaults_and_its_signals():
    heard: list[tuple[str, bool | None, int | None]] = []

    def before(sender, instance, **kwargs):
        heard.append(("pre", None, instance.pk))

    def after(sender, instance, created, **kwargs):
        heard.append(("post", created, instance.pk))

    signals.pre_save.connect(before, sender=Job)
    signals.post_save.connect(after, sender=Job)
    try:
        written = Job(name="test.rows", payload={"nik": "masked", "n": [1, 2]}, key="k-insert")
        insert_row(written)
    finally:
        signals.pre_save.disconnect(before, sender=Job)
        signals.post_save.disconnect(after, sender=Job)

    assert written.pk is not None and not written._state.adding
    assert heard == [("pre", None, None), ("post", True, written.pk)]
    stored = Job.objects.get(pk=written.pk)
    assert _values(stored) == _values(written)
    assert stored.created_at is not None and stored.state == Job.State.PENDING  # defaults applied


def test_insert_row_refuses_a_duplicate_like_save_and_leaves_the_row_alone():
    insert_row(Job(name="test.rows", key="k-twice"))
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_row(Job(name="other", key="k-twice"))
    assert list(Job.objects.filter(key="k-twice").values_list("name", flat=True)) == ["test.rows"]


def test_insert_row_leaves_a_model_with_its_own_save_to_the_orm():
    resident = Resident.objects.create(channel_number="9900", user_id="62811", wa_id="62811")
    case = Case(request_number="KIA-20261205-0001", service="KIA", subject="x", resident=resident)
    insert_row(case)  # Case.save fills the office in from the resident
    assert Case.objects.get(pk=case.pk).office_id == resident.office_id == default_office()


def test_fetch_row_reads_a_row_as_the_orm_reads_it():
    job = Job.objects.create(name="test.rows", payload={"a": {"b": [1, "dua"]}}, key="k-fetch")
    job.refresh_from_db()

    found = fetch_row(Job, "key = %s", ["k-fetch"])
    assert found is not None and not found._state.adding
    assert _values(found) == _values(job)
    assert found.run_after.tzinfo is not None  # aware on SQLite too
    assert fetch_row(Job, "key = %s", ["k-none"]) is None
    locked = fetch_row(Job, "id = %s", [job.pk], lock=True)
    assert locked is not None and locked.pk == job.pk


def test_fetch_row_only_loads_the_fields_named_and_defers_the_rest():
    job = Job.objects.create(name="test.rows", payload={"n": 1}, key="k-only")
    with CaptureQueriesContext(connection) as queries:
        found = fetch_row(Job, "id = %s", [job.pk], only=("name",))
    assert found is not None and found.name == "test.rows" and found.pk == job.pk
    assert '"payload"' not in queries.captured_queries[0]["sql"]
    assert found.get_deferred_fields() >= {"payload", "state"}
    assert found.payload == {"n": 1}  # a deferred field still loads when read


def test_insert_row_unless_skips_an_existing_row_in_one_statement_and_keeps_the_transaction():
    insert_row(Job(name="test.rows", key="k-unless"))
    with transaction.atomic():
        with CaptureQueriesContext(connection) as queries:
            again = Job(name="other", key="k-unless")
            assert insert_row(again, unless=("key",)) is False
        assert again.pk is None and len(queries.captured_queries) == 1  # no savepoint
        fresh = Job(name="test.rows", key="k-unless-2")
        assert insert_row(fresh, unless=("key",)) is True and fresh.pk is not None
    assert Job.objects.get(key="k-unless").name == "test.rows"


def test_insert_row_unless_still_raises_for_another_constraint():
    # The key is free but the name may not be NULL: a refusal that is not "the row exists".
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_row(Job(name=None, key="k-null"), unless=("key",))  # type: ignore[misc]
    assert not Job.objects.filter(key="k-null").exists()


def _message(resident: Resident | None, wamid: str) -> InboundMessage:
    return InboundMessage.objects.create(
        delivery=Delivery.objects.create(body=b"{}"),
        wamid=wamid,
        phone_number_id="9900",
        resident=resident,
        type="text",
        sent_at=timezone.now(),
        payload={"text": {"body": "halo"}},
    )


def test_fetch_chain_loads_a_row_and_what_its_foreign_keys_lead_to_in_one_statement():
    resident = Resident.objects.create(channel_number="9900", user_id="62812", wa_id="62812")
    message = _message(resident, "wamid.chain")
    office = default_office()
    with CaptureQueriesContext(connection) as queries:
        found = fetch_chain(InboundMessage, message.pk, ("resident", "office"), lock=True)
        assert found is not None
        assert found.payload == {"text": {"body": "halo"}} and found.sent_at == message.sent_at
        assert found.resident.wa_id == "62812" and found.resident.office.pk == office
    assert len(queries.captured_queries) == 1
    if connection.features.has_select_for_update_of:
        assert "FOR UPDATE OF t0" in queries.captured_queries[0]["sql"]


def test_fetch_chain_stops_at_a_null_key_and_answers_none_for_a_missing_row():
    message = _message(None, "wamid.nobody")
    with CaptureQueriesContext(connection) as queries:
        found = fetch_chain(InboundMessage, message.pk, ("resident", "office"))
        assert found is not None and found.resident is None
    assert len(queries.captured_queries) == 1
    assert fetch_chain(InboundMessage, message.pk + 1000, ("resident",)) is None
