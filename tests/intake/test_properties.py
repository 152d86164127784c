"""Properties: the parser never raises, and a valid request survives a round trip."""

import time
from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from loket.domain.intake import SERVICES, canonical_message, parse
from loket.domain.regions import office_regions

from .builders import TODAY

QUICK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PIECES = st.sampled_from(
    [
        "#",
        "#",
        "#",
        "＃",
        "\n",
        " ",
        "KIA",
        "kk",
        "KTP-EL",
        "SKDWN",
        "SKPWNI",
        "PEMULA",
        "3603035512180003",
        "3603031203150007",
        "3603.0312",
        "0000",
        "SITI AMINAH",
        "PASIR BOLANG",
        "TIGARAKSA",
        "CARINGIN",
        "SEPATAN",
        "Kec.",
        "Desa",
        "terima kasih",
        "\x00",
        "\u200b",
        "🙏",
        "'",
        "-",
        "/",
    ]
)


@QUICK
@given(st.text())
def test_any_text_gives_a_result(text):
    result = parse(text, TODAY)
    assert result.ok == (not result.problems and result.service is not None)
    result.to_dict()
    result.reply_text()


@QUICK
@given(st.lists(st.one_of(PIECES, st.text(max_size=5)), max_size=40).map("".join))
def test_message_like_text_gives_a_result(text):
    result = parse(text, TODAY)
    data = result.to_dict()
    assert data["ok"] is result.ok
    for item in data["problems"] + data["warnings"]:
        assert item["code"] and item["field"] and item["message"]
    result.reply_text()


def test_empty_huge_and_control_character_texts_give_a_result_quickly():
    huge_texts = [
        "",
        "x" * 100_000,
        "#" * 100_000,
        "\n" * 100_000,
        "#KIA#" + "3" * 100_000,
        "#KIA#3603035512180003#3603031203150007#" + "A" * 100_000 + "#PASIR BOLANG#TIGARAKSA",
        "KIA\n" + "PASIR BOLANG\n" * 8_000,
        "".join(chr(c) for c in range(0, 32)) * 3_000,
        ("#KK#" + "\x00\x7f\u202e") * 10_000,
    ]
    for text in huge_texts:
        started = time.perf_counter()
        parse(text, TODAY).to_dict()
        assert time.perf_counter() - started < 1.0


# --- valid requests -------------------------------------------------------------------------

REGIONS = office_regions()
DESA = [p for p in REGIONS.places if p.level != "kecamatan"]


def born(child: bool):
    low = TODAY - timedelta(days=int(365.25 * 17) - 2) if child else date(1930, 1, 1)
    high = TODAY if child else TODAY - timedelta(days=365 * 17)
    return st.dates(min_value=max(low, date(2000, 1, 1)) if child else low, max_value=high)


@st.composite
def nik_numbers(draw, child: bool):
    birth = draw(born(child))
    female = draw(st.booleans())
    kecamatan = draw(st.sampled_from(REGIONS.kecamatan)).digits
    serial = draw(st.integers(1, 9999))
    return f"{kecamatan}{birth.day + (40 if female else 0):02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


@st.composite
def kk_numbers(draw):
    registered = draw(st.dates(min_value=date(2000, 1, 1), max_value=TODAY))
    kecamatan = draw(st.sampled_from(REGIONS.kecamatan)).digits
    return f"{kecamatan}{registered:%d%m%y}{draw(st.integers(1, 9999)):04d}"


names = st.from_regex(r"[A-Za-z][A-Za-z .'\-]{0,40}[A-Za-z]", fullmatch=True)
free_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="#\n\r", exclude_categories=("Cc", "Cf", "Cs")),
    min_size=10,
    max_size=150,
).filter(lambda t: len(" ".join(t.split())) >= 10)


@st.composite
def requests(draw):
    service = draw(st.sampled_from(list(SERVICES.values())))
    place = draw(st.sampled_from(DESA))
    values = {
        "nik": draw(nik_numbers(child=service.child)),
        "no_kk": draw(kk_numbers()),  # drawn apart, but may equal the NIK: made different below
        "nama": draw(names),
        "nama_kepala_keluarga": draw(names),
        "desa": place.nama,
        "kecamatan": place.nama_kecamatan,
        "jenis": draw(st.sampled_from(["PEMULA", "HILANG", "RUSAK"])),
        "alamat_pindah": draw(free_text),
        "no_skpwni": draw(st.from_regex(r"SKPWNI/[0-9]{4}/[0-9]{8}/[0-9]{4}", fullmatch=True)),
        "keperluan": draw(free_text),
    }
    if values["no_kk"] == values["nik"]:  # a NIK typed as the KK number is `nik_same_as_no_kk`
        values["no_kk"] = values["no_kk"][:-4] + f"{int(values['no_kk'][-4:]) % 9999 + 1:04d}"
    return service, {f.key: values[f.key] for f in service.fields}


def noisy(text: str, draw) -> str:
    """The same message as a person might type it."""
    if draw(st.booleans()):
        text = text.lower()
    if draw(st.booleans()):
        text = "Permisi min, " + text
    if draw(st.booleans()):
        text = text + "#"
    return text.replace("#", draw(st.sampled_from(["#", " # ", "＃"])))


@settings(max_examples=150, deadline=None)
@given(requests(), st.data())
def test_a_valid_request_parses_and_survives_the_round_trip(request, data):
    service, values = request
    message = "#" + "#".join([service.keyword, *values.values()])
    first = parse(noisy(message, data.draw), TODAY)
    assert first.ok, (message, [(p.code, p.message) for p in first.problems])
    assert first.service == service.keyword
    second = parse(canonical_message(first.service, first.fields), TODAY)
    assert second.to_dict() == first.to_dict()
