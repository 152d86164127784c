"""The monthly report for the head of office (PDF, reportlab).

Charts are drawn with reportlab's own graphics: plotly's static export needs kaleido
and a Chrome, which an office server does not have.
"""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.coverage import figures, service, tables
from loket.coverage.templatetags.coverage_tags import cell

BRAND = colors.HexColor("#0b6e4f")
BAD = colors.HexColor("#ab091e")


def _table(table: tables.Table, styles, limit: int | None = None) -> list:
    rows = table.rows[:limit] if limit else table.rows
    head = ParagraphStyle("head", parent=styles["BodyText"], fontSize=7, leading=8)
    data = [[Paragraph(f"<b>{c.label}</b>", head) for c in table.columns]]
    data += [[str(cell(r.get(c.key), c.kind)) for c in table.columns] for r in rows]
    if len(data) == 1:
        data.append(["Belum ada data."] + [""] * (len(table.columns) - 1))
    width = 17 * cm
    first = min(5 * cm, width / len(table.columns) * 1.6)
    rest = (width - first) / max(len(table.columns) - 1, 1)
    t = Table(data, repeatRows=1, colWidths=[first] + [rest] * (len(table.columns) - 1))
    t.setStyle(
        TableStyle(
            [
                ("FONTSIZE", (0, 1), (-1, -1), 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ef")),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
            ]
        )
    )
    return [KeepTogether([Paragraph(table.title, styles["Heading3"]), t]), Spacer(1, 0.4 * cm)]


def coverage_bars(rows: list) -> Drawing:
    rows = sorted(rows, key=lambda c: c.line.cakupan)
    height = 14 * len(rows) + 40
    drawing = Drawing(17 * cm, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 90, 20, 17 * cm - 110, height - 30
    chart.data = [[float(c.line.cakupan) for c in rows]]
    chart.categoryAxis.categoryNames = [c.line.kecamatan for c in rows]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = BRAND
    drawing.add(chart)
    return drawing


def trend_lines(points: list, targets: dict) -> Drawing:
    drawing = Drawing(17 * cm, 7 * cm)
    if not points:
        return drawing
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 40, 30, 17 * cm - 60, 7 * cm - 50
    xs = [p.date.year + (p.date.timetuple().tm_yday / 366) for p in points]
    plot.data = [list(zip(xs, [float(p.percent) for p in points], strict=True))]
    top = max([float(p.percent) for p in points] + [float(v) for v in targets.values()] + [10])
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top * 1.1
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = (
        min(xs) - 0.2,
        max(xs + [max(targets, default=0) + 1]) + 0.2,
    )
    plot.lines[0].strokeColor = BRAND
    plot.lines[0].strokeWidth = 2
    plot.xValueAxis.labelTextFormat = "%d"
    drawing.add(plot)
    scale_y = plot.height / (plot.yValueAxis.valueMax - plot.yValueAxis.valueMin)
    scale_x = plot.width / (plot.xValueAxis.valueMax - plot.xValueAxis.valueMin)
    for year, value in targets.items():
        y = plot.y + float(value) * scale_y
        drawing.add(
            Line(plot.x, y, plot.x + plot.width, y, strokeColor=colors.orange, strokeDashArray=[3, 3])
        )
        drawing.add(
            String(
                plot.x + 4, y + 2, f"Target {year}: {float(value):g}%", fontSize=7, fillColor=colors.orange
            )
        )
    for p, x in zip(points, xs, strict=True):
        if p.flagged:
            px = plot.x + (x - plot.xValueAxis.valueMin) * scale_x
            py = plot.y + float(p.percent) * scale_y
            drawing.add(String(px - 3, py + 4, "x", fontSize=10, fillColor=BAD))
    return drawing


def monthly_report(window: service.Window, kodes=None) -> bytes:
    styles = getSampleStyleSheet()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm, title="Laporan bulanan KIA"
    )
    current = figures.current_coverage(kodes)
    story = [
        Paragraph(settings.LOKET_OFFICE_NAME, styles["Heading2"]),
        Paragraph(
            f"Laporan bulanan Kartu Identitas Anak dan layanan WhatsApp: {window.label}", styles["Title"]
        ),
        Paragraph(f"Dibuat {timezone.localtime():%d-%m-%Y %H:%M}.", styles["BodyText"]),
    ]
    backlog = service.backlog(kodes)
    rows = service.by_service(window, kodes)
    overall = rows[-1] if rows else None
    lines = [c.line for c in current]
    if lines:
        total = sum(x.pemilik_kia for x in lines), sum(x.anak for x in lines)
        from loket.domain.coverage import fmt_int, fmt_pct, percent

        story.append(
            Paragraph(
                f"<b>Cakupan KIA sekarang:</b> {fmt_pct(percent(*total))}% ({fmt_int(total[0])} dari {fmt_int(total[1])} anak).",
                styles["BodyText"],
            )
        )
    story.append(
        Paragraph(
            f"<b>Antrean terbuka:</b> {backlog.total} permohonan"
            + (f", tertua {backlog.oldest_days} hari" if backlog.oldest_days is not None else "")
            + (
                f". <b>Rata-rata sampai keputusan:</b> {cell(overall.decision_avg, 'hours')} jam kerja."
                if overall
                else "."
            ),
            styles["BodyText"],
        )
    )
    story.append(Spacer(1, 0.4 * cm))
    if current:
        story += [Paragraph("Cakupan per kecamatan", styles["Heading3"]), coverage_bars(current)]
    story += [
        Paragraph("Tren kabupaten dan target", styles["Heading3"]),
        trend_lines(figures.trend_points(), figures.targets()),
    ]
    story += _table(tables.priorities_table(kodes, current), styles, limit=10)
    story += _table(tables.service_table(window, kodes), styles)
    story += _table(tables.backlog_table(kodes, backlog), styles)
    story += _table(tables.reasons_table(window, kodes), styles)
    story += _table(tables.officers_table(window, kodes), styles)
    doc.build(story)
    return buf.getvalue()
