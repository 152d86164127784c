"""The monthly PDF as a person reads it: rendered to images (pypdfium2), its pages
counted, and every column header word printed whole on one line."""

import datetime as dt
import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import time_machine

from loket.coverage import pdf, service, tables
from loket.coverage.generate import generate
from tests.coverage.builders import run_import

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[2] / "src" / "loket" / "data"
NOW = dt.datetime(2026, 12, 5, 3, 0, tzinfo=dt.UTC)
NOVEMBER = service.Window(dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@pytest.fixture
def report(tmp_path) -> tuple[bytes, list[str]]:
    with time_machine.travel(NOW, tick=False):
        run_import(DATA / "kia_coverage_history.csv")
        run_import(DATA / "kia_coverage_2020.csv", "2020-S2")
        generate(600, days=120, seed=3603)
        content = pdf.monthly_report(NOVEMBER)
    document = pdfium.PdfDocument(content)
    texts = []
    for index in range(len(document)):
        page = document[index]
        # Looked at by a person before release: the pages are kept beside the test's files.
        page.render(scale=1.5).to_pil().save(tmp_path / f"laporan-{index + 1}.png")
        texts.append(page.get_textpage().get_text_range())
    return content, texts


def header_words() -> set[str]:
    """Every word of every column header the monthly PDF prints."""
    words = set()
    for table in (
        tables.priorities_table(),
        tables.service_table(NOVEMBER),
        tables.backlog_table(),
        tables.reasons_table(NOVEMBER),
        tables.officers_table(NOVEMBER),
    ):
        for column in table.columns:
            words |= {w for w in column.label.split() if len(w) > 3}
    return words


@pytest.mark.slow
def test_the_monthly_pdf_renders_with_whole_header_words_and_dated_figures(report, tmp_path):
    content, texts = report
    assert 2 <= len(texts) <= 5
    assert all((tmp_path / f"laporan-{i + 1}.png").stat().st_size > 10_000 for i in range(len(texts)))
    lines = {line.strip() for text in texts for line in text.splitlines()}
    words_on_lines = {w for line in lines for w in line.split()}
    with time_machine.travel(NOW, tick=False):
        expected = header_words()
    broken = {w for w in expected if w not in words_on_lines}
    assert not broken, f"header words broken across lines: {sorted(broken)}"
    full = "\n".join(texts)
    assert "Cakupan KIA terbaru (2022-S2, diimpor 05-12-2026): 41,20%" in full
    assert "Target 2023 (90%) tidak tercapai" in full
    assert "Angka per kecamatan dari 2020-S2; angka kabupaten terbaru 2022-S2" in full
    # Axis titles and legends on the charts.
    for label in ("Cakupan KIA (%)", "Kecamatan", "Target 2023: 90%", "Cakupan kabupaten per semester"):
        assert label in full, label
    # "Berkas lengkap tanpa petugas" was printed at 103,33 and 150,00: a share stays within 0-100.
    (row,) = [line for line in full.splitlines() if line.startswith("Berkas lengkap tanpa petugas (%)")]
    shares = [float(v.replace(",", ".")) for v in re.findall(r"\d+,\d{2}", row)]
    assert len(shares) >= 2 and all(0 <= v <= 100 for v in shares), row


@pytest.mark.slow
def test_no_heading_is_left_alone_at_a_page_foot(report):
    _, texts = report
    headings = {
        "Cakupan per kecamatan",
        "Tren kabupaten dan target",
        "Prioritas sosialisasi",
        "Antrean terbuka menurut status dan umur",
    }
    for text in texts:
        last = [line.strip() for line in text.splitlines() if line.strip()][-1]
        assert last not in headings and not last.startswith(
            ("Mutu layanan per jenis", "Beban kerja", "Alasan")
        ), last


def test_column_widths_keep_every_header_word_whole():
    header = ["Layanan", "Permohonan masuk", "Berkas lengkap tanpa petugas (%)", "Diambil"]
    body = [["SKDWNI", "1.234", "50,00", "7"]]
    widths = pdf.column_widths(header, body)
    assert widths is not None and sum(widths) == pytest.approx(pdf.WIDTH)
    for label, width in zip(header, widths, strict=True):
        longest = max(pdf.stringWidth(w, pdf.HEAD_FONT, pdf.HEAD_SIZE) for w in label.split())
        assert width >= longest + pdf.PADDING
    assert pdf.column_widths(["Permohonan"] * 40, [["1"] * 40]) is None  # too many: the caller turns it
