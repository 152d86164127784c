"""The SKM report in the console: figures, weight, sample, roles and area, XLSX and PDF."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import openpyxl
import pypdfium2
import pytest

from loket.console.models import Role
from loket.survey.models import Outcome
from loket.survey.report import Filters, build, masked
from tests.console.builders import make_staff, sign_in
from tests.survey import builders

pytestmark = pytest.mark.django_db
PERIOD = "?dari=2026-11-01&sampai=2026-11-30"


@pytest.fixture
def supervisor(client):
    sign_in(client, make_staff("kepala", Role.SUPERVISOR))
    return client


def test_the_reference_example_with_the_default_weight(supervisor):
    builders.example()
    page = supervisor.get("/console/skm/" + PERIOD)
    assert page.status_code == 200
    html = page.content.decode()
    assert "IKM 81,13 · Mutu B (baik)" in html
    assert "Bobot per unsur: 0.11" in html and "LOKET_SKM_WEIGHT" in html
    assert "4 responden dari 0 warga dilayani" in html
    assert "Unsur terlemah: U3 Waktu penyelesaian (68,75)" in html


def test_one_ninth_is_a_setting_and_the_report_says_so(supervisor, settings):
    settings.LOKET_SKM_WEIGHT = "1/9"
    builders.example()
    html = supervisor.get("/console/skm/" + PERIOD).content.decode()
    assert "IKM 81,94" in html and "Bobot per unsur: 1/9 (tepat 1/9" in html


def test_a_weight_setting_other_than_the_two_is_refused_with_its_name(settings):
    from django.core.exceptions import ImproperlyConfigured

    from loket.survey.report import weight

    settings.LOKET_SKM_WEIGHT = "0.1111"
    with pytest.raises(ImproperlyConfigured, match="LOKET_SKM_WEIGHT: bobot harus 0.11 atau 1/9"):
        weight()


def test_sample_against_the_residents_served():
    builders.example()
    builders.served(10)
    builders.served(2, to_state="rejected")
    report = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert (report.total.served, report.total.minimum, report.total.reaches) == (12, 12, False)
    only_served = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30), outcome=Outcome.SERVED))
    assert only_served.total.served == 10
    # A service with residents served and nobody answering is listed, not hidden.
    builders.served(3, service="KK")
    listed = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert [(u.service, u.respondents, u.served, u.reaches) for u in listed.services] == [
        ("KIA", 4, 12, False),
        ("KK", 0, 3, False),
    ]
    small = build(Filters(dt.date(2026, 12, 1), dt.date(2026, 12, 31)))
    assert small.total.respondents == 0 and not small.total.reaches


def test_per_service_and_outcome_tagged_apart():
    builders.example()
    builders.survey((1, 1, 1, 1, 1, 1, 1, 1, 1), service="KK", outcome=Outcome.REJECTED)
    report = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert [(u.service, u.respondents) for u in report.services] == [("KIA", 4), ("KK", 1)]
    assert str(report.services[1].result.ikm) == "24.75"
    served_only = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30), outcome=Outcome.SERVED))
    assert str(served_only.total.result.ikm) == "81.13"


def test_unanswered_surveys_and_other_periods_are_left_out():
    builders.example()
    builders.survey((None,) * 9)  # invited, nothing answered
    builders.survey((1,) * 9, day=dt.date(2026, 10, 31))
    report = build(Filters(dt.date(2026, 11, 1), dt.date(2026, 11, 30)))
    assert report.total.respondents == 4


def test_an_element_nobody_answered_is_said_not_hidden(supervisor):
    builders.survey((4, 4, 4, None, 4, 4, 4, 4, 4))
    html = supervisor.get("/console/skm/" + PERIOD).content.decode()
    assert "unsur tanpa jawaban: u4" in html


def test_suggestions_are_shown_with_numbers_masked(supervisor):
    builders.survey((4,) * 9, suggestion="NIK anak saya 3603035512180003, telp 0812 3456 7890. Antrean lama.")
    html = supervisor.get("/console/skm/" + PERIOD).content.decode()
    assert "3603035512180003" not in html and "0812 3456 7890" not in html
    assert "NIK anak saya •••, telp •••. Antrean lama." in html
    assert masked("ruang 2, loket 3") == "ruang 2, loket 3"


@pytest.mark.parametrize("role", [Role.OFFICER, Role.COUNTER])
def test_wrong_role_is_refused(client, role):
    sign_in(client, make_staff("orang", role, services=["KIA"]))
    for url in ("/console/skm/", "/console/skm/ikm.xlsx", "/console/skm/ikm.pdf"):
        assert client.get(url).status_code == 403


def test_administrator_may_read_and_anonymous_is_sent_to_login(client):
    assert client.get("/console/skm/").status_code == 302
    sign_in(client, make_staff("admin1", Role.ADMIN))
    assert client.get("/console/skm/").status_code == 200


def test_a_kecamatan_supervisor_sees_only_their_area(client):
    builders.example(kecamatan="360303")
    builders.survey((1,) * 9, kecamatan="360301")
    sign_in(client, make_staff("camat", Role.SUPERVISOR, kecamatan=["360301"]))
    html = client.get("/console/skm/" + PERIOD).content.decode()
    assert "1 responden dari" in html and "IKM 24,75" in html


def test_bad_filters_fall_back_and_say_so(supervisor):
    html = supervisor.get("/console/skm/?dari=kemarin&layanan=XYZ&hasil=apa").content.decode()
    assert "Tanggal tidak dikenali" in html and "Layanan tidak dikenali" in html
    assert "Hasil layanan tidak dikenali" in html


def test_xlsx_in_the_publishing_layout(supervisor):
    builders.example()
    response = supervisor.get("/console/skm/ikm.xlsx" + PERIOD)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="ikm-20261101-20261130.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["Pengolahan"]
    values = {row[0].value: [c.value for c in row[1:]] for row in sheet.iter_rows() if row[0].value}
    assert values["Bobot per unsur"][0] == "0.11"
    assert values["NRR per unsur"][:9] == [3.5, 3.25, 2.75, 4.0, 3.25, 3.5, 3.75, 2.75, 2.75]
    assert values["IKM unit pelayanan (indeks × 25)"][0] == 81.13
    assert values["Mutu pelayanan"][0] == "B"
    assert [values[n][:9] for n in (1, 2)] == [list(builders.EXAMPLE[0]), list(builders.EXAMPLE[1])]
    assert book.sheetnames == ["Pengolahan", "Per layanan", "Keterangan", "Saran", "Profil responden"]


def test_pdf_renders_and_reads(supervisor, tmp_path):
    builders.example(suggestion="Ruang tunggu panas")
    response = supervisor.get("/console/skm/ikm.pdf" + PERIOD)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    document = pypdfium2.PdfDocument(response.content)
    text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    assert "IKM 81,13" in text and "Mutu B" in text
    assert "Bobot per unsur: 0.11" in text
    assert "Ruang tunggu panas" in text
    image = document[0].render(scale=1.4).to_pil()
    out = Path(tmp_path) / "ikm.png"
    image.save(out)
    assert image.size[0] > 800
