"""`loket precheck FILE [--nik NIK] [--kk KK] [--json]`: read one document and compare it.

Needs no database: it reads the file, runs the same reading as the pre-check job and prints
what was read and how it compares with the numbers given. Exit 1 on a file that is not a
document (not an image or PDF, truncated, too large) or on a malformed number.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loket.domain.nik import strip_number
from loket.domain.precheck import NUMBER_LENGTH, check_number
from loket.precheck.reading import UnreadableFile, read_document


def sixteen_digits(text: str) -> str:
    digits = strip_number(text)
    if len(digits) != NUMBER_LENGTH or not digits.isdigit():
        raise CommandError(f"'{text}' is not a 16-digit number")
    return digits


class Command(BaseCommand):
    help = "Read one document (image or PDF): its kind, the 16-digit numbers on it, and whether --nik/--kk appear."
    # Works without a database and prints JSON a script reads: no system checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="a photo (JPEG, PNG, WebP, HEIC) or a PDF")
        parser.add_argument("--nik", help="a NIK that should appear on the document")
        parser.add_argument("--kk", help="the KK number that should appear on the document")
        parser.add_argument("--json", dest="as_json", action="store_true", help="print one JSON object")
        parser.add_argument(
            "--engine",
            default=None,
            help=f"OCR engine: rapidocr, tesseract or none (default: LOKET_PRECHECK_OCR={settings.LOKET_PRECHECK_OCR})",
        )

    def handle(self, *args, file, nik, kk, as_json, engine, **options):
        expected = {"nik": sixteen_digits(nik) if nik else None, "kk": sixteen_digits(kk) if kk else None}
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {file}: {error.strerror}") from None
        try:
            reading = read_document(data, engine=engine)
        except UnreadableFile as error:
            raise CommandError(
                f"{file}: not a document that can be read ({error.code}): {error.detail}"
            ) from None
        except ValueError as error:  # an unknown --engine
            raise CommandError(str(error)) from None
        checks = {name: check_number(reading, number) for name, number in expected.items()}
        if as_json:
            out = {
                "kind": reading.kind,
                "numbers": list(reading.numbers),
                "checks": checks,
                "seconds": reading.seconds,
            }
            self.stdout.write(json.dumps(out))
            return
        self.stdout.write(f"kind     {reading.kind}")
        self.stdout.write(f"engine   {reading.engine or 'none (numbers not checked)'}")
        self.stdout.write(f"numbers  {' '.join(reading.numbers) or '-'}")
        self.stdout.write(f"names    {', '.join(reading.names) or '-'}")
        if reading.photo is not None:
            p = reading.photo
            self.stdout.write(
                f"photo    face={p.face} colour={p.colour} sharpness={p.sharpness} blurred={p.blurred}"
            )
        for name, check in checks.items():
            self.stdout.write(f"{name:8} {check}")
        self.stdout.write(f"seconds  {reading.seconds}")
