"""Documents retention per office: an office's own period (`Office.retain_documents_days`)
wins over LOKET_RETAIN_DOCUMENTS_DAYS for that office's rows, and only for them."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from loket.cases.models import Case, Document, Resident, State
from loket.offices.models import Office, first_office
from loket.privacy import retention
from loket.privacy.retention import PURGED_MARK
from tests import approvable
from tests.console.builders import KIA_DOCS, make_case, make_resident
from tests.privacy.world import snapshot, stored_files

pytestmark = pytest.mark.django_db
FILES = len(KIA_DOCS) + 1  # the request's files and one unfiled file


@pytest.fixture(autouse=True)
def commits(django_capture_on_commit_callbacks):
    """Files leave storage once the purge's transaction commits (see test_retention)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


@pytest.fixture(autouse=True)
def installation(settings):
    settings.LOKET_RETAIN_DOCUMENTS_DAYS = 90
    settings.LOKET_RETAIN_MESSAGES_DAYS = 365
    settings.LOKET_RETAIN_DELIVERIES_DAYS = 365
    return settings


def office_a(days: int | None) -> Office:
    office = first_office()
    office.retain_documents_days = days
    office.save()
    return office


def office_b() -> Office:
    return Office.objects.create(code="36.71", name="Dinas Dukcapil Kota Tangerang")


def closed_case(office: Office, *, days_ago: float, number: str) -> Case:
    """A cancelled request of `office` closed `days_ago`, with its files, and one unfiled file
    of the same resident received as long ago."""
    resident = make_resident(office=office, channel_number=number)
    case = make_case(resident=resident, office=office, kecamatan=f"{office.code}.01")
    when = timezone.now() - dt.timedelta(days=days_ago)
    Case.objects.filter(pk=case.pk).update(state=State.CANCELLED, state_changed_at=when)
    loose = Document(resident=resident, case=None, label="", mime_type="image/jpeg")
    loose.file.save("berkas.jpg", ContentFile(approvable.tiny_jpeg()), save=False)
    loose.save()
    Document.objects.filter(pk=loose.pk).update(created_at=when)
    case.refresh_from_db()
    return case


def purge_counts(commits, *args: str) -> dict[str, int]:
    """`loket privacy purge [--dry-run]`, read back as {kind: count}."""
    out = io.StringIO()
    commits(call_command, "privacy", "purge", *args, stdout=out)
    counts = {}
    for line in out.getvalue().splitlines()[1:]:
        name, count = line.split()[:2]
        counts[name] = int(count)
    return counts


def kept(office: Office) -> int:
    return Document.objects.filter(resident__office=office, purged_at__isnull=True).count()


def files_of(office: Office) -> set[str]:
    return {d.file.name for d in Document.objects.filter(resident__office=office) if d.file}


def test_dry_run_and_purge_count_each_office_by_its_own_period(commits):
    a, b = office_a(7), office_b()
    mine = closed_case(a, days_ago=10, number="1001")
    theirs = closed_case(b, days_ago=10, number="2002")
    theirs_files = files_of(b)
    assert len(files_of(a)) == FILES and len(theirs_files) == FILES
    before = snapshot()

    dry = purge_counts(commits, "--dry-run")
    assert (dry["documents"], dry["cases"], dry["total"]) == (FILES, 1, FILES + 1)
    assert snapshot() == before  # a dry run changes nothing

    done = purge_counts(commits)
    assert done == dry  # the purge removes exactly what the dry run counted
    assert kept(a) == 0 and files_of(a) == set()
    assert all(d.caption == PURGED_MARK for d in Document.objects.filter(resident__office=a))
    assert kept(b) == FILES and stored_files() == theirs_files  # B's 90 days are not over
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.subject, mine.fields) == ("", {}) and mine.purged_at is not None
    assert theirs.subject and theirs.fields and theirs.purged_at is None
    assert purge_counts(commits, "--dry-run")["total"] == 0  # once only


def test_the_installation_period_applies_where_the_office_sets_none_and_a_longer_one_keeps():
    a, b = office_a(120), office_b()  # A keeps longer than the installation's 90 days
    closed_case(a, days_ago=100, number="1001")
    closed_case(b, days_ago=91, number="2002")
    counts = retention.purge(dry_run=True).counts
    assert (counts["documents"], counts["cases"]) == (FILES, 1)
    retention.purge()
    assert kept(a) == FILES and kept(b) == 0


def test_an_office_period_of_zero_purges_at_once_and_an_empty_one_falls_back():
    a, b = office_a(0), office_b()
    closed_case(a, days_ago=0.001, number="1001")
    closed_case(b, days_ago=89, number="2002")
    retention.purge()
    assert kept(a) == 0 and kept(b) == FILES
    office_a(None)  # emptied: the installation's 90 days again, for new closures
    closed_case(a, days_ago=89, number="1003")
    assert retention.purge(dry_run=True).counts["documents"] == 0


def test_a_residents_identity_waits_for_its_offices_period():
    """The identity goes once nothing of the resident is kept: under A's 7 days their
    10-day-old files are gone, under B's 90 days they are still kept."""
    a, b = office_a(7), office_b()
    mine = closed_case(a, days_ago=10, number="1001").resident
    theirs = closed_case(b, days_ago=10, number="2002").resident
    old = timezone.now() - dt.timedelta(days=400)  # quiet past the messages period
    Resident.objects.filter(pk__in=[mine.pk, theirs.pk]).update(created_at=old, last_inbound_at=old)
    assert retention.purge().counts["residents"] == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.purged_at is not None and mine.user_id.startswith("dihapus-")
    assert theirs.purged_at is None and theirs.user_id != f"dihapus-{theirs.pk}"


def test_one_office_without_its_own_period_selects_exactly_as_before():
    office_a(None)
    limits = retention.cutoffs()
    assert limits.office_documents == {}
    assert str(limits.documents_expired("created_at", "resident__office_id")) == str(
        Q(created_at__lte=limits.documents)
    )


def test_an_erasure_takes_everything_whatever_the_office_keeps():
    a = office_a(3650)
    case = closed_case(a, days_ago=1, number="1001")
    counts = retention.purge(retention.for_residents([case.resident_id])).counts
    assert counts["documents"] == FILES and kept(a) == 0
