"""`loket office add|list`: the offices (regencies/cities) one installation serves."""

from __future__ import annotations

import csv
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from loket.domain import regions as domain
from loket.offices.models import Office, validate_code
from loket.regions.loading import load_regions
from loket.regions.models import Region, RegionAlias

REGION_COLUMNS = ("kode", "level", "nama", "kode_kecamatan", "nama_kecamatan")
DESA_LEVELS = ("desa", "kelurahan")


def kecamatan_file(office_code: str) -> Path:
    """A kecamatan-only region CSV for an office without a desa list, written from the
    packaged national list (the domain's matching reads a file per office)."""
    rows = [n for n in domain.read_national() if n.level == "kecamatan" and n.kode_induk == office_code]
    folder = Path(settings.DATA_DIR) / "regions"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"wilayah_{office_code.replace('.', '')}_kecamatan.csv"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(REGION_COLUMNS)
        for row in rows:
            writer.writerow([row.kode, "kecamatan", row.nama, row.kode, row.nama])
    return path


def check_desa_file(path: Path, office_code: str) -> int:
    """The desa list must be readable, in `loket regions load`'s columns and inside the office."""
    if not path.exists():
        raise CommandError(f"File wilayah tidak ditemukan: {path}")
    try:
        places = domain.read_places(path)
    except (KeyError, ValueError, UnicodeDecodeError, csv.Error) as exc:
        raise CommandError(
            f"File wilayah {path} tidak terbaca (kolom: {', '.join(REGION_COLUMNS)}): {exc}"
        ) from exc
    outside = [p.kode for p in places if not p.kode.startswith(f"{office_code}.")]
    if outside:
        raise CommandError(f"Kode di luar kantor {office_code} dalam {path}: {', '.join(outside[:5])}")
    desa = [p for p in places if p.level in DESA_LEVELS]
    if not desa:
        raise CommandError(f"File {path} tidak memuat desa/kelurahan.")
    return len(desa)


class Command(BaseCommand):
    help = "Offices of this installation: add one (code, name, regions), or list them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="add an office (a regency or city)")
        add.add_argument("--code", required=True, help="Kemendagri code of the regency/city, e.g. 36.71")
        add.add_argument("--name", required=True, help='e.g. "Dinas Dukcapil Kota Tangerang"')
        add.add_argument("--address", default="", help="printed on receipts and /v/<token>")
        add.add_argument(
            "--regions", default="", help="desa/kelurahan CSV (the columns of `loket regions load`)"
        )
        sub.add_parser("list", help="one office a line: code, name, desa list or not")

    def handle(self, *args, action, **options):
        if action == "list":
            for office in Office.objects.order_by("code"):
                desa = "daftar desa ada" if office.has_desa_list else "tanpa daftar desa"
                self.stdout.write(f"{office.code}  {office.name}  ({desa})")
            return
        code, name = options["code"].strip(), options["name"].strip()
        try:
            validate_code(code)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        if not name:
            raise CommandError("Nama kantor tidak boleh kosong (--name).")
        if Office.objects.filter(code=code).exists():
            raise CommandError(f"Kantor {code} sudah terdaftar.")
        regency = Region.objects.filter(kode=code, level=Region.Level.KABUPATEN_KOTA).first()
        if regency is None:
            raise CommandError(f"Kode {code} bukan kabupaten/kota dalam daftar wilayah nasional Kemendagri.")
        regions_file = Path(options["regions"]) if options["regions"] else None
        desa_count = check_desa_file(regions_file, code) if regions_file else 0
        with transaction.atomic():
            if regions_file:
                load_regions(Region, RegionAlias, regions_file, None)
            office = Office.objects.create(
                code=code,
                name=name,
                address=options["address"].strip(),
                has_desa_list=bool(regions_file),
                region_file=str(regions_file.resolve()) if regions_file else str(kecamatan_file(code)),
            )
        kecamatan = Region.objects.filter(level=Region.Level.KECAMATAN, parent=regency).count()
        self.stdout.write(
            f"Kantor {office.code} {office.name} terdaftar: {kecamatan} kecamatan ({regency.nama})."
        )
        if regions_file:
            self.stdout.write(f"  {desa_count} desa/kelurahan dimuat dari {regions_file}.")
        else:
            self.stdout.write(
                "  Tanpa daftar desa: nama desa diterima seperti ditulis dan ditandai untuk petugas. "
                "Muat nanti dengan `loket regions load FILE`."
            )
