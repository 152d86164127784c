"""`loket staff add|show`: console accounts with their role, area and second factor."""

from __future__ import annotations

import getpass
import secrets
import sys

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.console.demo import terminal_qr, totp_secret
from loket.console.models import Role, StaffProfile
from loket.console.services import SERVICES
from loket.offices.models import OfficeRequired, office_by_code
from loket.regions.models import Region


def _codes(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


LEVELS = {
    "kecamatan": [Region.Level.KECAMATAN],
    "desa": [Region.Level.DESA, Region.Level.KELURAHAN],
}


def _check_area(role: str, kecamatan: list[str], desa: list[str], office_code: str) -> None:
    """Codes must be the office's own regions of the right level; an operator needs an area."""
    if desa and role != Role.OPERATOR:
        raise CommandError("--desa hanya untuk operator desa/kelurahan (--role operator).")
    if role == Role.OPERATOR and not (kecamatan or desa):
        raise CommandError(
            "Operator desa/kelurahan harus punya wilayah: --desa KODE (mis. 36.03.03.2001) "
            "atau --kecamatan KODE (mis. 36.03.03), dipisah koma."
        )
    prefix = f"{office_code}."
    for option, codes in (("kecamatan", kecamatan), ("desa", desa)):
        known = set(
            Region.objects.filter(
                kode__in=codes, level__in=LEVELS[option], kode__startswith=prefix
            ).values_list("kode", flat=True)
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise CommandError(
                f"Kode {option} tidak dikenal di wilayah kantor ({office_code}): "
                f"{', '.join(unknown)}. Pakai kode Kemendagri bertitik, mis. "
                f"{'36.03.03' if option == 'kecamatan' else '36.03.03.2001'}."
            )


class Command(BaseCommand):
    help = "Create a console account (role, services, kecamatan) with a TOTP device, or show one."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        add = sub.add_parser("add", help="create an account and enrol its second factor")
        add.add_argument("username")
        add.add_argument("--role", required=True, choices=[r.value for r in Role])
        add.add_argument("--services", default="", help="for officers: KIA,KK,...")
        add.add_argument("--kecamatan", default="", help="kecamatan codes, e.g. 36.03.03; empty: the regency")
        add.add_argument(
            "--desa",
            default="",
            help="for operators: desa/kelurahan codes, e.g. 36.03.03.2001 (comma-separated)",
        )
        add.add_argument("--password", default="", help="asked for when not given")
        add.add_argument(
            "--office", default="", help="office code, e.g. 36.71; required when there are several offices"
        )
        show = sub.add_parser("show", help="print an account's role, area and enrolment QR again")
        show.add_argument("username")

    def handle(self, *args, action, username, **options):
        if action == "show":
            user = get_user_model().objects.filter(username=username).first()
            if user is None or not hasattr(user, "staff"):
                raise CommandError(f"Akun staf {username} tidak ditemukan.")
            return self._print(user, TOTPDevice.objects.filter(user=user).first())
        services, kecamatan = _codes(options["services"]), _codes(options["kecamatan"])
        desa = _codes(options["desa"])
        try:
            office = office_by_code(options["office"] or None)
        except OfficeRequired as refused:
            raise CommandError(str(refused)) from refused
        _check_area(options["role"], kecamatan, desa, office.code)
        unknown = [s for s in services if s not in SERVICES]
        if unknown:
            raise CommandError(f"Layanan tidak dikenal: {', '.join(unknown)}.")
        if options["role"] == Role.OFFICER and not services:
            raise CommandError("Petugas verifikasi butuh minimal satu layanan (--services KIA).")
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"Pengguna {username} sudah ada.")
        password, generated = options["password"], False
        if not password and sys.stdin.isatty():
            password = getpass.getpass("Sandi: ")
        elif not password:
            # No terminal to ask on (a script, a provisioning tool): a strong one-time password,
            # printed once below; the person changes it after signing in.
            password, generated = secrets.token_urlsafe(12), True
        if len(password) < 8:
            raise CommandError("Sandi minimal 8 karakter.")
        with transaction.atomic():
            user = get_user_model().objects.create_user(username=username, password=password)
            StaffProfile.objects.create(
                user=user,
                role=options["role"],
                services=services,
                kecamatan=kecamatan,
                desa=desa,
                office=office,
            )
            device = TOTPDevice.objects.create(user=user, name="konsol", confirmed=True)
        self._print(user, device)
        if generated:
            self.stdout.write(f"  sandi sementara (sekali tampil, segera ganti): {password}")

    def _print(self, user, device):
        profile = user.staff
        self.stdout.write(
            f"{user.username}: {profile.get_role_display()}, kantor {profile.office.code}, wilayah {profile.area_label}"
        )
        if device is None:
            self.stdout.write("  belum ada faktor kedua")
            return
        self.stdout.write(f"  kunci TOTP: {totp_secret(device)}")
        self.stdout.write(terminal_qr(device))
