"""Demo accounts (one per role, each with a TOTP device) and a few cases in different states.

`loket demo` calls `load(out)`; it is idempotent. The TOTP secrets are fixed so that a
newcomer enrols once and the codes keep working across demo restarts.
"""

from __future__ import annotations

import base64
import datetime as dt
import io

import segno
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from loket.cases import samples
from loket.cases.models import Case, Resident, State, next_request_number
from loket.console.models import CannedReply, Role, StaffProfile
from loket.scheduling.approval import approve_case

# username, password, role, services, kecamatan, fixed TOTP key (hex, 20 bytes)
ACCOUNTS: list[tuple[str, str, Role, list[str], list[str], str]] = [
    ("petugas.kia", "loket-demo-petugas", Role.OFFICER, ["KIA"], [], "11" * 20),
    ("supervisor", "loket-demo-supervisor", Role.SUPERVISOR, [], [], "22" * 20),
    ("loket", "loket-demo-loket", Role.COUNTER, [], [], "33" * 20),
    ("administrator", "loket-demo-administrator", Role.ADMIN, [], [], "44" * 20),
    # A village operator for every desa of Tigaraksa (/console/operator/).
    ("operator.desa", "loket-demo-operator", Role.OPERATOR, [], ["36.03.03"], "66" * 20),
]
# The superuser for /admin/: signs in with its password and a code, like the staff.
DEMO_ADMIN = ("admin", "loket-demo-admin", "55" * 20)
DEMO_CHANNEL = "demo-number"
CANNED = [
    ("Terima kasih", "Terima kasih, permohonan Anda sedang kami periksa."),
    ("Foto ulang", "Mohon foto ulang dokumen di tempat terang, seluruh halaman terlihat, tidak buram."),
    ("Jam layanan", "Kantor buka Senin sampai Jumat pukul 08.00 sampai 15.00 WIB."),
]


def totp_secret(device: TOTPDevice) -> str:
    """The base32 secret an authenticator app asks for when entered by hand."""
    return base64.b32encode(device.bin_key).decode()


def ensure_account(username, password, role, services, kecamatan, key) -> TOTPDevice:
    user_model = get_user_model()
    user, created = user_model.objects.get_or_create(username=username)
    if created:
        user.set_password(password)
        user.save()
    StaffProfile.objects.update_or_create(
        user=user, defaults={"role": role, "services": services, "kecamatan": kecamatan}
    )
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": key, "confirmed": True}
    )
    return device


def ensure_admin(username: str, password: str, key: str) -> TOTPDevice:
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        user = user_model.objects.create_superuser(username, "", password)
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="demo", defaults={"key": key, "confirmed": True}
    )
    return device


def _case(
    resident,
    subject,
    state_path,
    labels=None,
    kecamatan="TIGARAKSA",
    desa="PASIR BOLANG",
    days_ago=0,
    warnings=None,
) -> Case:
    """A KIA request as the channel opens it, with its documents (all of the checklist, or
    `labels`) and consent; an approval in `state_path` goes through the guarded approval."""
    created = timezone.now() - dt.timedelta(days=days_ago, hours=1)
    columns = samples.request_columns(f"#KIA#{subject}#3603031203150007#ANAK CONTOH#{desa}#{kecamatan}")
    if warnings:
        columns["warnings"] = warnings
    case = Case.objects.create(
        request_number=next_request_number("KIA", timezone.localdate(created)),
        resident=resident,
        created_at=created,
        state_changed_at=created,
        **columns,
    )
    samples.attach_documents(case, labels)
    samples.record_consent(case)
    for state in state_path:
        if state == State.APPROVED:
            approve_case(case, source="system")
        else:
            case.move_to(state, source="system", note="Data demo.")
    return case


def load(out) -> None:
    devices = [(spec, ensure_account(*spec)) for spec in ACCOUNTS]
    admin_device = ensure_admin(*DEMO_ADMIN)
    for title, text in CANNED:
        CannedReply.objects.get_or_create(title=title, defaults={"text": text})
    with transaction.atomic():
        resident, created = Resident.objects.get_or_create(
            channel_number=DEMO_CHANNEL,
            user_id="6281200000099",
            defaults={
                "wa_id": "6281200000099",
                "phone": "6281200000099",
                "profile_name": "Ibu Demo",
                "last_inbound_at": timezone.now(),
            },
        )
        if created:
            _case(resident, "3603035512180003", [State.QUEUED], days_ago=1)
            _case(
                resident,
                "3603030101190002",
                [State.QUEUED],
                warnings=[
                    {
                        "code": "nik_region_unknown",
                        "field": "NIK",
                        "message": "Contoh peringatan: cocokkan NIK dengan KK.",
                    }
                ],
            )
            _case(
                resident,
                "3603034203200001",
                [],
                ["akta_kelahiran", "kk"],
                kecamatan="PASAR KEMIS",
                desa="SINDANGSARI",
            )
            _case(resident, "3603035005170004", [State.QUEUED, State.IN_REVIEW, State.APPROVED], days_ago=3)
    out.write("")
    # Paths only: `loket demo` prints the full addresses, on the port it serves.
    out.write("Akun konsol demo (masuk di /console/login/):")
    for (username, password, role, *_), device in devices:
        out.write(f"  {username:<14} sandi {password:<26} peran {Role(role).label}")
        out.write(f"    kunci TOTP (ketik di aplikasi autentikator): {totp_secret(device)}")
    # One QR for the officer, the account the walkthrough uses; the others by secret.
    out.write(f"  QR untuk {ACCOUNTS[0][0]} (pindai dengan aplikasi autentikator):")
    out.write(terminal_qr(devices[0][1]))
    out.write("Admin (masuk di /admin/, sandi dan kode TOTP):")
    out.write(f"  {DEMO_ADMIN[0]:<14} sandi {DEMO_ADMIN[1]:<26} superuser")
    out.write(f"    kunci TOTP (ketik di aplikasi autentikator): {totp_secret(admin_device)}")
    out.write(f"  QR untuk {DEMO_ADMIN[0]} (pindai dengan aplikasi autentikator):")
    out.write(terminal_qr(admin_device))


def terminal_qr(device: TOTPDevice) -> str:
    """The device's otpauth:// address as a QR code drawn with characters."""
    buffer = io.StringIO()
    segno.make(device.config_url, error="l").terminal(out=buffer, compact=True, border=2)
    return buffer.getvalue()
