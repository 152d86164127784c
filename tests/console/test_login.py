"""Signing in: password, then the TOTP code; throttling; sessions; CSRF; no framing."""

import pytest
from django.test import Client

from loket.console.models import AuditEntry, Role
from tests.console.builders import PASSWORD, current_code, make_staff

pytestmark = pytest.mark.django_db


def password_step(client, username, password=PASSWORD, next_url="/console/"):
    return client.post("/console/login/", {"username": username, "password": password, "next": next_url})


def test_password_then_code_opens_the_console_and_is_audited(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    response = password_step(client, "petugas", next_url="/console/antrean/KIA/")
    assert response.status_code == 302 and response["Location"].startswith("/console/login/kode/")
    # Between the two steps nothing is open yet.
    assert client.get("/console/")["Location"].startswith("/console/login/")
    response = client.post(
        "/console/login/kode/", {"token": current_code(user), "next": "/console/antrean/KIA/"}
    )
    assert response["Location"] == "/console/antrean/KIA/"
    assert client.get("/console/").status_code == 200
    entry = AuditEntry.objects.get(action="login")
    assert entry.actor == user and entry.address == "127.0.0.1"


def test_a_wrong_code_keeps_the_console_closed(client):
    make_staff("petugas", Role.OFFICER, services=["KIA"])
    password_step(client, "petugas")
    response = client.post("/console/login/kode/", {"token": "000000"})
    assert response.status_code == 200
    assert "Kode salah" in response.content.decode()
    assert client.get("/console/").status_code == 302
    assert AuditEntry.objects.filter(action="login_failed_token").count() == 1


def test_a_wrong_password_is_refused_in_plain_words(client):
    make_staff("petugas", Role.OFFICER, services=["KIA"])
    response = password_step(client, "petugas", password="salah")
    assert response.status_code == 200
    assert "Nama pengguna atau sandi salah." in response.content.decode()


def test_a_staff_account_without_a_second_factor_cannot_sign_in(client):
    user = make_staff("baru", Role.OFFICER, services=["KIA"])
    user.totpdevice_set.all().delete()
    response = password_step(client, "baru")
    assert response.status_code == 200
    assert "belum memiliki faktor kedua" in response.content.decode()


def test_an_account_without_a_staff_profile_cannot_sign_in(client, django_user_model):
    django_user_model.objects.create_user("warga", password=PASSWORD)
    response = password_step(client, "warga")
    assert "bukan akun staf" in response.content.decode()


def test_the_next_address_cannot_lead_off_the_console(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    password_step(client, "petugas", next_url="https://contoh.invalid/")
    response = client.post(
        "/console/login/kode/", {"token": current_code(user), "next": "https://contoh.invalid/"}
    )
    assert response["Location"] == "/console/"


def test_repeated_wrong_passwords_lock_the_login(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    make_staff("petugas", Role.OFFICER, services=["KIA"])
    for _ in range(3):
        password_step(client, "petugas", password="salah")
    response = password_step(client, "petugas")  # even the right password now
    assert response.status_code == 429
    assert "console_pending_login" not in client.session


def test_forms_need_the_csrf_token():
    client = Client(enforce_csrf_checks=True)
    make_staff("petugas", Role.OFFICER, services=["KIA"])
    assert password_step(client, "petugas").status_code == 403


def test_console_pages_may_not_be_framed_and_sessions_expire(client, settings):
    response = client.get("/console/login/")
    assert response["X-Frame-Options"] == "DENY"
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert 0 < settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_logout_ends_the_session(client):
    user = make_staff("petugas", Role.OFFICER, services=["KIA"])
    password_step(client, "petugas")
    client.post("/console/login/kode/", {"token": current_code(user)})
    assert client.get("/console/").status_code == 200
    client.post("/console/logout/")
    assert client.get("/console/").status_code == 302
