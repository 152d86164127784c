"""Builders for coverage tests: small tables written as CSV or XLSX, cases moved to collected."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import openpyxl
from django.core.management import call_command

from loket.cases.models import Case, Resident, State, next_request_number

KECAMATAN_HEADER = [
    "kecamatan",
    "kode_kecamatan",
    "anak_l",
    "anak_p",
    "anak_total",
    "kia_l",
    "kia_p",
    "kia_total",
]
HISTORY_HEADER = ["periode", "wajib_kia", "sudah_memiliki", "belum_memiliki", "persen"]


def kec_row(name, anak_l, anak_p, kia_l, kia_p, *, anak_total=None, kia_total=None, kode=""):
    return [
        name,
        kode,
        anak_l,
        anak_p,
        anak_l + anak_p if anak_total is None else anak_total,
        kia_l,
        kia_p,
        kia_l + kia_p if kia_total is None else kia_total,
    ]


def write_table(tmp_path: Path, header, rows, *, fmt="csv", name="tabel") -> Path:
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "csv":
        lines = [",".join(str(v) for v in header)] + [",".join(str(v) for v in r) for r in rows]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for r in rows:
            sheet.append(r)
        book.save(path)
    return path


def run_import(path: Path, period: str | None = None) -> list[dict]:
    out = io.StringIO()
    args = ["import", str(path), "--json"]
    if period:
        args += ["--period", period]
    call_command("coverage", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines() if line.strip()]


def run_report() -> list[list[str]]:
    out = io.StringIO()
    call_command("coverage", "report", stdout=out)
    return [line.split(",") for line in out.getvalue().splitlines()]


def resident(n: int = 1) -> Resident:
    return Resident.objects.get_or_create(channel_number="1001", user_id=f"62812000{n:05d}")[0]


def new_case(kode_kecamatan: str, n: int = 1, *, service: str = "KIA") -> Case:
    """A request just opened (waiting for documents), the n-th of its resident."""
    return Case.objects.create(
        request_number=next_request_number(service, dt.date.today()),
        service=service,
        subject=f"36030355121800{n:02d}",
        resident=resident(n),
        kode_kecamatan=kode_kecamatan,
    )


def collected_kia_case(kode_kecamatan: str, n: int, *, officer=None, service: str = "KIA") -> Case:
    """A request taken through the real state machine up to collected."""
    case = new_case(kode_kecamatan, n, service=service)
    for state in (State.QUEUED, State.IN_REVIEW, State.APPROVED, State.READY_FOR_PICKUP, State.COLLECTED):
        # The history the guarded actions (approval, printing, hand-over) leave.
        case.move_to(state, actor=officer, source="console" if officer else "system", through=state)
    return case
