"""Offices: the first one from today's settings, the commands, routing by number, and the
refusals (tests/offices; the isolation walk is test_isolation.py)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from loket.cases.models import Case, Resident
from loket.channels.whatsapp.models import InboundMessage, PhoneNumber
from loket.channels.whatsapp.numbers import register_number
from loket.console.models import StaffProfile
from loket.offices.models import Office, OfficeRequired, default_office, first_office
from loket.regions.models import Region
from loket.scheduling.schedules import get_schedule
from tests import approvable
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
