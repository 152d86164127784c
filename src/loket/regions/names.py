"""Region names for lists: the regions table read once per page (below every capability
that shows places, so the console and scheduling's pickup list share it)."""

from __future__ import annotations

from collections.abc import Iterable

from loket.regions.models import Region


def region_names(codes: Iterable[str]) -> dict[str, str]:
    """Region names by code, one query; codes the table does not know are left out."""
    wanted = {c for c in codes if c}
    if not wanted:
        return {}
    return dict(Region.objects.filter(kode__in=wanted).values_list("kode", "nama"))
