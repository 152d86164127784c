"""Valid request data for generated demo cases, fast enough for a million of them.

Each case gets what a resident's request would have given after the intake: NIKs whose
region is the case's kecamatan and whose date is a real birth date (a child under 17 for
KIA, an adult for KTP-el), family-card numbers with a past registration date, names,
desa and kecamatan from the region list, and the facts the intake derives (age, KIA photo
and validity). `loket.domain.intake.parse` reads the same data back without a problem;
the demo-data test checks that on a sample.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from loket.domain import nik as numbers
from loket.domain.regions import office_regions

FIRST_NAMES = (
    "SITI", "BUDI", "AHMAD", "DEWI", "RINA", "AGUS", "NUR", "PUTRI", "RIZKI", "DIAN",
    "EKA", "FAJAR", "INDAH", "JOKO", "LESTARI", "MUHAMMAD", "NABILA", "YUSUF", "AYU", "HENDRA",
)  # fmt: skip
LAST_NAMES = (
    "AMINAH", "SANTOSO", "LESTARI", "HIDAYAT", "PRATAMA", "SARI", "WIJAYA", "KURNIAWAN",
    "RAHMAWATI", "SAPUTRA", "NURHAYATI", "SETIAWAN", "MAULANA", "FITRIANI",
)  # fmt: skip
KTP_REASONS = (("PEMULA", 50), ("HILANG", 30), ("RUSAK", 20))
DESTINATIONS = (
    "KP. SUKAMAJU RT 01 RW 02, KOTA BANDUNG",
    "JL. MERDEKA NO. 10, KOTA SERANG",
    "PERUM GRIYA ASRI BLOK C2, KABUPATEN BOGOR",
)
PURPOSES = ("BEKERJA", "IKUT SUAMI", "SEKOLAH", "IKUT ORANG TUA")


@dataclass(frozen=True)
class RequestData:
    subject: str
    fields: dict
    derived: dict
    kode_desa: str


class RequestMaker:
    def __init__(self, rng: random.Random):
        self.rng = rng
        regions = office_regions()
        self.kecamatan = {place.kode: place for place in regions.kecamatan}
        self.desa = regions.desa_by_kecamatan

    def _name(self) -> str:
        return f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"

    def _serial(self) -> str:
        return f"{self.rng.randrange(1, 10000):04d}"

    def _nik(self, prefix: str, born: dt.date) -> tuple[str, str]:
        sex = self.rng.choice("LP")
        day = born.day + (40 if sex == "P" else 0)
        return f"{prefix}{day:02d}{born:%m%y}{self._serial()}", sex

    def _kk(self, prefix: str, on: dt.date) -> str:
        registered = on - dt.timedelta(days=self.rng.randrange(60, 20 * 365))
        return f"{prefix}{registered:%d%m%y}{self._serial()}"

    def _born(self, on: dt.date, low_years: float, high_years: float) -> dt.date:
        return on - dt.timedelta(days=self.rng.randrange(int(low_years * 365.25), int(high_years * 365.25)))

    def make(self, service: str, kode_kecamatan: str, on: dt.date) -> RequestData:
        """The data of a `service` request from `kode_kecamatan`, sent on `on`."""
        prefix = kode_kecamatan.replace(".", "")
        kecamatan = self.kecamatan[kode_kecamatan]
        desa = self.rng.choice(self.desa[kode_kecamatan])
        place = {
            "desa": desa.nama,
            "kecamatan": kecamatan.nama,
            "kode_desa": desa.kode,
            "kode_kecamatan": kode_kecamatan,
        }
        if service == "SKDWNI":
            number = f"SKPWNI/{self.rng.randrange(1101, 9472)}/{on:%d%m%Y}/{self._serial()}"
            fields = {"no_skpwni": number, "keperluan": self.rng.choice(PURPOSES)}
            return RequestData(number, fields, {}, "")
        if service == "KK":
            kk = self._kk(prefix, on)
            return RequestData(
                kk, {"no_kk": kk, "nama_kepala_keluarga": self._name(), **place}, {}, desa.kode
            )
        if service == "KIA":
            born = self._born(on, 0.1, 15.5)
        elif service == "KTP":
            jenis = self.rng.choices([r for r, _ in KTP_REASONS], [w for _, w in KTP_REASONS])[0]
            born = self._born(on, 17.1, 19) if jenis == "PEMULA" else self._born(on, 20, 60)
        else:  # SKPWNI: an adult moving out
            born = self._born(on, 20, 60)
        nik, sex = self._nik(prefix, born)
        derived: dict = {
            "tanggal_lahir": born.isoformat(),
            "jenis_kelamin": sex,
            "umur": numbers.age_on(born, on),
        }
        fields = {"nik": nik, "no_kk": self._kk(prefix, on), "nama": self._name()}
        if service == "SKPWNI":
            fields["alamat_pindah"] = self.rng.choice(DESTINATIONS)
            return RequestData(nik, fields, derived, "")
        fields.update(place)
        if service == "KTP":
            fields["jenis"] = jenis
        if service == "KIA":
            facts = numbers.kia_facts(born, on)
            derived.update(perlu_foto=facts.perlu_foto, kia_berlaku_sampai=facts.berlaku_sampai.isoformat())
        return RequestData(nik, fields, derived, desa.kode)
