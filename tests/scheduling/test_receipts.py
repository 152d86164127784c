"""The receipt PDF reads right, its QR decodes to the verification URL, and /v/ tells the truth."""

import datetime as dt
import io
import shutil
import subprocess

import pytest
import segno
import time_machine
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from loket.channels.whatsapp.models import OutboundMessage
from loket.scheduling import receipts
from loket.scheduling.approval import approve_case

from . import builders

pytestmark = pytest.mark.django_db
MONDAY = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


@pytest.fixture
def receipt(settings):
    settings.LOKET_PUBLIC_URL = "https://loket.example.go.id"
    with time_machine.travel(MONDAY, tick=False):
        case = builders.case("KIA", name="SITI AMINAH BINTI ALI")
        approve_case(case)
    return case.bookings.get().receipts.get()


def decode_qr(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


def test_the_pdf_is_a6_and_says_what_the_resident_needs(receipt):
    pdf = OutboundMessage.objects.get(kind="receipt").document.read()
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (298, 420)
    text = " ".join(page.extract_text().split())
    for expected in [
        "BUKTI PENGAMBILAN",
        "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Tangerang",
        receipt.booking.case.request_number,
        "Kartu Identitas Anak (KIA)",
        "SI** AM**** BI*** A**",
        "Jumat, 18 Desember 2026",
        "Pagi, pukul 07.30-12.00",
        "Akta kelahiran anak asli",
    ]:
        assert expected in text
    assert "SITI" not in text and "AMINAH" not in text


def test_the_qr_in_the_rendered_pdf_decodes_to_the_verification_url(receipt, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    (tmp_path / "r.pdf").write_bytes(receipts.render_pdf(receipt))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", tmp_path / "r.pdf", tmp_path / "r"], check=True
    )
    assert decode_qr(Image.open(tmp_path / "r.png")) == [receipts.verify_url(receipt)]


def test_the_qr_carries_a_signed_token_without_personal_data(receipt):
    url = receipts.verify_url(receipt)
    assert url.startswith("https://loket.example.go.id/v/")
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=6, border=4)
    assert decode_qr(Image.open(io.BytesIO(buffer.getvalue()))) == [url]
    token = url.rsplit("/", 1)[1]
    case = receipt.booking.case
    for private in (case.subject, "SITI", case.request_number, case.resident.wa_id):
        assert private not in token


def test_a_valid_receipt_shows_service_date_and_masked_name_only(client, receipt):
    response = client.get(f"/v/{receipts.token_for(receipt)}")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Bukti sah" in body
    assert "Kartu Identitas Anak (KIA)" in body and "Jumat, 18 Desember 2026" in body
    assert "SI** AM****" in body and "AMINAH" not in body
    assert receipt.booking.case.subject not in body


def test_a_forged_token_is_not_valid(client, receipt):
    token = receipts.token_for(receipt)
    forged = token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")
    for bad in (forged, "made-up", "abc:def"):
        body = client.get(f"/v/{bad}").content.decode()
        assert "Bukti tidak sah" in body and "Kartu Identitas Anak" not in body


def test_a_revoked_receipt_says_it_is_no_longer_valid(client, receipt):
    receipts.revoke(receipt.booking, "jadwal diganti")
    body = client.get(f"/v/{receipts.token_for(receipt)}").content.decode()
    assert "Bukti tidak berlaku lagi" in body


@pytest.mark.parametrize("name, masked", [("SITI AMINAH", "SI** AM****"), ("AN NISA", "A* NI**"), ("", "-")])
def test_names_are_masked(name, masked):
    assert receipts.mask_name(name) == masked


def test_a_scanned_url_or_a_bare_token_both_work():
    assert receipts.token_from_scan(" https://x.id/v/abc:def \n") == "abc:def"
    assert receipts.token_from_scan("abc:def") == "abc:def"
