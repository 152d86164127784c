"""Offices: the first one from today's settings, the commands, routing by number, and the
refusals (tests/offices; the isolation walk is test_isolation.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from loket.api.tokens import issue
from loket.cases.models import Case, Resident
from loket.channels.whatsapp.models import InboundMessage, PhoneNumber
from loket.channels.whatsapp.numbers import register_number
from loket.console.access import office_kecamatan
from loket.console.models import Role, StaffProfile
from loket.hooks.models import Subscription
from loket.offices.models import Office, OfficeRequired, default_office, first_office
from loket.offices.regions import figures_area
from loket.regions.models import Region
from loket.scheduling.schedules import get_schedule
from tests import approvable
from tests.offices.world import make_office_staff
from tests.whatsapp.inbound import KIA_NUMBER, deliver, envelope, message, post, text, work

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def second_office() -> Office:
    run("office", "add", "--code", "36.71", "--name", "Kota Tangerang")
    return Office.objects.get(code="36.71")


def test_the_first_office_comes_from_todays_settings():
    office = Office.objects.get()
    assert (office.code, office.name, office.address) == (
        settings.LOKET_REGION_CODE,
        settings.LOKET_OFFICE_NAME,
        settings.LOKET_OFFICE_ADDRESS,
    )
    assert office.has_desa_list
    assert first_office() == office and default_office() == office.pk


def test_office_add_then_list_shows_code_and_name_on_one_line(tmp_path):
    said = run("office", "add", "--code", "36.71", "--name", "Kota Tangerang", "--address", "Jl. Satria")
    assert "13 kecamatan" in said and "Tanpa daftar desa" in said
    lines = run("office", "list").splitlines()
    assert any(line.startswith("36.71") and "Kota Tangerang" in line for line in lines)
    assert any(line.startswith(settings.LOKET_REGION_CODE) for line in lines)
    office = Office.objects.get(code="36.71")
    assert not office.has_desa_list
    # Without a desa list the office works at kecamatan level: its list has kecamatan only.
    listed = Path(office.region_file).read_text().splitlines()
    assert listed[0].startswith("kode,level,nama") and all(",kecamatan," in row for row in listed[1:])
    assert len(listed) == 1 + 13


@pytest.mark.parametrize(
    "code,why",
    [
        ("3671", "tidak sah"),
        ("36.7", "tidak sah"),
        ("99.99", "bukan kabupaten/kota"),
        ("36.03", "sudah terdaftar"),
    ],
)
def test_office_add_refuses_a_bad_or_duplicate_code(code, why):
    with pytest.raises(CommandError, match=why):
        run("office", "add", "--code", code, "--name", "X")
    assert Office.objects.count() == 1


def test_office_add_with_a_command_line_exits_1_on_a_duplicate(capsys):
    from loket.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["office", "add", "--code", settings.LOKET_REGION_CODE, "--name", "Lagi"])
    assert exit_info.value.code == 1
    assert "sudah terdaftar" in capsys.readouterr().err


def test_office_add_loads_a_desa_list_and_refuses_one_outside_the_office(tmp_path):
    good = tmp_path / "desa.csv"
    good.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
        "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
        "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
    )
    bad = tmp_path / "lain.csv"
    bad.write_text(
        "kode,level,nama,kode_kecamatan,nama_kecamatan\n36.03.03.2001,desa,Pasir Bolang,36.03.03,Tigaraksa\n"
    )
    with pytest.raises(CommandError, match="di luar kantor 36.71"):
        run("office", "add", "--code", "36.71", "--name", "Kota Tangerang", "--regions", str(bad))
    with pytest.raises(CommandError, match="tidak ditemukan"):
        run(
            "office",
            "add",
            "--code",
            "36.71",
            "--name",
            "Kota Tangerang",
            "--regions",
            str(tmp_path / "x.csv"),
        )
    assert not Office.objects.filter(code="36.71").exists()
    said = run("office", "add", "--code", "36.71", "--name", "Kota Tangerang", "--regions", str(good))
    assert "1 desa/kelurahan" in said
    assert Office.objects.get(code="36.71").has_desa_list
    assert Region.objects.filter(kode="36.71.01.1001", parent__kode="36.71.01").exists()


def test_with_two_offices_staff_and_numbers_must_name_their_office():
    second_office()
    with pytest.raises(CommandError, match="--office"):
        run("staff", "add", "tanpa-kantor", "--role", "supervisor", "--password", "sandi-panjang-sekali")
    assert not StaffProfile.objects.exists()
    with pytest.raises(CommandError, match="tidak dikenal"):
        run(
            "staff",
            "add",
            "x",
            "--role",
            "supervisor",
            "--password",
            "sandi-panjang-sekali",
            "--office",
            "12.34",
        )
    said = run(
        "staff",
        "add",
        "kota",
        "--role",
        "supervisor",
        "--password",
        "sandi-panjang-sekali",
        "--office",
        "36.71",
    )
    assert "kantor 36.71" in said
    assert StaffProfile.objects.get(user__username="kota").office.code == "36.71"
    with pytest.raises(ValueError, match="--office"):
        register_number("2002", "6281100002002", ["KIA"])
    assert not PhoneNumber.objects.exists()
    # The model default refuses too: no row lands in an office by accident.
    with pytest.raises(OfficeRequired):
        Resident(channel_number="2002", user_id="62812")


def test_with_one_office_staff_and_numbers_default_to_it():
    said = run("staff", "add", "satu", "--role", "supervisor", "--password", "sandi-panjang-sekali")
    assert f"kantor {settings.LOKET_REGION_CODE}" in said
    number, _ = register_number("2002", "6281100002002", ["KIA"])
    assert number.office == first_office()


def test_a_number_serves_one_office():
    second_office()
    register_number("2002", "6281100002002", ["KIA"], "36.71")
    with pytest.raises(ValueError, match="sudah terdaftar untuk kantor 36.71"):
        register_number("2002", "6281100002002", ["KIA"], settings.LOKET_REGION_CODE)
    # Updating its services keeps its office.
    number, created = register_number("2002", "6281100002002", ["KIA", "KK"])
    assert not created and number.office.code == "36.71"


def test_an_inbound_message_opens_its_case_in_the_office_of_the_receiving_number(fake_graph):
    kota = second_office()
    register_number(KIA_NUMBER, "6285694012597", ["KIA"], "36.71")
    # A family of Kota Tangerang (its kecamatan Tangerang; no desa list, so the desa is flagged).
    deliver(text("#KIA#3671015512180003#3671011203150007#SITI AMINAH#SUKARASA#TANGERANG"))
    case = Case.objects.get()
    assert case.office == kota and case.resident.office == kota


def _kia_text() -> str:
    return approvable.MESSAGES["KIA"].format(
        nik=f"360303{approvable.CHILD_BIRTH}0001",
        kk=approvable.KK_NUMBER,
        name="SITI AMINAH",
        jenis="",
        serial="0001",
    )


def test_a_delivery_for_an_unknown_number_is_kept_flagged_never_dropped(fake_graph):
    second_office()
    response = post(envelope(message(text={"body": _kia_text()}), number="555000111"))
    assert response.status_code == 200
    work()
    kept = InboundMessage.objects.get()
    assert kept.resident is None and "unknown_number" in kept.flags
    assert not Case.objects.exists()


def test_each_office_keeps_its_own_schedule_and_lead_time():
    kota = second_office()
    kota.pickup_lead_days = 9
    kota.save()
    with pytest.raises(OfficeRequired):
        get_schedule("KIA")  # two offices: which one's?
    mine, theirs = get_schedule("KIA", first_office().pk), get_schedule("KIA", kota.pk)
    assert mine.office == first_office() and theirs.office == kota
    assert mine.lead_days == settings.LOKET_PICKUP_LEAD_DAYS and theirs.lead_days == 9
    assert kota.effective("LOKET_PICKUP_LEAD_DAYS") == 9
    assert first_office().effective("LOKET_PICKUP_LEAD_DAYS") == settings.LOKET_PICKUP_LEAD_DAYS


def test_staff_without_an_office_cannot_exist():
    from django.contrib.auth import get_user_model
    from django.db import IntegrityError, transaction

    user = get_user_model().objects.create_user(username="tanpa", password="x" * 12)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffProfile.objects.create(user=user, role="officer", office_id=None)


def test_staff_and_tokens_read_the_figures_of_the_same_area():
    """One rule for both (`offices.regions.figures_area`): an own kecamatan list wins; else the
    office's kecamatan; everything on an installation of one office."""
    first = first_office()
    staff = make_office_staff("pengawas", Role.SUPERVISOR, first)
    profile = StaffProfile.objects.get(user=staff)
    token, _ = issue(name="siak", scope="read", office=first)
    assert office_kecamatan(profile) is None and token.area is None  # one office: everything
    second = second_office()
    own = frozenset(
        Region.objects.filter(level="kecamatan", kode__startswith="36.03.").values_list("kode", flat=True)
    )
    assert own and not any(code.startswith("36.71.") for code in own)
    assert office_kecamatan(profile) == token.area == figures_area(first) == own
    kota = frozenset(
        Region.objects.filter(level="kecamatan", kode__startswith="36.71.").values_list("kode", flat=True)
    )
    assert figures_area(second) == kota and kota and not kota & own
    profile.kecamatan = token.kecamatan = ["36.03.03"]
    assert office_kecamatan(profile) == token.area == frozenset({"36.03.03"})
    monitor = StaffProfile.objects.get(user=make_office_staff("provinsi", Role.PROVINCE, first))
    assert office_kecamatan(monitor) is None  # the province monitor reads every office's figures


def _bare_office(code: str = "36.71") -> Office:
    """An office with nothing of its own yet (`office add` also gives it schedules)."""
    return Office.objects.create(code=code, name=f"Kantor {code}")


def _subscription(office: Office) -> Subscription:
    return Subscription.objects.create(
        office=office,
        name="SIAK kota",
        url="https://siak.example.org/loket",
        secret="whsec_" + "x" * 40,
        events=["case.state_changed"],
    )


@pytest.mark.parametrize("holding", ["token", "subscription"])
def test_an_office_with_api_tokens_or_webhook_subscriptions_is_not_deleted(holding, admin_client):
    empty = _bare_office("36.72")
    empty.delete()  # the control: an office holding nothing goes
    assert not Office.objects.filter(code="36.72").exists()
    office = _bare_office()
    held = (
        issue(name="siak-kota", scope="read", office=office)[0]
        if holding == "token"
        else _subscription(office)
    )
    with pytest.raises(ProtectedError) as refused:
        office.delete()
    assert set(refused.value.protected_objects) == {held}
    # The admin's delete page (the one place that deletes offices) names what holds it and deletes nothing.
    response = admin_client.post(f"/admin/offices/office/{office.pk}/delete/", {"post": "yes"})
    assert response.status_code == 200
    page = response.content.decode()
    assert held.name in page and "terlindungi" in page
    assert Office.objects.filter(pk=office.pk).exists()
    assert type(held).objects.filter(pk=held.pk, office=office).exists()
