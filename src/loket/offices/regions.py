"""The region index an office's requests are checked against: the one place that says which.

The first office (the one today's settings describe) and any office without its own
`region_file` use the installation's configured index (LOKET_REGION_FILE, else the packaged
Kabupaten Tangerang list). Another office uses its own CSV (`loket office add` writes a
kecamatan-only one, or keeps the `--regions` file), read once per file version.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from loket.domain import regions as domain
from loket.offices.models import Office
from loket.regions.models import Region


def index_for(office: Office | None) -> domain.RegionIndex:
    """The RegionIndex to parse a resident's text with, for the office it came to."""
    installation = domain.office_regions()
    if office is None or not office.region_file or office.code == installation.regency_code:
        return installation
    path = Path(office.region_file)
    try:
        mtime = path.stat().st_mtime
    except OSError as exc:
        raise RegionFileMissing(
            f"Daftar wilayah kantor {office.code} tidak ditemukan: {path}. "
            f"Muat lagi dengan `loket office add` atau `loket regions load`."
        ) from exc
    return domain.office_index(path, office.code, mtime)


def figures_area(office: Office, kecamatan: Iterable[str] = ()) -> frozenset[str] | None:
    """The kecamatan codes whose figures a person or API token of `office` reads: its own
    list (`kecamatan`) when it has one; else the office's kecamatan. None: everything, on an
    installation of one office, where every figure is that office's."""
    own = frozenset(kecamatan)
    if own:
        return own
    if Office.objects.count() <= 1:
        return None
    return frozenset(
        Region.objects.filter(
            level=Region.Level.KECAMATAN, kode__startswith=office.kecamatan_prefix
        ).values_list("kode", flat=True)
    )


class RegionFileMissing(Exception):
    """An office names a region file that is gone: say so rather than check against another list."""
