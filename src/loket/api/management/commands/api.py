"""`loket api token add|list|revoke`: the API's tokens (docs/api.md).

`add` prints the new token alone on the last line of its output, once; only its sha256 is
kept. `--personal` (whole NIK/KK, residents' data, document files) is refused unless the
installation enables it (LOKET_API_PERSONAL_DATA=1, for an office with a data-access
agreement with Dukcapil).
"""

from __future__ import annotations

import getpass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from loket.api.models import ApiToken
from loket.api.tokens import issue
from loket.console.services import SERVICES
from loket.offices.models import OfficeRequired, office_by_code
from loket.regions.models import Region


def _who() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name for this uid (a container)
        return ""


class Command(BaseCommand):
    help = "Manage REST API tokens: add (prints the token once), list, revoke."

    def add_arguments(self, parser):
        what = parser.add_subparsers(dest="what", required=True)
        token = what.add_parser("token", help="API tokens")
        action = token.add_subparsers(dest="action", required=True)
        add = action.add_parser("add", help="make a token; it is printed once, on the last line")
        add.add_argument("--name", required=True, help="unique name, e.g. siak-tigaraksa")
        add.add_argument("--scope", required=True, choices=[s.value for s in ApiToken.Scope])
        add.add_argument(
            "--services", nargs="+", default=[], metavar="SERVICE", help="e.g. KIA KK (default: all)"
        )
        add.add_argument(
            "--kecamatan", nargs="+", default=[], metavar="CODE", help="e.g. 36.03.03 (default: all)"
        )
        add.add_argument(
            "--personal", action="store_true", help="whole NIK/KK and files (LOKET_API_PERSONAL_DATA=1)"
        )
        add.add_argument(
            "--office", default="", help="office code, e.g. 36.71; required when there are several offices"
        )
        action.add_parser("list", help="every token, without secrets")
        revoke = action.add_parser("revoke", help="revoke a token by name")
        revoke.add_argument("name")

    def handle(self, *args, **options):
        action = options["action"]
        if action == "add":
            self._add(options)
        elif action == "list":
            self._list()
        else:
            self._revoke(options["name"])

    def _add(self, options) -> None:
        name = options["name"].strip()
        if not name or len(name) > 80:
            raise CommandError("Nama token wajib diisi (paling panjang 80 huruf).")
        # Refused before anything is read or written (even without a database yet).
        if options["personal"] and not settings.LOKET_API_PERSONAL_DATA:
            raise CommandError(
                "--personal ditolak: instalasi ini tidak mengizinkan data pribadi lewat API. "
                "Aktifkan LOKET_API_PERSONAL_DATA=1 hanya bila kantor punya perjanjian kerja sama "
                "(PKS) hak akses data dengan Dukcapil."
            )
        if ApiToken.objects.filter(name=name).exists():
            raise CommandError(
                f"Token bernama '{name}' sudah ada. Pilih nama lain, atau cabut dulu yang lama."
            )
        try:
            office = office_by_code(options["office"] or None)
        except OfficeRequired as exc:
            raise CommandError(str(exc)) from exc
        services = [s.upper() for s in options["services"]]
        unknown = [s for s in services if s not in SERVICES]
        if unknown:
            raise CommandError(
                f"Layanan tidak dikenal: {', '.join(unknown)}. Pilihan: {', '.join(SERVICES)}."
            )
        kecamatan = options["kecamatan"]
        known = set(
            Region.objects.filter(
                kode__in=kecamatan,
                level=Region.Level.KECAMATAN,
                kode__startswith=f"{office.code}.",
            ).values_list("kode", flat=True)
        )
        missing = [code for code in kecamatan if code not in known]
        if missing:
            raise CommandError(
                f"Kode kecamatan tidak dikenal di wilayah kantor ({office.code}): "
                f"{', '.join(missing)}. Pakai kode Kemendagri bertitik, mis. 36.03.03."
            )
        row, token = issue(
            name=name,
            scope=options["scope"],
            services=services,
            kecamatan=kecamatan,
            personal=options["personal"],
            office=office,
            created_by=_who(),
        )
        self.stdout.write(f"Token '{row.name}' dibuat: {self._describe(row)}.")
        self.stdout.write("Simpan token ini sekarang; ia tidak akan ditampilkan lagi:")
        self.stdout.write(token)

    @staticmethod
    def _describe(row: ApiToken) -> str:
        return (
            f"scope {row.scope}, layanan {' '.join(row.services) or 'semua'}, "
            f"kecamatan {' '.join(row.kecamatan) or 'semua'}, personal {'ya' if row.personal else 'tidak'}"
        )

    def _list(self) -> None:
        rows = list(ApiToken.objects.all())
        if not rows:
            self.stdout.write("Belum ada token API.")
        for row in rows:
            used = (
                timezone.localtime(row.last_used_at).strftime("%Y-%m-%d %H:%M") if row.last_used_at else "-"
            )
            state = "DICABUT" if row.revoked_at else "aktif"
            self.stdout.write(
                f"{row.name}\t{state}\t{self._describe(row)}\tdipakai terakhir {used}\tloket_{row.prefix}_…"
            )

    def _revoke(self, name: str) -> None:
        row = ApiToken.objects.filter(name=name).first()
        if row is None:
            raise CommandError(f"Tidak ada token bernama '{name}'.")
        if row.revoked_at is None:
            ApiToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now())
        self.stdout.write(f"Token '{name}' dicabut; permintaan dengannya kini ditolak (401).")
