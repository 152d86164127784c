"""`loket demo-data --cases N` and `make demo`'s coverage data."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone
from PIL import Image

from loket.cases.checklist import is_complete
from loket.cases.guards import approval_refusals
from loket.cases.models import OPEN_STATES, Case, CaseEvent, Document, State, next_request_number
from loket.channels.whatsapp.models import CaseConsent
from loket.coverage import aggregates
from loket.coverage.demo import load
from loket.coverage.models import CoverageImport, KecamatanFigure, OpenCaseDay, RegencyFigure, ServiceDay
from loket.domain.intake import canonical_message, parse
from loket.domain.regions import office_regions
from loket.scheduling.approval import approve_case

pytestmark = pytest.mark.django_db

FIELDS = (
    "day",
    "service",
    "kode_kecamatan",
    "received",
    "corrections",
    "approved",
    "collected",
    "first_responses",
)


def service_days():
    open_cases = OpenCaseDay.objects.exclude(count=0).values_list(
        "service", "kode_kecamatan", "state", "created_day", "state_day", "count"
    )
    return sorted(ServiceDay.objects.values_list(*FIELDS)), sorted(open_cases)


@pytest.mark.slow
def test_demo_data_makes_realistic_cases_with_consistent_aggregates():
    out = io.StringIO()
    call_command("demo-data", "--cases", "400", stdout=out)
    assert "400 permohonan demo" in out.getvalue()
    assert Case.objects.count() == 400
    kodes = {p.kode for p in office_regions().kecamatan}
    assert set(Case.objects.values_list("kode_kecamatan", flat=True)) <= kodes
    assert set(Case.objects.values_list("service", flat=True)) == {"KIA", "KTP", "KK", "SKPWNI", "SKDWNI"}
    states = set(Case.objects.values_list("state", flat=True))
    assert State.COLLECTED in states and State.REJECTED in states
    # Each case's last event is its state, at its state_changed_at.
    for case in Case.objects.exclude(state=State.WAITING_DOCUMENTS)[:50]:
        last = CaseEvent.objects.filter(case=case).last()
        assert (last.to_state, last.at) == (case.state, case.state_changed_at)
    generated = service_days()
    aggregates.rebuild()
    assert service_days() == generated
    assert sum(r[3] for r in generated[0]) == 400
    assert sum(r[-1] for r in generated[1]) == Case.objects.filter(state__in=sorted(OPEN_STATES)).count()


def test_demo_cases_are_valid_requests_that_pass_the_approval_guard_honestly(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo-data", "--cases", "300", "--days", "20")
    today = timezone.localdate()
    for case in Case.objects.all()[:120]:
        # The intake reads the data back without a problem, and finds the same subject.
        result = parse(canonical_message(case.service, case.fields), today=case.created_at.date())
        assert result.ok, (case.service, case.fields, [p.code for p in result.problems])
        assert result.subject == case.subject
        if case.service != "SKDWNI":
            assert case.subject[:6] == case.kode_kecamatan.replace(".", "") or case.service == "SKPWNI"
        assert CaseConsent.objects.get(case=case).agreed
    reviewable = Case.objects.filter(state__in=[State.QUEUED, State.IN_REVIEW])
    assert reviewable.exists()
    for case in reviewable:
        assert approval_refusals(case, day=today) == [], case.request_number
        document = case.documents.first()
        with document.file.open("rb") as fh:
            assert Image.open(fh).format == "JPEG"
    waiting = Case.objects.filter(state=State.WAITING_DOCUMENTS)
    assert all(not is_complete(case) for case in waiting)
    assert not Document.objects.filter(case__state__in=[State.COLLECTED, State.REJECTED]).exists()
    # An in-review demo case is approved as a real one is: booked, receipt issued.
    case = Case.objects.filter(state=State.IN_REVIEW).first()
    if case is not None:
        approve_case(case, source="cli")
        assert case.bookings.exists() or case.service in ("KK", "SKPWNI", "SKDWNI")


def test_live_requests_after_demo_data_get_fresh_numbers_and_keep_aggregates_right():
    call_command("demo-data", "--cases", "200", "--days", "3")
    day = Case.objects.order_by("-created_at").first().created_at.date()
    number = next_request_number("KIA", day)
    assert not Case.objects.filter(request_number=number).exists()
    case = (
        Case.objects.filter(state=State.READY_FOR_PICKUP).first()
        or Case.objects.filter(state=State.APPROVED).first()
    )
    if case is not None:
        case.move_to(State.COLLECTED, source="console", through=State.COLLECTED)
    live = service_days()
    aggregates.rebuild()
    assert service_days() == live


def test_make_demo_imports_the_seed_tables_once(monkeypatch):
    monkeypatch.setattr("loket.coverage.demo.DEMO_CASES", 150)
    load(io.StringIO())
    load(io.StringIO())
    assert CoverageImport.objects.filter(source="demo").count() == 2
    assert KecamatanFigure.objects.count() == 29 and RegencyFigure.objects.count() == 7
    assert Case.objects.count() == 150
