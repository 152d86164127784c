"""Taking a chosen queued case (not just the next), and a supervisor's hand-over, both within
the per-officer limit; one case to one officer even when two click at once."""

import datetime as dt
import threading

import pytest
from django.db import connection
from django.utils import timezone

from loket.cases.models import Case, State
from loket.console.models import AuditEntry, Role
from loket.console.queue import CaseNotTakeable, ReviewLimitReached, take_case
from tests.console.builders import KEC_A, KEC_B, make_case, make_staff, sign_in

pytestmark = pytest.mark.django_db
HOUR = dt.timedelta(hours=1)


def take_url(case) -> str:
    return f"/console/permohonan/{case.pk}/ambil/"


@pytest.fixture
def officer(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"], kecamatan=[KEC_A])
    sign_in(client, user)
    return user


def test_an_officer_takes_the_case_they_chose_not_the_oldest(client, officer):
    make_case(created_at=timezone.now() - 5 * HOUR)  # older, left in the queue
    chosen = make_case()
    response = client.post(take_url(chosen))
    assert response.status_code == 302 and response["Location"] == f"/console/permohonan/{chosen.pk}/"
    chosen.refresh_from_db()
    assert (chosen.state, chosen.assigned_to) == (State.IN_REVIEW, officer)
    assert chosen.events.last().actor == officer
    assert AuditEntry.objects.get(action="take_case").case == chosen
    assert Case.objects.filter(state=State.QUEUED).count() == 1


def test_the_queue_and_the_case_page_offer_the_take_button_only_for_free_cases(client, officer):
    free = make_case()
    mine = make_case(state=State.IN_REVIEW, assigned_to=officer)
    queue = client.get("/console/antrean/KIA/").content.decode()
    assert f'action="{take_url(free)}"' in queue
    assert f'action="{take_url(mine)}"' not in queue
    assert 'id="take-this"' in client.get(f"/console/permohonan/{free.pk}/").content.decode()
    assert 'id="take-this"' not in client.get(f"/console/permohonan/{mine.pk}/").content.decode()


def test_a_case_another_officer_already_took_is_refused_with_the_reason(client, officer):
    colleague = make_staff("rekan", Role.OFFICER, services=["KIA"])
    case = make_case(state=State.IN_REVIEW, assigned_to=colleague)
    response = client.post(take_url(case), follow=True)
    assert "sudah diambil petugas lain" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == colleague
    assert not AuditEntry.objects.filter(action="take_case").exists()


def test_a_case_still_waiting_for_documents_cannot_be_taken(client, officer):
    case = make_case(state=State.WAITING_DOCUMENTS)
    response = client.post(take_url(case), follow=True)
    assert "tidak lagi menunggu di antrean" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.WAITING_DOCUMENTS


def test_a_case_reserved_for_the_officer_who_asked_for_the_resend_is_theirs_for_a_while(client, officer):
    asker = make_staff("penanya", Role.OFFICER, services=["KIA"])
    case = make_case(preferred_officer=asker, returned_at=timezone.now())
    client.post(take_url(case))
    assert Case.objects.get(pk=case.pk).assigned_to is None
    sign_in(client, asker)
    client.post(take_url(case))
    assert Case.objects.get(pk=case.pk).assigned_to == asker


def test_taking_a_chosen_case_respects_the_review_limit(client, officer, settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 1
    make_case(state=State.IN_REVIEW, assigned_to=officer)
    case = make_case()
    response = client.post(take_url(case), follow=True)
    assert "Anda sudah memeriksa 1 permohonan" in response.content.decode()
    assert Case.objects.get(pk=case.pk).state == State.QUEUED


def test_a_case_outside_the_area_or_services_is_not_found(client, officer):
    elsewhere = make_case(kecamatan=KEC_B)
    other_service = make_case(service="KK")
    assert client.post(take_url(elsewhere)).status_code == 404
    assert client.post(take_url(other_service)).status_code == 404
    assert Case.objects.filter(assigned_to__isnull=False).count() == 0


@pytest.mark.parametrize("role", [Role.COUNTER, Role.ADMIN])
def test_roles_without_a_queue_may_not_take(client, role):
    sign_in(client, make_staff("lain", role))
    case = make_case()
    assert client.post(take_url(case)).status_code == 403
    assert Case.objects.get(pk=case.pk).state == State.QUEUED


def test_taking_needs_a_post_and_a_verified_session(client):
    case = make_case()
    response = client.post(take_url(case))
    assert response.status_code == 302 and "/console/login/" in response["Location"]
    sign_in(client, make_staff("petugas", Role.OFFICER, services=["KIA"]))
    assert client.get(take_url(case)).status_code == 405


@pytest.mark.django_db(transaction=True)
def test_two_officers_taking_the_same_case_at_once_exactly_one_gets_it():
    officers = [make_staff(f"petugas{i}", Role.OFFICER, services=["KIA"]) for i in range(4)]
    case = make_case()
    barrier = threading.Barrier(len(officers))
    outcomes: dict[str, object] = {}

    def click(officer):
        try:
            barrier.wait()
            outcomes[officer.username] = take_case(officer, Case.objects.all(), case.pk).pk
        except CaseNotTakeable as exc:
            outcomes[officer.username] = exc
        except Exception as exc:  # surfaced below
            outcomes[officer.username] = repr(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    winners = [name for name, got in outcomes.items() if got == case.pk]
    assert len(winners) == 1, outcomes
    assert sum(isinstance(got, CaseNotTakeable) for got in outcomes.values()) == len(officers) - 1
    case.refresh_from_db()
    assert (case.state, case.assigned_to.username) == (State.IN_REVIEW, winners[0])
    assert case.events.filter(to_state=State.IN_REVIEW).count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_officer_taking_two_chosen_cases_at_once_does_not_pass_the_limit(settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 1
    officer = make_staff("petugas", Role.OFFICER, services=["KIA"])
    cases = [make_case() for _ in range(3)]
    barrier = threading.Barrier(len(cases))
    outcomes = []

    def click(case):
        try:
            barrier.wait()
            outcomes.append(take_case(officer, Case.objects.all(), case.pk))
        except ReviewLimitReached as exc:
            outcomes.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert Case.objects.filter(assigned_to=officer, state=State.IN_REVIEW).count() == 1
    assert sum(isinstance(o, ReviewLimitReached) for o in outcomes) == 2


# --- a supervisor's hand-over -----------------------------------------------------------------


def test_a_hand_over_to_an_officer_at_the_limit_is_refused_with_the_reason(client, settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 2
    supervisor = make_staff("sup", Role.SUPERVISOR)
    busy = make_staff("sibuk", Role.OFFICER, services=["KIA"])
    away = make_staff("pergi", Role.OFFICER, services=["KIA"])
    for _ in range(2):
        make_case(state=State.IN_REVIEW, assigned_to=busy)
    case = make_case(state=State.IN_REVIEW, assigned_to=away)
    sign_in(client, supervisor)
    response = client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": busy.pk}, follow=True)
    body = response.content.decode()
    assert "sibuk sudah memeriksa 2 permohonan (batas per petugas)" in body
    case.refresh_from_db()
    assert case.assigned_to == away
    assert not AuditEntry.objects.filter(action="hand_over").exists()
    assert not case.events.filter(note__contains="Diserahkan").exists()


def test_a_queued_case_handed_to_an_officer_at_the_limit_stays_queued(client, settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 1
    supervisor = make_staff("sup", Role.SUPERVISOR)
    busy = make_staff("sibuk", Role.OFFICER, services=["KIA"])
    make_case(state=State.IN_REVIEW, assigned_to=busy)
    case = make_case()
    sign_in(client, supervisor)
    client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": busy.pk})
    case.refresh_from_db()
    assert (case.state, case.assigned_to) == (State.QUEUED, None)


def test_a_hand_over_below_the_limit_still_goes_through(client, settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 2
    supervisor = make_staff("sup", Role.SUPERVISOR)
    colleague = make_staff("rekan", Role.OFFICER, services=["KIA"])
    make_case(state=State.IN_REVIEW, assigned_to=colleague)
    case = make_case()
    sign_in(client, supervisor)
    client.post(f"/console/permohonan/{case.pk}/serahkan/", {"to": colleague.pk})
    case.refresh_from_db()
    assert (case.state, case.assigned_to) == (State.IN_REVIEW, colleague)
    assert AuditEntry.objects.get(action="hand_over").detail == f"to={colleague.pk}"


def test_the_hand_over_list_shows_how_many_cases_each_colleague_holds(client, settings):
    settings.LOKET_CONSOLE_REVIEW_LIMIT = 2
    supervisor = make_staff("sup", Role.SUPERVISOR)
    busy = make_staff("sibuk", Role.OFFICER, services=["KIA"])
    make_staff("luang", Role.OFFICER, services=["KIA"])
    for _ in range(2):
        make_case(state=State.IN_REVIEW, assigned_to=busy)
    case = make_case()
    sign_in(client, supervisor)
    body = client.get(f"/console/permohonan/{case.pk}/").content.decode()
    assert "sibuk (Petugas verifikasi, memeriksa 2, penuh)" in body
    assert "luang (Petugas verifikasi, memeriksa 0)" in body
