"""The SKM report in the layouts offices publish: XLSX (data processing per respondent and
per element, the unit's index, grade) and a one-page PDF summary (reportlab)."""

from __future__ import annotations

import io

from django.conf import settings
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.domain import skm
from loket.survey.report import Report, Unit, id_number

BRAND = colors.HexColor("#0b6e4f")
GRADE_TABLE: list[tuple[str, ...]] = [
    ("Nilai persepsi", "Nilai interval (SKM)", "Nilai konversi (IKM)", "Mutu", "Kinerja unit"),
    ("1", "1,00 - 2,5996", "25,00 - 64,99", "D", "Tidak baik"),
    ("2", "2,60 - 3,064", "65,00 - 76,60", "C", "Kurang baik"),
    ("3", "3,0644 - 3,532", "76,61 - 88,30", "B", "Baik"),
    ("4", "3,5324 - 4,00", "88,31 - 100,00", "A", "Sangat baik"),
]


def _grade_words(unit: Unit) -> str:
    if unit.result is None:
        return "belum ada jawaban" if not unit.error else unit.error
    grade = unit.result.grade
    return f"Mutu {grade.mutu} ({grade.kinerja})"


def _sample_words(unit: Unit) -> str:
    verdict = "tercapai" if unit.reaches else "belum tercapai"
    return (
        f"{unit.respondents} responden dari {unit.served} warga dilayani; sampel minimum "
        f"Krejcie-Morgan {unit.minimum}: {verdict}"
    )


# --- XLSX ----------------------------------------------------------------------------------


def xlsx(report: Report) -> bytes:
    book = Workbook()
    sheet = book.active
    assert isinstance(sheet, Worksheet)  # a new workbook opens on its one worksheet
    sheet.title = "Pengolahan"
    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="DDEFE8")
    unit = report.total
    sheet.append(["PENGOLAHAN DATA SURVEI KEPUASAN MASYARAKAT PER RESPONDEN DAN PER UNSUR PELAYANAN"])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(["Unit pelayanan", settings.LOKET_OFFICE_NAME])
    sheet.append(["Jenis layanan", unit.label])
    sheet.append(["Periode", report.filters.label])
    sheet.append(["Bobot per unsur", str(report.weight)])
    sheet.append(["Dasar", "PermenPANRB No. 14 Tahun 2017"])
    sheet.append([])
    header = ["No. responden", *[key.upper() for key in skm.ELEMENTS]]
    sheet.append(header)
    header_row = sheet.max_row
    for column in range(1, len(header) + 1):
        cell = sheet.cell(header_row, column)
        cell.font, cell.fill, cell.alignment = bold, head_fill, Alignment(horizontal="center")
    for number, answers in enumerate(report.rows, start=1):
        sheet.append([number, *[answers[key] for key in skm.ELEMENTS]])
    result = unit.result
    if result is not None:
        sums = {key: sum(a[key] or 0 for a in report.rows) for key in skm.ELEMENTS}
        weighted = {key: skm.round2(result.nrr_exact[key] * report.weight.fraction) for key in skm.ELEMENTS}
        summary: list[tuple[str, list[float] | list[int], str]] = [
            ("Σ nilai per unsur", [sums[k] for k in skm.ELEMENTS], "0"),
            ("Jumlah jawaban", [result.answered[k] for k in skm.ELEMENTS], "0"),
            ("NRR per unsur", [float(result.nrr[k]) for k in skm.ELEMENTS], "0.00"),
            (f"NRR × bobot ({report.weight})", [float(weighted[k]) for k in skm.ELEMENTS], "0.00"),
            ("NRR × 25", [float(result.nrr25[k]) for k in skm.ELEMENTS], "0.00"),
        ]
        for label, values, number_format in summary:
            sheet.append([label, *values])
            row = sheet.max_row
            sheet.cell(row, 1).font = bold
            for column in range(2, 11):
                sheet.cell(row, column).number_format = number_format
        sheet.append([])
        for label, value in (
            ("Indeks unit (Σ NRR × bobot)", float(result.skm)),
            ("IKM unit pelayanan (indeks × 25)", float(result.ikm)),
        ):
            sheet.append([label, value])
            sheet.cell(sheet.max_row, 1).font = bold
            sheet.cell(sheet.max_row, 2).number_format = "0.00"
        sheet.append(["Mutu pelayanan", result.grade.mutu])
        sheet.append(["Kinerja unit pelayanan", result.grade.kinerja])
    sheet.append(["Responden / sampel", _sample_words(unit)])
    sheet.column_dimensions["A"].width = 34
    for column in range(2, 11):
        sheet.column_dimensions[get_column_letter(column)].width = 9

    services = book.create_sheet("Per layanan")
    services.append(
        [
            "Layanan",
            "Responden",
            "Warga dilayani",
            "Sampel minimum",
            "Sampel tercapai",
            "Indeks",
            "IKM",
            "Mutu",
            "Kinerja",
        ]
    )
    for item in [*report.services, report.total]:
        services.append(
            [
                item.label,
                item.respondents,
                item.served,
                item.minimum,
                "ya" if item.reaches else "belum",
                float(item.result.skm) if item.result else None,
                float(item.result.ikm) if item.result else None,
                item.result.grade.mutu if item.result else "",
                item.result.grade.kinerja if item.result else "",
            ]
        )
    for cell in services[1]:
        cell.font, cell.fill = bold, head_fill
    services.column_dimensions["A"].width = 26

    legend = book.create_sheet("Keterangan")
    legend.append(["Unsur", "Nama unsur", "Jawaban 1", "Jawaban 2", "Jawaban 3", "Jawaban 4"])
    for element in skm.UNSUR:
        legend.append([element.key.upper(), element.name, *element.labels])
    legend.append([])
    for grade in GRADE_TABLE:
        legend.append(list(grade))
    legend.append([])
    legend.append(["Bobot", f"{report.weight} per unsur (pengaturan LOKET_SKM_WEIGHT)"])
    legend.column_dimensions["B"].width = 40

    notes = book.create_sheet("Saran")
    notes.append(["Tanggal layanan", "Layanan", "Saran (nomor disamarkan)"])
    for day, service, text in report.suggestions:
        notes.append([day, service, text])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 80

    profile = book.create_sheet("Profil responden")
    profile.append(["Profil", "Pilihan", "Responden"])
    for name, counts in report.profile.items():
        for label, count in counts:
            profile.append([name, label, count])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------------


def _table(rows: list[list[str]], widths: list[float], numeric_from: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8),
                ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#ddefe8")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa5a0")),
                ("ALIGN", (numeric_from, 1), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def pdf(report: Report) -> bytes:
    styles = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=styles["BodyText"], fontSize=9, leading=12)
    small = ParagraphStyle(
        "small", parent=body, fontSize=7.5, leading=10, textColor=colors.HexColor("#444444")
    )
    heading = ParagraphStyle("h", parent=styles["Heading3"], textColor=BRAND, spaceBefore=8, keepWithNext=1)
    big = ParagraphStyle(
        "big", parent=body, fontSize=22, leading=26, textColor=BRAND, fontName="Helvetica-Bold"
    )
    unit = report.total
    story: list = [
        Paragraph("Indeks Kepuasan Masyarakat (IKM)", styles["Title"]),
        Paragraph(
            f"{settings.LOKET_OFFICE_NAME}<br/>Layanan: {unit.label} · Periode: {report.filters.label}"
            + (f" · Hasil layanan: {report.filters.outcome_label}" if report.filters.outcome else ""),
            body,
        ),
        Paragraph(report.weight_label, small),
        Spacer(1, 8),
    ]
    if unit.result is not None:
        result = unit.result
        story += [
            Paragraph(
                f"IKM {id_number(result.ikm)} · Mutu {result.grade.mutu} ({result.grade.kinerja.capitalize()})",
                big,
            ),
            Paragraph(f"Indeks unit (Σ NRR × bobot): {id_number(result.skm)}", body),
        ]
    else:
        story.append(Paragraph(f"Belum ada jawaban survei dalam periode ini. {unit.error}", body))
    story.append(Paragraph(_sample_words(unit), body))
    if unit.result is not None:
        rows = [["Unsur", "Nama unsur", "Jawaban", "NRR", "NRR × 25"]]
        rows += [[e.key.upper(), e.name, str(e.answered), e.nrr, e.nrr25] for e in unit.elements]
        story += [
            Paragraph("Nilai per unsur", heading),
            _table(rows, [1.4 * cm, 8.6 * cm, 2.2 * cm, 2.2 * cm, 2.6 * cm], numeric_from=2),
            Paragraph(
                "Unsur terlemah: " + ", ".join(f"{e.key.upper()} {e.name} ({e.nrr25})" for e in unit.weakest),
                body,
            ),
        ]
    if report.services:
        rows = [["Layanan", "Responden", "Dilayani", "Sampel min.", "Cukup", "IKM", "Mutu"]]
        for item in report.services:
            rows.append(
                [
                    item.label,
                    str(item.respondents),
                    str(item.served),
                    str(item.minimum),
                    "ya" if item.reaches else "belum",
                    id_number(item.result.ikm) if item.result else "-",
                    item.result.grade.mutu if item.result else "-",
                ]
            )
        story += [
            Paragraph("Per layanan", heading),
            _table(rows, [5 * cm, 2 * cm, 2 * cm, 2.2 * cm, 1.6 * cm, 2.2 * cm, 2 * cm]),
        ]
    profile_rows = [["Profil", "Pilihan", "Responden"]]
    for name, counts in report.profile.items():
        profile_rows += [[name, label, str(count)] for label, count in counts if count]
    if len(profile_rows) > 1:
        story += [Paragraph("Profil responden", heading), _table(profile_rows, [4 * cm, 6 * cm, 2.5 * cm], 2)]
    if report.suggestions:
        story.append(Paragraph(f"Saran ({len(report.suggestions)}; nomor disamarkan)", heading))
        for day, service, text in report.suggestions[:20]:
            story.append(Paragraph(f"{day:%d-%m-%Y} · {service}: {_escape(text)}", small))
        if len(report.suggestions) > 20:
            story.append(
                Paragraph(f"… dan {len(report.suggestions) - 20} saran lain (lihat berkas XLSX).", small)
            )
    grade_rows = [list(row) for row in GRADE_TABLE]
    story.append(
        KeepTogether(
            [
                Paragraph("Nilai persepsi, interval, mutu dan kinerja (PermenPANRB 14/2017)", heading),
                _table(grade_rows, [2.4 * cm, 3.6 * cm, 3.6 * cm, 1.4 * cm, 3 * cm], numeric_from=5),
            ]
        )
    )
    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title="Indeks Kepuasan Masyarakat",
        author=settings.LOKET_OFFICE_NAME,
    ).build(story)
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
