"""The console home: what each role sees first."""

import datetime as dt

import pytest
import time_machine

from loket.console.models import Role
from tests.console.builders import make_staff, sign_in

pytestmark = pytest.mark.django_db
# In June 2027 the holidays package (0.109) has no decree (cuti bersama) for 2028 yet.
JUNE_2027 = dt.datetime(2027, 6, 1, 2, 0, tzinfo=dt.UTC)
# In January 2027 the Idul Fitri and Idul Adha dates of 2027 are still estimates.
JANUARY_2027 = dt.datetime(2027, 1, 4, 2, 0, tzinfo=dt.UTC)


def _home(client, role) -> str:
    sign_in(client, make_staff(f"u-{role}", role, services=["KIA"]))
    return client.get("/console/").content.decode()


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_administrators_and_supervisors_are_warned_when_next_years_decree_is_missing(client, role):
    with time_machine.travel(JUNE_2027, tick=False):
        body = _home(client, role)
    assert "Kalender libur perlu diperiksa" in body
    assert "belum memuat cuti bersama tahun 2028" in body


def test_estimated_holiday_dates_are_named_on_the_home_page(client):
    with time_machine.travel(JANUARY_2027, tick=False):
        body = _home(client, Role.ADMIN)
    assert "masih perkiraan" in body and "Rabu, 10 Maret 2027" in body


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER])
def test_officers_and_counter_staff_are_not_shown_the_calendar_warnings(client, role):
    with time_machine.travel(JUNE_2027, tick=False):
        body = _home(client, role)
    assert "Kalender libur" not in body and "cuti bersama" not in body


def _open_incident():
    from loket.channels.whatsapp.models import Incident

    return Incident.objects.create(
        kind=Incident.Kind.TOKEN, message="Token akses ditolak Meta (190).", pauses_sending=True
    )


@pytest.mark.parametrize("role", [Role.ADMIN, Role.SUPERVISOR])
def test_an_open_whatsapp_incident_is_a_banner_for_administrators_and_supervisors(client, role):
    _open_incident()
    body = _home(client, role)
    assert "Gangguan WhatsApp" in body and "Token akses ditolak Meta (190)." in body
    assert "Pengiriman dijeda." in body


def test_officers_do_not_get_the_incident_banner_and_a_closed_incident_is_gone(client):
    from django.utils import timezone

    incident = _open_incident()
    assert "Gangguan WhatsApp" not in _home(client, Role.OFFICER)
    incident.closed_at = timezone.now()
    incident.save()
    client.logout()
    assert "Gangguan WhatsApp" not in _home(client, Role.ADMIN)
