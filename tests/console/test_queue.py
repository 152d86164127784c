"""The queue: oldest first, filters, take-next under races, the per-officer limit, idle returns."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from loket.cases.models import Case, State
from loket.console.models import Role
from loket.console.queue import ReviewLimitReached, release_idle, take_next
from loket.jobs.queue import enqueue, run_pending
from tests.console.builders import KEC_A, KEC_B, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def test_take_next_gives_the_oldest_waiting_case(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    now = timezone.now()
    make_case(created_at=now - HOUR)
    oldest = make_case(created_at=now - 3 * HOUR)
    make_case(state=State.WAITING_DOCUMENTS, created_at=now - 9 * HOUR)  # not complete: not takeable
    sign_in(client, officer)
    response = client.post("/console/antrean/KIA/ambil/")
    assert response["Location"] == f"/console/permohonan/{oldest.pk}/"
    oldest.refresh_from_db()
    assert (oldest.state, oldest.assigned_to) == (State.IN_REVIEW, officer)
    assert oldest.events.last().actor == officer


def test_take_next_stays_within_the_officers_area(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    make_case(kecamatan=KEC_B, created_at=timezone.now() - 5 * HOUR)
    mine = make_case(kecamatan=KEC_A)
    sign_in(client, officer)
    assert client.post("/console/antrean/KIA/ambil/")["Location"] == f"/console/permohonan/{mine.pk}/"
    response = client.post("/console/antrean/KIA/ambil/", follow=True)
    assert "Antrean kosong" in response.content.decode()


def test_an_officer_may_hold_only_so_many_cases_in_review(settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 2
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    for _ in range(3):
        make_case()
    take_next(officer, Case.objects.all())
    take_next(officer, Case.objects.all())
    with pytest.raises(ReviewLimitReached, match="sudah memeriksa 2"):
        take_next(officer, Case.objects.all())
    assert Case.objects.filter(state=State.QUEUED).count() == 1


def test_filters_by_state_kecamatan_waiting_warnings_and_assignment(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    now = timezone.now()
    old_warned = make_case(
        kecamatan=KEC_A, created_at=now - 30 * HOUR, warnings=[{"code": "x", "message": "m"}]
    )
    fresh_b = make_case(kecamatan=KEC_B, created_at=now)
    mine = make_case(state=State.IN_REVIEW, assigned_to=officer)
    sign_in(client, officer)

    def listed(**params):
        body = client.get("/console/antrean/KIA/", params).content.decode()
        return {c.request_number for c in (old_warned, fresh_b, mine) if c.request_number in body}

    assert listed() == {old_warned.request_number, fresh_b.request_number, mine.request_number}
    assert listed(state="in_review") == {mine.request_number}
    assert listed(kecamatan=KEC_B) == {fresh_b.request_number}
    assert listed(waiting="1h") == {old_warned.request_number}
    assert listed(warnings="ya") == {old_warned.request_number}
    assert listed(assigned="saya") == {mine.request_number}
    assert mine.request_number not in listed(assigned="belum")


def test_the_filter_form_answers_htmx_with_just_the_rows(client):
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case()
    sign_in(client, officer)
    response = client.get("/console/antrean/KIA/", HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert case.request_number in body and "<html" not in body


def test_cases_left_untouched_return_to_the_queue(settings):
    settings.LOKET_CONSOLE_IDLE_MINUTES = 30
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    idle = make_case(state=State.IN_REVIEW, assigned_to=officer)
    busy = make_case(state=State.IN_REVIEW, assigned_to=officer)
    Case.objects.filter(pk=idle.pk).update(last_touched_at=timezone.now() - 2 * HOUR)
    enqueue("console.release_idle", {})
    assert run_pending(names=["console.release_idle"]).done == 1
    idle.refresh_from_db()
    busy.refresh_from_db()
    assert (idle.state, idle.assigned_to) == (State.QUEUED, None)
    assert (busy.state, busy.assigned_to) == (State.IN_REVIEW, officer)
    assert release_idle() == 0


def test_opening_the_case_counts_as_touching_it(client, settings):
    settings.LOKET_CONSOLE_IDLE_MINUTES = 30
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=officer)
    Case.objects.filter(pk=case.pk).update(last_touched_at=timezone.now() - 2 * HOUR)
    sign_in(client, officer)
    client.get(f"/console/permohonan/{case.pk}/")
    assert release_idle() == 0


@pytest.mark.django_db(transaction=True)
def test_two_officers_clicking_at_once_get_different_cases():
    officers = [make_staff(f"petugas{i}", Role.OFFICER, services=["KIA"]) for i in range(4)]
    cases = [make_case(created_at=timezone.now() - i * HOUR) for i in range(3)]
    barrier = threading.Barrier(len(officers))
    taken, errors = {}, []

    def click(officer):
        try:
            barrier.wait()
            case = take_next(officer, Case.objects.all())
            taken[officer.username] = case.pk if case else None
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors
    got = [pk for pk in taken.values() if pk]
    assert sorted(got) == sorted(c.pk for c in cases)  # every case to exactly one officer
    assert list(taken.values()).count(None) == 1
    for case in Case.objects.all():
        assert case.state == State.IN_REVIEW
        assert case.events.filter(to_state=State.IN_REVIEW).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_officer_double_clicking_does_not_pass_the_limit(settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 1
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    for _ in range(3):
        make_case()
    barrier = threading.Barrier(3)
    outcomes = []

    def click():
        try:
            barrier.wait()
            outcomes.append(take_next(officer, Case.objects.all()))
        except ReviewLimitReached as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Case.objects.filter(assigned_to=officer, state=State.IN_REVIEW).count() == 1
    assert sum(isinstance(o, ReviewLimitReached) for o in outcomes) == 2
