from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.domain import regions as domain
from loket.regions.loading import load_regions
from loket.regions.models import Region, RegionAlias


class Command(BaseCommand):
    help = "Load the office's region list (kecamatan and desa/kelurahan, Kemendagri CSV shape)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load FILE, or the file named by LOKET_REGION_FILE")
        load.add_argument("file", nargs="?")
        load.add_argument("--aliases", help="alias CSV (kode,nama_resmi,alias,jenis)")

    def handle(self, *args, action, **options):
        region_file = Path(options["file"] or settings.LOKET_REGION_FILE or domain.PACKAGED_REGION_FILE)
        if not region_file.exists():
            raise CommandError(f"File wilayah tidak ditemukan: {region_file}")
        alias = options.get("aliases") or settings.LOKET_REGION_ALIAS_FILE
        alias_file = Path(alias) if alias else (None if options["file"] else domain.PACKAGED_ALIAS_FILE)
        try:
            counts = load_regions(Region, RegionAlias, region_file, alias_file)
        except KeyError as exc:
            raise CommandError(f"Kolom tidak ada di {region_file}: {exc}") from exc
        for level, n in sorted(counts.items()):
            self.stdout.write(f"{level}: {n}")
