"""Intake reads the regions of the office a message came to (docs/offices.md, *Regions per
office*): office B's kecamatan and desa are accepted at B's number with B's codes; B without
a desa list keeps the desa as written and flags it; office A is unchanged; `loket parse
--office CODE` reads the office from the database, and without it needs none."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from loket.cases.guards import approval_refusals
from loket.cases.models import Case
from loket.channels.whatsapp.models import OutboundMessage, PhoneNumber
from loket.channels.whatsapp.numbers import register_number
from loket.domain import regions as domain
from loket.offices.models import Office, first_office
from loket.offices.regions import RegionFileMissing, index_for
from tests import approvable
from tests.whatsapp.inbound import KIA_NUMBER, deliver, text
from tests.whatsapp.test_guided import REQUEST, field_asked, last, options, press, say

pytestmark = pytest.mark.django_db

LOKET = Path(sys.executable).parent / "loket"
KOTA_DESA = (
    "kode,level,nama,kode_kecamatan,nama_kecamatan\n"
    "36.71.01,kecamatan,Tangerang,36.71.01,Tangerang\n"
    "36.71.01.1001,kelurahan,Sukarasa,36.71.01,Tangerang\n"
)
# A family of Kecamatan Tangerang (36.71.01): KK of 12 Mar 2015, a girl born 15 Dec 2018.
KOTA_KK = "3671011203150007"
KOTA_CHILD = "3671015512180003"


def kota_kia(desa: str = "SUKARASA", kecamatan: str = "TANGERANG") -> str:
    return f"#KIA#{KOTA_CHILD}#{KOTA_KK}#SITI AMINAH#{desa}#{kecamatan}"


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def add_kota(tmp_path: Path, *, desa_list: bool) -> Office:
    first_office()  # office A, from today's settings
    args = ["office", "add", "--code", "36.71", "--name", "Kota Tangerang"]
    if desa_list:
        regions_file = tmp_path / "wilayah_3671.csv"
        regions_file.write_text(KOTA_DESA)
        args += ["--regions", str(regions_file)]
    run(*args)
    office = Office.objects.get(code="36.71")
    register_number(KIA_NUMBER, "6285694012597", ["KIA"], "36.71")
    return office


def replies() -> list[str]:
    return list(OutboundMessage.objects.order_by("pk").values_list("text", flat=True))


def test_a_request_to_office_b_is_checked_against_bs_regions(tmp_path, fake_graph):
    kota = add_kota(tmp_path, desa_list=True)
    deliver(text(kota_kia()))
    case = Case.objects.get()
    assert case.office == kota
    assert case.fields["kode_kecamatan"] == "36.71.01"
    assert case.fields["kode_desa"] == "36.71.01.1001"
    assert case.fields["desa"] == "Sukarasa"
    assert case.warnings == []
    # The approval guard checks the case again against the same office's regions.
    assert approval_refusals(approvable.make_complete(case)) == []


def test_office_bs_reply_greets_from_b_and_refuses_as_kecamatan_of_a(tmp_path, fake_graph):
    add_kota(tmp_path, desa_list=True)
    deliver(text("halo"))
    deliver(
        text(
            approvable.MESSAGES["KIA"].format(
                nik=f"360303{approvable.CHILD_BIRTH}0001",
                kk=approvable.KK_NUMBER,
                name="SITI AMINAH",
                jenis="",
                serial="0001",
            )
        )
    )
    assert not Case.objects.exists()  # Tigaraksa is office A's, not Kota Tangerang's
    said = "\n".join(replies())
    assert "Kota Tangerang" in said
    assert "Kecamatan Tigaraksa ada di Kabupaten Tangerang" in said


def test_office_b_without_a_desa_list_keeps_the_desa_as_written_and_flags_it(tmp_path, fake_graph):
    kota = add_kota(tmp_path, desa_list=False)
    assert not kota.has_desa_list
    deliver(text(kota_kia(desa="Kampung Baru")))
    case = Case.objects.get()
    assert case.office == kota
    assert case.fields["desa"] == "KAMPUNG BARU" and "kode_desa" not in case.fields
    assert case.fields["kode_kecamatan"] == "36.71.01"
    assert [w["code"] for w in case.warnings] == ["desa_unverified"]
    assert "Cocokkan nama desa dengan KK" in case.warnings[0]["message"]  # the officer's wording
    said = "\n".join(replies())
    assert 'Nama desa/kelurahan "Kampung Baru" kami catat seperti Anda tulis' in said
    assert "Cocokkan" not in said  # nothing of the officer's check is asked of the resident
    assert approval_refusals(approvable.make_complete(case)) == []


def test_office_a_is_unchanged_beside_office_b(tmp_path, fake_graph):
    add_kota(tmp_path, desa_list=False)
    a = first_office()
    assert index_for(a) is domain.office_regions()
    assert index_for(None) is domain.office_regions()
    kota = index_for(Office.objects.get(code="36.71"))
    assert kota.regency_code == "36.71" and not kota.has_desa()
    assert index_for(Office.objects.get(code="36.71")) is kota  # read once per file version


def test_an_office_whose_region_file_is_gone_is_an_error_never_another_list(tmp_path):
    kota = add_kota(tmp_path, desa_list=True)
    Path(kota.region_file).unlink()
    with pytest.raises(RegionFileMissing, match="36.71"):
        index_for(kota)


def parse_with(stdin: str, *args: str) -> list[dict]:
    sys_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin.encode()), encoding="utf-8")
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sys_stdout = sys.stdout
    sys.stdout = out
    try:
        call_command("parse", *args)
        out.flush()
        written = out.buffer.getvalue().decode()
    finally:
        sys.stdin, sys.stdout = sys_stdin, sys_stdout
    return [json.loads(line) for line in written.splitlines()]


def test_loket_parse_office_uses_that_offices_regions(tmp_path):
    add_kota(tmp_path, desa_list=False)
    lines = f"{kota_kia(desa='Kampung Baru')}\n{kota_kia()}\n"
    kota = parse_with(lines, "--office", "36.71")
    assert [o["ok"] for o in kota] == [True, True]
    assert kota[0]["fields"]["kode_kecamatan"] == "36.71.01"
    assert [w["code"] for w in kota[0]["warnings"]] == ["desa_unverified"]
    # Without --office: today's environment office (Kabupaten Tangerang) refuses both.
    plain = parse_with(lines)
    assert [o["ok"] for o in plain] == [False, False]
    assert plain[0]["problems"][0]["code"] == "kecamatan_outside_office"
    with pytest.raises(CommandError, match="Kantor 12.34 tidak dikenal"):
        parse_with(lines, "--office", "12.34")


@pytest.mark.slow
def test_loket_parse_office_from_the_command_line(tmp_path):
    """Without --office no database is made; with an unknown office: exit 1 and a clear error."""
    env = {"PATH": os.environ["PATH"], "LOKET_DATA_DIR": str(tmp_path / "var")}
    stdin = (kota_kia() + "\n").encode()
    plain = subprocess.run([str(LOKET), "parse"], input=stdin, capture_output=True, env=env, timeout=60)
    assert plain.returncode == 0, plain.stderr
    assert json.loads(plain.stdout)["problems"][0]["code"] == "kecamatan_outside_office"
    assert not any(p.name.startswith("loket.sqlite3") for p in (tmp_path / "var").iterdir())
    unknown = subprocess.run(
        [str(LOKET), "parse", "--office", "12.34"], input=stdin, capture_output=True, env=env, timeout=60
    )
    assert unknown.returncode == 1
    assert unknown.stdout == b""
    assert "12.34" in unknown.stderr.decode()


def test_the_guided_conversation_of_office_b_without_a_desa_list_asks_the_desa_typed(tmp_path, fake_graph):
    kota = add_kota(tmp_path, desa_list=False)
    PhoneNumber.objects.filter(phone_number_id=KIA_NUMBER).update(services=["KIA", "KK"])
    answers = {"no_kk": KOTA_KK, "nama": "AHMAD FAUZI", "kecamatan": "Tangerang", "desa": "Kampung Baru"}
    say("KK")
    for _ in range(20):
        out = last()
        if REQUEST.search(out.text) and "Nomor permohonan" in out.text:
            break
        titles = [t for _, t in options(out)]
        yes = next((t for t in titles if t in ("Benar", "Ya, benar", "Ya")), None)
        if yes:
            press(yes)
            continue
        key = field_asked(out.text)
        if key == "desa":
            assert not out.interactive  # nothing to pick: the desa is typed
        say(answers[key])
    case = Case.objects.get()
    assert case.office == kota and case.source == "guided"
    assert case.fields["kode_kecamatan"] == "36.71.01" and case.fields["desa"] == "KAMPUNG BARU"
    assert [w["code"] for w in case.warnings] == ["desa_unverified"]
