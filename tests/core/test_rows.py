"""Single-row statements written once per shape behave like the ORM's."""

import datetime as dt

import pytest
from django.utils import timezone

from loket.core.rows import add_to_row, update_row
from loket.jobs.models import Job

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
