"""Region lists (Kemendagri codes) and forgiving matching of place names.

Pure domain code: no Django. The office's own list (kecamatan and desa/kelurahan of its
regency) and the national list of provinces, regencies and kecamatan are read from CSV
files: the packaged Kabupaten Tangerang files by default, or the files an office names
(`configure`, called by the Django side with LOKET_REGION_FILE / LOKET_REGION_ALIAS_FILE /
LOKET_REGION_CODE: this module reads no environment).

Matching forgives what a person would (case, spacing, dots, known aliases, truncation,
small misspellings) but never guesses between two close candidates: it reports them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PACKAGED_REGION_FILE = DATA_DIR / "wilayah_3603.csv"
PACKAGED_ALIAS_FILE = DATA_DIR / "wilayah_3603_alias.csv"
NATIONAL_FILE = DATA_DIR / "wilayah_indonesia_kecamatan.csv"

# A fuzzy candidate must score at least this (rapidfuzz ratio, 0-100) ...
FUZZY_MIN_SCORE = 80.0
# ... and beat the runner-up by this margin, or we ask which one was meant.
FUZZY_MARGIN = 6.0
# Truncations shorter than this are too vague to complete ("SE" -> ?).
MIN_PREFIX_LENGTH = 5
# A name matched only after cutting the official name to the typed length scores this
# much less: a typo in a whole short name ("SEAPTAN" -> Sepatan) is likelier than a typo
# in a cut long one (Sepatan Timur), while a pure cut ("SEPATA") stays a question.
TRUNCATION_PENALTY = 8.0
# A question names at most this many candidates.
MAX_CANDIDATES = 4


@dataclass(frozen=True)
class Place:
    kode: str  # dotted: 36.03.01 (kecamatan) or 36.03.01.2005 (desa/kelurahan)
    level: str  # kecamatan | desa | kelurahan
    nama: str
    kode_kecamatan: str
    nama_kecamatan: str

    @property
    def digits(self) -> str:
        return self.kode.replace(".", "")


@dataclass(frozen=True)
class Match:
    """The outcome of matching one name: one place, several candidates, or none."""

    place: Place | None = None
    candidates: tuple[Place, ...] = ()
    how: str = "none"  # exact | alias | prefix | fuzzy | ambiguous | none

    @property
    def found(self) -> bool:
        return self.place is not None

    @property
    def ambiguous(self) -> bool:
        return self.place is None and len(self.candidates) > 1


def normalise_name(text: str) -> str:
    """Upper-case letters and digits only: 'Teluk Naga', 'TELUKNAGA' and 'teluk-naga' meet."""
    text = unicodedata.normalize("NFKC", text)
    return re.sub(r"[^0-9A-Z]", "", text.upper())


class _Pool:
    """A set of places prepared for matching: names and aliases normalised once.

    Matching runs for every message, so the names are normalised when the index is built
    and the fuzzy step scores all names in one rapidfuzz call.
    """

    def __init__(self, places: Iterable[Place], aliases: dict[str, list[Place]]) -> None:
        self.places = list(places)
        allowed = set(self.places)
        self.by_name: dict[str, list[Place]] = {}
        for place in self.places:
            self.by_name.setdefault(normalise_name(place.nama), []).append(place)
        self.names = list(self.by_name)
        self.aliases = {
            key: [p for p in group if p in allowed]
            for key, group in aliases.items()
            if any(p in allowed for p in group)
        }
        self.alias_keys = list(self.aliases)

    def match(self, text: str) -> Match:
        key = normalise_name(text)
        if not key:
            return Match()
        return self._match_key(key)

    @lru_cache(maxsize=2048)  # noqa: B019 (pools live as long as their cached index)
    def _match_key(self, key: str) -> Match:
        hits = self.by_name.get(key, [])
        if len(hits) == 1:
            return Match(place=hits[0], candidates=(hits[0],), how="exact")
        if len(hits) > 1:
            return Match(candidates=tuple(hits), how="ambiguous")

        alias_hits = self.aliases.get(key, [])
        if len(alias_hits) == 1:
            return Match(place=alias_hits[0], candidates=(alias_hits[0],), how="alias")
        if len(alias_hits) > 1:
            return Match(candidates=tuple(alias_hits), how="ambiguous")

        prefixed = [p for name in self.names if name.startswith(key) for p in self.by_name[name]]
        if len(key) >= MIN_PREFIX_LENGTH and len(prefixed) == 1:
            return Match(place=prefixed[0], candidates=(prefixed[0],), how="prefix")

        best: dict[Place, float] = {}

        def score(place: Place, value: float) -> None:
            if value > best.get(place, -1.0):
                best[place] = value

        whole = _scores(key, self.names)
        # A truncated name typed with a typo ("SEPATAN TIMU") is compared with the
        # official name cut to the same length as well.
        truncated = _scores(key, [n[: len(key)] for n in self.names])
        for name, full, cut in zip(self.names, whole, truncated, strict=True):
            value = float(full)
            if len(key) >= MIN_PREFIX_LENGTH and len(name) > len(key):
                value = max(value, float(cut) - TRUNCATION_PENALTY)
            for place in self.by_name[name]:
                score(place, value)
        if self.alias_keys:
            for alias_key, value in zip(self.alias_keys, _scores(key, self.alias_keys), strict=True):
                for place in self.aliases[alias_key]:
                    score(place, float(value))
        ranked = sorted(best.items(), key=lambda item: -item[1])
        if not ranked or ranked[0][1] < FUZZY_MIN_SCORE:
            return Match()
        close = [p for p, s in ranked if s >= FUZZY_MIN_SCORE and ranked[0][1] - s < FUZZY_MARGIN]
        if len(key) >= 3:
            # Names the text is the start of compete too: "BABA" may be Babat (one letter
            # off) or Babakan (cut short); only the resident knows.
            close += [p for p in prefixed if p not in close]
        if len(close) == 1:
            return Match(place=close[0], candidates=(close[0],), how="fuzzy")
        return Match(candidates=tuple(close[:MAX_CANDIDATES]), how="ambiguous")


def _scores(key: str, names: list[str]) -> list[float]:
    """fuzz.ratio of `key` against every name, in order, in one call into rapidfuzz."""
    scores = [0.0] * len(names)
    for _, value, index in process.extract(key, names, scorer=fuzz.ratio, limit=None):
        scores[index] = value
    return scores


def _match(text: str, places: Iterable[Place], aliases: dict[str, list[Place]]) -> Match:
    """Match a name among any places (uncached; the index keeps prepared pools)."""
    return _Pool(places, aliases).match(text)


@dataclass(frozen=True)
class NationalCode:
    kode: str
    level: str  # provinsi | kabupaten_kota | kecamatan
    nama: str
    kode_induk: str


class RegionIndex:
    """The office's regency (kecamatan, desa) plus the national code list."""

    def __init__(
        self,
        places: list[Place],
        aliases: list[tuple[str, str]],
        national: list[NationalCode],
        regency_code: str,
    ) -> None:
        self.regency_code = regency_code
        self.places = places
        self.by_code = {p.kode: p for p in places}
        self.kecamatan = [p for p in places if p.level == "kecamatan"]
        self.desa_by_kecamatan: dict[str, list[Place]] = {}
        for p in places:
            if p.level != "kecamatan":
                self.desa_by_kecamatan.setdefault(p.kode_kecamatan, []).append(p)
        self._aliases: dict[str, list[Place]] = {}
        for kode, alias in aliases:
            place = self.by_code.get(kode)
            if place is not None:
                self._aliases.setdefault(normalise_name(alias), []).append(place)
        self.national = {n.kode: n for n in national}
        self.regency = self.national.get(regency_code)
        self._kecamatan_pool = _Pool(self.kecamatan, self._aliases)
        self._desa_pool = _Pool([p for p in places if p.level != "kecamatan"], self._aliases)
        self._desa_pools = {
            kode: _Pool(group, self._aliases) for kode, group in self.desa_by_kecamatan.items()
        }
        self._empty_pool = _Pool([], {})

    # --- names -------------------------------------------------------------------
    def match_kecamatan(self, text: str) -> Match:
        return self._kecamatan_pool.match(text)

    def match_desa(self, text: str, kode_kecamatan: str | None = None) -> Match:
        """Match a desa/kelurahan; within one kecamatan when it is known."""
        if not kode_kecamatan:
            return self._desa_pool.match(text)
        return self._desa_pools.get(kode_kecamatan, self._empty_pool).match(text)

    def has_desa(self, kode_kecamatan: str | None = None) -> bool:
        """Is a desa/kelurahan list loaded (for this kecamatan, or for any)? An office without
        one works at kecamatan level: a desa name is taken as written and flagged."""
        if kode_kecamatan is None:
            return bool(self.desa_by_kecamatan)
        return bool(self.desa_by_kecamatan.get(kode_kecamatan))

    def desa_anywhere(self, text: str) -> Match:
        return self.match_desa(text, None)

    def desa_named(self, text: str) -> list[Place]:
        """Every desa/kelurahan whose official name or alias is exactly `text` (no fuzzy step)."""
        key = normalise_name(text)
        pool = self._desa_pool
        return list(dict.fromkeys([*pool.by_name.get(key, []), *pool.aliases.get(key, [])]))

    # --- codes -------------------------------------------------------------------
    def national_code(self, digits: str) -> NationalCode | None:
        """Look up a 2-, 4- or 6-digit code ('36', '3603', '360301')."""
        dotted = ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))
        return self.national.get(dotted)

    def is_office_kecamatan_code(self, digits6: str) -> bool:
        dotted = ".".join(digits6[i : i + 2] for i in range(0, 6, 2))
        place = self.by_code.get(dotted)
        return place is not None and place.level == "kecamatan"


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def read_places(path: Path) -> list[Place]:
    rows = _read_csv(path)
    return [
        Place(
            kode=row["kode"].strip(),
            level=row["level"].strip(),
            nama=row["nama"].strip(),
            kode_kecamatan=row["kode_kecamatan"].strip(),
            nama_kecamatan=row["nama_kecamatan"].strip(),
        )
        for row in rows
    ]


def read_aliases(path: Path) -> list[tuple[str, str]]:
    if not path.exists():
        return []
    return [(row["kode"].strip(), row["alias"].strip()) for row in _read_csv(path)]


def read_national(path: Path = NATIONAL_FILE) -> list[NationalCode]:
    return [
        NationalCode(
            kode=row["kode"].strip(),
            level=row["level"].strip(),
            nama=row["nama"].strip(),
            kode_induk=(row.get("kode_induk") or "").strip(),
        )
        for row in _read_csv(path)
    ]


DEFAULT_REGENCY_CODE = "36.03"  # Kabupaten Tangerang, whose files are packaged


@dataclass(frozen=True)
class OfficeRegions:
    """Which region list the office uses: its files and its regency's code."""

    region_file: Path = PACKAGED_REGION_FILE
    alias_file: Path | None = PACKAGED_ALIAS_FILE
    regency_code: str = DEFAULT_REGENCY_CODE


_office = OfficeRegions()
_office_index: list[RegionIndex] = []  # the index of `_office`, built on first use


def configure(
    region_file: str | Path | None = None,
    alias_file: str | Path | None = None,
    regency_code: str | None = None,
) -> OfficeRegions:
    """Name the office's region list (the Django side calls this from the settings; `loket
    parse` included). Empty or None: the packaged Kabupaten Tangerang files, whose alias file
    applies only when no region file is named. Returns the configuration now in force."""
    global _office
    default_alias = None if region_file else PACKAGED_ALIAS_FILE
    office = OfficeRegions(
        region_file=Path(region_file) if region_file else PACKAGED_REGION_FILE,
        alias_file=Path(alias_file) if alias_file else default_alias,
        regency_code=regency_code or DEFAULT_REGENCY_CODE,
    )
    if office != _office:
        _office = office
        _office_index.clear()
    return _office


def configured() -> OfficeRegions:
    return _office


@lru_cache(maxsize=4)
def load_index(region_file: Path, alias_file: Path | None, regency_code: str) -> RegionIndex:
    aliases = read_aliases(alias_file) if alias_file else []
    return RegionIndex(read_places(region_file), aliases, read_national(), regency_code)


def office_index(region_file: Path, regency_code: str, mtime: float = 0.0) -> RegionIndex:
    """The index of one office of a multi-office installation: its region CSV, with the
    kecamatan the file leaves out (a desa-only list) taken from the national list.

    `mtime` is only part of the cache key: a rewritten file is read again."""
    return _office_index_cached(region_file, regency_code, mtime)


@lru_cache(maxsize=64)
def _office_index_cached(region_file: Path, regency_code: str, mtime: float) -> RegionIndex:
    places = read_places(region_file)
    national = read_national()
    have = {p.kode for p in places if p.level == "kecamatan"}
    missing = [
        Place(kode=n.kode, level="kecamatan", nama=n.nama, kode_kecamatan=n.kode, nama_kecamatan=n.nama)
        for n in national
        if n.level == "kecamatan" and n.kode_induk == regency_code and n.kode not in have
    ]
    return RegionIndex([*missing, *places], [], national, regency_code)


def office_regions() -> RegionIndex:
    """The region index of the configured office (built once per configuration)."""
    if not _office_index:
        _office_index.append(load_index(_office.region_file, _office.alias_file, _office.regency_code))
    return _office_index[0]
