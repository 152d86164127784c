"""Demo data of the coverage app: the seed tables (with their planted inconsistencies,
see data/kia_coverage_2020.NOTES.md) and a year of generated cases for the service figures."""

from __future__ import annotations

from loket.cases.models import Resident
from loket.coverage.generate import DEMO_CHANNEL, generate
from loket.coverage.importing import import_table
from loket.coverage.models import CoverageImport
from loket.domain.regions import DATA_DIR

DEMO_CASES = 3000
SEED_TABLES = (("kia_coverage_history.csv", None), ("kia_coverage_2020.csv", "2020-S2"))


def load(out) -> None:
    if not Resident.objects.filter(channel_number=DEMO_CHANNEL).exists():
        generate(DEMO_CASES)
        out.write(f"Cakupan: {DEMO_CASES} permohonan demo dibuat untuk angka layanan.")
    if CoverageImport.objects.filter(source="demo").exists():
        return
    for name, period in SEED_TABLES:
        result = import_table((DATA_DIR / name).read_bytes(), name, period=period, source="demo")
        out.write(f"Cakupan: {name} diimpor, {len(result.findings)} temuan.")
    out.write("Dasbor kepala dinas: /console/coverage/")
