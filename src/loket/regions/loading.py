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

    existing = {r.kode: r for r in region_model.objects.all()}
    to_create = [region_model(kode=k, level=lv, nama=nm) for k, (lv, nm) in rows.items() if k not in existing]
    region_model.objects.bulk_create(to_create, batch_size=2000)
    to_update = []
    for kode, region in existing.items():
        if kode in rows and (region.level, region.nama) != rows[kode]:
            region.level, region.nama = rows[kode]
            to_update.append(region)
    region_model.objects.bulk_update(to_update, ["level", "nama"], batch_size=2000)

    ids = dict(region_model.objects.values_list("kode", "id"))
    with_parent = []
    for region in region_model.objects.filter(parent__isnull=True).exclude(kode__regex=r"^[0-9]{2}$"):
        parent_id = ids.get(region.kode.rsplit(".", 1)[0])
        if parent_id:
            region.parent_id = parent_id
            with_parent.append(region)
    region_model.objects.bulk_update(with_parent, ["parent"], batch_size=2000)

    if alias_file is not None and alias_file.exists():
        for kode, alias in domain.read_aliases(alias_file):
            if kode in ids:
                alias_model.objects.get_or_create(region_id=ids[kode], alias=alias)

    counts: dict[str, int] = {}
    for level, _nama in rows.values():
        counts[level] = counts.get(level, 0) + 1
    return counts
