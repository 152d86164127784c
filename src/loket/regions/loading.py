"""Load region CSV files into the database (used by the data migration and `loket regions`)."""

from __future__ import annotations

from pathlib import Path

from loket.domain import regions as domain


def load_regions(region_model, alias_model, region_file: Path, alias_file: Path | None) -> dict[str, int]:
    """Upsert the national list plus one regency's desa list; returns counts per level.

    Takes the model classes as arguments so the data migration can pass its historical models.
    """
    national = domain.read_national()
    places = domain.read_places(region_file)
    rows: dict[str, tuple[str, str]] = {n.kode: (n.level, n.nama) for n in national}
    for p in places:
        rows[p.kode] = (p.level, p.nama)

    # Parents before children (codes grow by one dotted segment a level), so that every
    # row is written once with its parent already known: no second pass over 8,000 rows.
    ids: dict[str, int] = dict(region_model.objects.values_list("kode", "id"))
    existing = {r.kode: r for r in region_model.objects.all()}
    to_update = []
    for depth in sorted({kode.count(".") for kode in rows}):
        fresh = []
        for kode, (level, nama) in rows.items():
            if kode.count(".") != depth:
                continue
            parent_id = ids.get(kode.rsplit(".", 1)[0]) if depth else None
            region = existing.get(kode)
            if region is None:
                fresh.append(region_model(kode=kode, level=level, nama=nama, parent_id=parent_id))
            elif (region.level, region.nama, region.parent_id) != (level, nama, parent_id):
                region.level, region.nama, region.parent_id = level, nama, parent_id
                to_update.append(region)
        region_model.objects.bulk_create(fresh, batch_size=2000)
        ids.update(region_model.objects.filter(kode__in=[r.kode for r in fresh]).values_list("kode", "id"))
    if to_update:
        region_model.objects.bulk_update(to_update, ["level", "nama", "parent"], batch_size=500)

    if alias_file is not None and alias_file.exists():
        for kode, alias in domain.read_aliases(alias_file):
            if kode in ids:
                alias_model.objects.get_or_create(region_id=ids[kode], alias=alias)

    counts: dict[str, int] = {}
    for level, _nama in rows.values():
        counts[level] = counts.get(level, 0) + 1
    return counts
