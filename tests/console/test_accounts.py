"""Accounts: `loket staff add` and the demo accounts, each with a second factor."""

import io

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases.models import Case
from loket.console import demo
from loket.console.models import Role, StaffProfile

pytestmark = pytest.mark.django_db


def test_staff_add_creates_the_profile_and_enrols_a_totp_device():
    out = io.StringIO()
    call_command(
        "staff",
        "add",
        "budi",
        "--role",
        "officer",
        "--services",
        "KIA,KK",
        "--kecamatan",
        "36.03.03",
        "--password",
        "sandi-panjang-sekali",
        stdout=out,
    )
    profile = StaffProfile.objects.get(user__username="budi")
    assert (profile.role, profile.services, profile.kecamatan) == (Role.OFFICER, ["KIA", "KK"], ["36.03.03"])
    device = TOTPDevice.objects.get(user__username="budi")
    assert demo.totp_secret(device) in out.getvalue()
    assert "█" in out.getvalue()  # the QR code


def test_staff_add_refuses_an_officer_without_a_service_and_unknown_services():
    with pytest.raises(CommandError, match="minimal satu layanan"):
        call_command("staff", "add", "budi", "--role", "officer", "--password", "sandi-panjang-sekali")
    with pytest.raises(CommandError, match="tidak dikenal: KTM"):
        call_command("staff", "add", "budi", "--role", "officer", "--services", "KTM", "--password", "x" * 10)
    assert not StaffProfile.objects.exists()


def test_the_demo_prints_every_account_with_its_secret_and_is_idempotent(settings, tmp_path):
    out = io.StringIO()
    demo.load(out)
    demo.load(io.StringIO())
    text = out.getvalue()
    for username, password, *_ in demo.ACCOUNTS:
        assert username in text and password in text
    assert StaffProfile.objects.count() == 5
    assert TOTPDevice.objects.filter(confirmed=True).count() == 6  # five staff and the admin
    assert demo.totp_secret(TOTPDevice.objects.get(user__username="petugas.kia")) in text
    assert Case.objects.count() == 4
    assert {c.state for c in Case.objects.all()} >= {"queued", "waiting_documents", "approved"}


def test_staff_add_without_a_terminal_prints_a_one_time_password_that_signs_in(monkeypatch):
    # A script or provisioning tool has no terminal to ask on: no prompt that would hang or
    # crash, a strong temporary password printed once instead.
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    out = io.StringIO()
    call_command("staff", "add", "kader", "--role", "operator", "--kecamatan", "36.03.03", stdout=out)
    (line,) = [line for line in out.getvalue().splitlines() if "sandi sementara" in line]
    password = line.rsplit(" ", 1)[-1]
    user = StaffProfile.objects.get(user__username="kader").user
    assert len(password) >= 12 and user.check_password(password)
