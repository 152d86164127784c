"""The coverage map drawn on the server as SVG: no map library, nothing fetched by the browser.

The kecamatan boundaries (`data/kecamatan_3603.geojson`, attribution in its SOURCE note) are
projected once per process (equirectangular, scaled by the cosine of the regency's middle
latitude, which is exact enough for an area 40 km across) and simplified with
Douglas–Peucker to a pixel at the map's full drawn width: 3.5k of 8.8k vertices,
no visible change. Each kecamatan is a <path> filled by its coverage on the same colour
scale the dashboards use, with its figures in a <title> (shown on hover, read by screen
readers); the page lists every kecamatan with its figure next to the map as well.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache

from loket.coverage.figures import KecamatanCoverage
from loket.coverage.models import Review
from loket.domain import coverage as domain
from loket.domain.regions import DATA_DIR

GEOJSON = DATA_DIR / "kecamatan_3603.geojson"
WIDTH = 900  # viewBox units; the SVG scales to its box (CSS width:100%)
TOLERANCE = 1.0  # Douglas–Peucker tolerance in viewBox units (a pixel at full width)
# Low coverage red, high green: where outreach is needed stands out.
SCALE = [(0.0, "#ab091e"), (0.25, "#e76f51"), (0.5, "#f4d35e"), (0.75, "#8ac926"), (1.0, "#0b6e4f")]
NO_DATA = "#e4e7eb"


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas–Peucker on one ring (iterative; keeps both ends)."""
    if len(points) < 4:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        index, distance = first, -1.0
        for i in range(first + 1, last):
            px, py = points[i]
            d = abs(dy * px - dx * py + x2 * y1 - y2 * x1) / norm if norm else math.hypot(px - x1, py - y1)
            if d > distance:
                index, distance = i, d
        if distance > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, kept in zip(points, keep, strict=True) if kept]


@dataclass(frozen=True)
class Outline:
    kode: str
    nama: str
    d: str  # SVG path data
    box: tuple[float, float, float, float]  # left, top, right, bottom in viewBox units


@lru_cache(maxsize=1)
def outlines() -> tuple[tuple[Outline, ...], int, int]:
    """(every kecamatan's simplified outline, viewBox width, height)."""
    features = json.loads(GEOJSON.read_text(encoding="utf-8"))["features"]
    rings = [ring for f in features for polygon in f["geometry"]["coordinates"] for ring in polygon]
    west = min(x for ring in rings for x, _ in ring)
    east = max(x for ring in rings for x, _ in ring)
    south = min(y for ring in rings for _, y in ring)
    north = max(y for ring in rings for _, y in ring)
    shrink = math.cos(math.radians((north + south) / 2))
    scale = WIDTH / ((east - west) * shrink)
    height = round((north - south) * scale)
    result = []
    for feature in features:
        parts: list[str] = []
        xs: list[float] = []
        ys: list[float] = []
        for polygon in feature["geometry"]["coordinates"]:
            for ring in polygon:
                projected = [((x - west) * shrink * scale, (north - y) * scale) for x, y in ring]
                kept = _simplify(projected, TOLERANCE)
                if len(kept) < 4:
                    continue  # a sliver smaller than a pixel
                xs.extend(x for x, _ in kept)
                ys.extend(y for _, y in kept)
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in kept[:-1]) + "Z")
        props = feature["properties"]
        box = (min(xs), min(ys), max(xs), max(ys))
        result.append(Outline(props["kode"], props["nama"], "".join(parts), box))
    return tuple(result), WIDTH, height


def colour(value: float, top: float) -> str:
    """The scale's colour for a value between 0 and top (linear between the stops)."""
    t = 0.0 if top <= 0 else min(max(value / top, 0.0), 1.0)
    for (t0, c0), (t1, c1) in zip(SCALE, SCALE[1:], strict=False):
        if t <= t1:
            f = 0 if t1 == t0 else (t - t0) / (t1 - t0)
            a = [int(c0[i : i + 2], 16) for i in (1, 3, 5)]
            b = [int(c1[i : i + 2], 16) for i in (1, 3, 5)]
            return "#" + "".join(f"{round(x + (y - x) * f):02x}" for x, y in zip(a, b, strict=True))
    return SCALE[-1][1]


@dataclass(frozen=True)
class Region:
    kode: str
    d: str
    fill: str
    title: str


@dataclass(frozen=True)
class CoverageMap:
    regions: list[Region]
    view_box: str  # the SVG's viewBox: the drawn kecamatan and a small margin
    top: float  # the scale's upper end, in percent
    stops: list[tuple[int, str]]  # (offset in percent, colour) for the legend's gradient


def coverage_map(rows: list[KecamatanCoverage], kodes: set[str] | None = None) -> CoverageMap:
    """The map's regions (those in `kodes` when given: an area account's), each filled by its
    coverage. Rows a supervisor excluded from the charts, and kecamatan with no figure, are
    left grey."""
    shown = {r.line.kode_kecamatan: r for r in rows if r.review != Review.EXCLUDED}
    top = max([50.0] + [float(r.line.cakupan) for r in shown.values()])
    shapes = [s for s in outlines()[0] if kodes is None or s.kode in kodes]
    left, top_edge = min(s.box[0] for s in shapes), min(s.box[1] for s in shapes)
    right, bottom = max(s.box[2] for s in shapes), max(s.box[3] for s in shapes)
    margin = 4
    view_box = f"{left - margin:.0f} {top_edge - margin:.0f} {right - left + 2 * margin:.0f} {bottom - top_edge + 2 * margin:.0f}"
    regions = []
    for shape in shapes:
        row = shown.get(shape.kode)
        if row is None:
            regions.append(Region(shape.kode, shape.d, NO_DATA, f"{shape.nama}: tidak ada angka"))
            continue
        line = row.line
        title = (
            f"{line.kecamatan}: cakupan {domain.fmt_pct(line.cakupan)}%. Anak {domain.fmt_int(line.anak)}, "
            f"pemilik KIA {domain.fmt_int(line.pemilik_kia)}, belum punya {domain.fmt_int(line.tanpa_kia)}. "
            f"Data {row.period}, diimpor {row.imported_at:%d-%m-%Y}"
        )
        regions.append(Region(shape.kode, shape.d, colour(float(line.cakupan), top), title))
    return CoverageMap(regions, view_box, top, [(round(t * 100), c) for t, c in SCALE])
