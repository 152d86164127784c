"""The monthly report for the head of office (PDF, reportlab).

Charts are drawn with reportlab's own graphics: plotly's static export needs kaleido
and a Chrome, which an office server does not have.

Laid out to be read on paper: a heading always travels with what follows it (no heading
alone at a page foot), every column is at least as wide as its longest header word (no
"Permoh onan"), a table too wide for the page is turned (measures down, services across),
and every chart has axis titles and a legend. Numbers are printed the Indonesian way
(`fmt_number`: 1.714 and 41,20).
"""

from __future__ import annotations

import io
from typing import Any

from django.conf import settings
from django.utils import timezone
from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, Line, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, StyleSheet1, getSampleStyleSheet
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from loket.coverage import figures, service, tables
from loket.coverage.templatetags.coverage_tags import cell
from loket.domain.coverage import fmt_int, fmt_number, fmt_pct, percent, period_key

BRAND = colors.HexColor("#0b6e4f")
BAD = colors.HexColor("#ab091e")
TARGET_COLOURS = [colors.HexColor("#b44d12"), colors.HexColor("#2f80ed"), colors.HexColor("#8e44ad")]
WIDTH = 17 * cm  # A4 less 2 cm margins
HEAD_FONT, HEAD_SIZE = "Helvetica-Bold", 7
BODY_FONT, BODY_SIZE = "Helvetica", 8
PADDING = 8  # left + right cell padding (reportlab's default is 6 each side; we set 4)


def _styles() -> StyleSheet1:
    styles = getSampleStyleSheet()
    for name in ("Heading2", "Heading3"):
        styles[name].keepWithNext = 1
    return styles


def _text_width(text: str, font: str, size: float) -> float:
    return stringWidth(text, font, size)


def column_widths(
    header: list[str], body: list[list[str]], total: float = WIDTH, text: list[bool] | None = None
) -> list[float] | None:
    """Widths where no header word and no cell breaks; None when the page is too narrow.

    Each column gets its minimum (longest header word, longest cell); what is left is
    shared in proportion to the full header's length, so long headers wrap less."""
    minimum = []
    wanted = []
    for i, label in enumerate(header):
        words = label.split() or [""]
        word = max(_text_width(w, HEAD_FONT, HEAD_SIZE) for w in words)
        cells = max((_text_width(row[i], BODY_FONT, BODY_SIZE) for row in body), default=0)
        minimum.append(max(word, cells) + PADDING)
        wanted.append(max(_text_width(label, HEAD_FONT, HEAD_SIZE), cells) + PADDING)
    if sum(minimum) > total:
        return None
    spare = total - sum(minimum)
    extra = [max(w - m, 0) for w, m in zip(wanted, minimum, strict=True)]
    if sum(extra) <= spare:
        # Everything fits on one line; the rest goes to the text columns (names, reasons).
        widths = [m + e for m, e in zip(minimum, extra, strict=True)]
        text = text or [i == 0 for i in range(len(header))]
        share = [w if t else 0 for w, t in zip(widths, text, strict=True)]
        if not sum(share):
            share = widths
        left = total - sum(widths)
        return [w + left * s / sum(share) for w, s in zip(widths, share, strict=True)]
    return [m + spare * e / sum(extra) for m, e in zip(minimum, extra, strict=True)]


def _grid(data: list[list], widths: list[float], numeric: list[bool]) -> Table:
    t = Table(data, repeatRows=1, colWidths=widths)
    right = [("ALIGN", (i, 1), (i, -1), "RIGHT") for i, n in enumerate(numeric) if n]
    t.setStyle(
        TableStyle(
            [
                *right,
                ("FONTNAME", (0, 1), (-1, -1), BODY_FONT),
                ("FONTSIZE", (0, 1), (-1, -1), BODY_SIZE),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8f3ef")),
                ("VALIGN", (0, 0), (-1, 0), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), PADDING / 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), PADDING / 2),
            ]
        )
    )
    return t


def _table(table: tables.Table, styles: StyleSheet1, limit: int | None = None, note: str = "") -> list:
    rows = table.rows[:limit] if limit else table.rows
    head = ParagraphStyle(
        "head", parent=styles["BodyText"], fontName=HEAD_FONT, fontSize=HEAD_SIZE, leading=8
    )
    header = [c.label for c in table.columns]
    body = [[str(cell(r.get(c.key), c.kind)) for c in table.columns] for r in rows]
    title: list[Flowable] = [Paragraph(table.title, styles["Heading3"])]
    if note:
        title += [Paragraph(note, styles["BodyText"]), Spacer(1, 0.15 * cm)]
    if not body:
        return [*title, Paragraph("Belum ada data.", styles["BodyText"]), Spacer(1, 0.4 * cm)]
    text = [c.kind == "text" for c in table.columns]
    widths = column_widths(header, body, text=text)
    if widths is None:
        # Too many columns for the page: measures down, rows (services) across.
        header, body = (
            [header[0], *(row[0] for row in body)],
            [[label, *(row[i] for row in body)] for i, label in enumerate(header) if i > 0],
        )
        text = [True] + [False] * (len(header) - 1)
        widths = column_widths(header, body, text=text)
        if widths is None:  # still too wide: share the page equally (text wraps at spaces)
            widths = [WIDTH / len(header)] * len(header)
    data: list[list[Any]] = [[Paragraph(label, head) for label in header], *body]
    grid = _grid(data, widths, [not t for t in text])
    # A short table stays on one page with its title; a long one keeps its title with it
    # (the heading's keepWithNext) and repeats its header row on the next page.
    if len(body) <= 25:
        return [KeepTogether([*title, grid]), Spacer(1, 0.4 * cm)]
    return [*title, grid, Spacer(1, 0.4 * cm)]


def _percent_label(value: float) -> str:
    return fmt_number(value, 0)


def _legend(x: float, y: float, items: list[tuple[colors.Color, str]]) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y  # type: ignore[assignment]  # reportlab takes any number; its stubs say int
    legend.fontName, legend.fontSize = BODY_FONT, 7
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.deltax = 10
    legend.dxTextSpace = 4
    legend.dx = legend.dy = 8
    legend.boxAnchor = "nw"
    legend.colorNamePairs = items
    legend.variColumn = 1
    legend.dividerLines = 0
    legend.autoXPadding = 14
    # One row, side by side.
    legend.columnMaximum = 1
    return legend


def coverage_bars(rows: list, period_label: str) -> Drawing:
    rows = sorted(rows, key=lambda c: c.line.cakupan)
    height = 13 * len(rows) + 70
    drawing = Drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 95, 40, WIDTH - 125, height - 65  # type: ignore[assignment]  # reportlab takes any number; its stubs say int
    chart.data = [[float(c.line.cakupan) for c in rows]]
    chart.categoryAxis.categoryNames = [c.line.kecamatan for c in rows]
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = _percent_label
    chart.barLabelFormat = lambda v: fmt_number(v, 2)
    chart.barLabels.fontSize = 6
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    chart.bars[0].fillColor = BRAND
    drawing.add(chart)
    drawing.add(String(chart.x + chart.width / 2, 8, "Cakupan KIA (%)", fontSize=8, textAnchor="middle"))
    drawing.add(String(4, height - 12, "Kecamatan", fontSize=8))
    drawing.add(
        _legend(chart.x + chart.width - 150, height - 4, [(BRAND, f"Cakupan per kecamatan ({period_label})")])
    )
    return drawing


def _year_axis_label(value: float) -> str:
    return str(int(round(value)))


def trend_lines(points: list, targets: dict) -> Drawing:
    drawing = Drawing(WIDTH, 8 * cm)
    if not points:
        return drawing
    plot = LinePlot()
    plot.x, plot.y, plot.width, plot.height = 45, 50, WIDTH - 60, 8 * cm - 75  # type: ignore[assignment]  # reportlab takes any number; its stubs say int
    # A semester sits at its middle: S1 at a quarter of its year, S2 at three quarters,
    # so 2022-S2 is not drawn on the 2023 gridline.
    xs = [y + (0.25 if half == 1 else 0.75) for y, half in (period_key(p.period) for p in points)]
    plot.data = [list(zip(xs, [float(p.percent) for p in points], strict=True))]
    top = max([float(p.percent) for p in points] + [float(v) for v in targets.values()] + [10])
    plot.yValueAxis.valueMin, plot.yValueAxis.valueMax = 0, top * 1.1
    plot.yValueAxis.labelTextFormat = _percent_label
    plot.yValueAxis.labels.fontSize = 7
    first = int(min(xs))
    last = int(max(xs + [max(targets, default=0) + 1]))
    plot.xValueAxis.valueMin, plot.xValueAxis.valueMax = first, last + 1
    plot.xValueAxis.valueSteps = list(range(first, last + 2))
    plot.xValueAxis.labelTextFormat = _year_axis_label
    plot.xValueAxis.labels.fontSize = 7
    plot.lines[0].strokeColor = BRAND
    plot.lines[0].strokeWidth = 2
    drawing.add(plot)
    scale_y = plot.height / (plot.yValueAxis.valueMax - plot.yValueAxis.valueMin)
    scale_x = plot.width / (plot.xValueAxis.valueMax - plot.xValueAxis.valueMin)
    legend = [(BRAND, "Cakupan kabupaten per semester")]
    for i, (year, value) in enumerate(sorted(targets.items())):
        colour = TARGET_COLOURS[i % len(TARGET_COLOURS)]
        y = plot.y + float(value) * scale_y
        drawing.add(Line(plot.x, y, plot.x + plot.width, y, strokeColor=colour, strokeDashArray=[3, 3]))
        legend.append((colour, f"Target {year}: {fmt_number(float(value), 0)}%"))
    flagged = False
    for p, x in zip(points, xs, strict=True):
        if p.flagged:
            flagged = True
            px = plot.x + (x - plot.xValueAxis.valueMin) * scale_x
            py = plot.y + float(p.percent) * scale_y
            drawing.add(String(px, py + 4, "x", fontSize=10, fillColor=BAD, textAnchor="middle"))
    if flagged:
        legend.append((BAD, "x = perlu diperiksa"))
    drawing.add(
        String(
            plot.x + plot.width / 2, 22, "Tahun (titik di tengah semester)", fontSize=8, textAnchor="middle"
        )
    )
    drawing.add(String(4, plot.y + plot.height + 8, "Cakupan KIA (%)", fontSize=8))
    drawing.add(_legend(plot.x, 12, legend))
    return drawing


def _summary(current: list, truth: figures.CoverageTruth | None, styles: StyleSheet1) -> list:
    body = styles["BodyText"]
    out = []
    if truth is not None:
        text = (
            f"<b>Cakupan KIA terbaru ({truth.period}, diimpor {timezone.localdate(truth.imported_at):%d-%m-%Y}):</b> "
            f"{fmt_pct(truth.percent)}% ({fmt_int(truth.holders)} dari {fmt_int(truth.children)} anak)"
        )
        if truth.holders_loket:
            text += (
                f", termasuk {fmt_int(truth.holders_loket)} kartu yang diserahkan lewat Loket sejak "
                f"{timezone.localdate(truth.imported_at):%d-%m-%Y}"
            )
        out.append(Paragraph(text + ".", body))
        if truth.gap is not None:
            g = truth.gap
            if g.missed:
                gap = (
                    f"Target {g.year} ({fmt_number(g.percent, 0)}%) tidak tercapai: per {truth.period} kurang"
                )
            else:
                gap = f"Target {g.year} ({fmt_number(g.percent, 0)}%): kurang"
            out.append(Paragraph(f"{gap} {fmt_pct(g.points)} poin ({fmt_int(g.cards)} kartu).", body))
        if truth.stale:
            out.append(
                Paragraph(
                    f"<font color='#ab091e'><b>Data cakupan sudah lama</b></font> (periode {truth.period}, lebih dari "
                    f"{settings.LOKET_COVERAGE_STALE_MONTHS} bulan): impor tabel DKB terbaru.",
                    body,
                )
            )
    lines = [c.line for c in current]
    if lines:
        periods = sorted({c.period for c in current}, key=period_key)
        holders, children = sum(x.pemilik_kia for x in lines), sum(x.anak for x in lines)
        out.append(
            Paragraph(
                f"<b>Cakupan per kecamatan (data {', '.join(periods)} + kartu lewat Loket):</b> "
                f"{fmt_pct(percent(holders, children))}% "
                f"({fmt_int(holders)} dari {fmt_int(children)} anak).",
                body,
            )
        )
        if truth is not None and truth.kecamatan_older:
            out.append(
                Paragraph(
                    f"Angka per kecamatan dari {', '.join(periods)}; angka kabupaten terbaru {truth.period}.",
                    body,
                )
            )
    return out


def monthly_report(window: service.Window, kodes=None, *, with_officers: bool = True) -> bytes:
    styles = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=2 * cm,
        rightMargin=2 * cm,
        topMargin=1.8 * cm,
        bottomMargin=1.8 * cm,
        title="Laporan bulanan KIA",
    )
    current = figures.current_coverage(kodes)
    truth = figures.coverage_truth(kodes, current)
    story = [
        Paragraph(settings.LOKET_OFFICE_NAME, styles["Heading2"]),
        Paragraph(
            f"Laporan bulanan Kartu Identitas Anak dan layanan WhatsApp: {window.label}", styles["Title"]
        ),
        Paragraph(f"Dibuat {timezone.localtime():%d-%m-%Y %H:%M}.", styles["BodyText"]),
        *_summary(current, truth, styles),
    ]
    backlog = service.backlog(kodes)
    rows = service.by_service(window, kodes)
    overall = rows[-1] if rows else None
    story.append(
        Paragraph(
            f"<b>Antrean terbuka:</b> {fmt_int(backlog.total)} permohonan"
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
        periods = ", ".join(sorted({c.period for c in current}, key=period_key))
        story.append(
            KeepTogether(
                [Paragraph("Cakupan per kecamatan", styles["Heading3"]), coverage_bars(current, periods)]
            )
        )
    story.append(
        KeepTogether(
            [
                Paragraph("Tren kabupaten dan target", styles["Heading3"]),
                trend_lines(figures.trend_points(), figures.targets()),
            ]
        )
    )
    story += _table(tables.priorities_table(kodes, current), styles, limit=10)
    story += _table(
        tables.service_table(window, kodes),
        styles,
        note="Persen = bagian dari permohonan masuk (0–100). Dijelaskan otomatis per permohonan adalah rasio: "
        "satu permohonan bisa perlu beberapa kali penjelasan.",
    )
    story += _table(tables.backlog_table(kodes, backlog), styles)
    story += _table(tables.reasons_table(window, kodes), styles)
    if with_officers:
        story += _table(tables.officers_table(window, kodes), styles)
    # A spacer after the last table would start a blank page when that table ends the page.
    while isinstance(story[-1], Spacer):
        story.pop()
    doc.build(story)
    return buf.getvalue()
