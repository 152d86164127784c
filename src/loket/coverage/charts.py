"""Chart specifications for plotly.js (data + layout as plain dicts).

Built as plain dicts rather than plotly graph objects: the page stays fast (no
validation of the 187 KB boundary file per request) and plotly.js draws them from our
own static copy, never a CDN. The boundaries are fetched once from our own URL.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from loket.coverage.figures import KecamatanCoverage, TrendPoint
from loket.coverage.models import Review
from loket.domain import coverage as domain

BRAND = "#0b6e4f"
WARN = "#b44d12"
BAD = "#ab091e"
# plotly's decimal and thousands marks: 20,20 and 1.714, as the tables print them.
SEPARATORS = ",."
COLOURS = ["#0b6e4f", "#2f80ed", "#b44d12", "#8e44ad", "#616e7c"]


# Low coverage red, high green: where outreach is needed stands out.
COVERAGE_SCALE = [[0, "#ab091e"], [0.25, "#e76f51"], [0.5, "#f4d35e"], [0.75, "#8ac926"], [1, "#0b6e4f"]]
# Kabupaten Tangerang's extent (lon/lat), from kecamatan_3603.geojson.
REGENCY_BOUNDS = (106.339, -6.363, 106.726, -6.001)


def _fit(
    bounds: tuple[float, float, float, float], width_px: int = 900, height_px: int = 520
) -> tuple[dict, float]:
    """Centre and zoom showing the bounds (a map without tiles has no fitbounds)."""
    west, south, east, north = bounds
    zoom_x = math.log2(360 * width_px / (512 * (east - west)))
    # Near the equator a degree of latitude takes about as many pixels as one of longitude.
    zoom_y = math.log2(360 * height_px / (512 * (north - south)))
    return {"lon": (west + east) / 2, "lat": (south + north) / 2}, round(min(zoom_x, zoom_y) - 0.35, 2)


def coverage_map(rows: list[KecamatanCoverage], geojson_url: str) -> dict:
    """A choropleth on an empty map style: no tile server, nothing fetched but our boundaries.
    Rows a supervisor excluded from the charts are left blank on the map."""
    rows = [r for r in rows if r.review != Review.EXCLUDED]
    centre, zoom = _fit(REGENCY_BOUNDS)
    return {
        "data": [
            {
                "type": "choroplethmap",
                "geojson": geojson_url,
                "featureidkey": "properties.kode",
                "locations": [r.line.kode_kecamatan for r in rows],
                "z": [float(r.line.cakupan) for r in rows],
                "zmin": 0,
                "zmax": max([50.0] + [float(r.line.cakupan) for r in rows]),
                "colorscale": COVERAGE_SCALE,
                "marker": {"line": {"color": "#ffffff", "width": 1}, "opacity": 0.9},
                "colorbar": {"title": {"text": "Cakupan %"}},
                "text": [r.line.kecamatan for r in rows],
                "customdata": [
                    [
                        domain.fmt_int(r.line.anak),
                        domain.fmt_int(r.line.pemilik_kia),
                        domain.fmt_int(r.line.tanpa_kia),
                        r.period,
                        domain.fmt_pct(r.line.cakupan),
                        f"{r.imported_at:%d-%m-%Y}",
                    ]
                    for r in rows
                ],
                "hovertemplate": "<b>%{text}</b><br>Cakupan %{customdata[4]}%<br>Anak %{customdata[0]}"
                "<br>Pemilik KIA %{customdata[1]}<br>Belum punya %{customdata[2]}"
                "<br>Data %{customdata[3]}, diimpor %{customdata[5]}<extra></extra>",
            }
        ],
        "layout": {
            "map": {"style": "white-bg", "center": centre, "zoom": zoom},
            "margin": {"l": 0, "r": 0, "t": 10, "b": 0},
            "height": 520,
            "separators": SEPARATORS,
        },
    }


def period_middle(period: str) -> dt.date:
    """Where a semester sits on a date axis: its middle (1 April, 1 October).

    Drawn at its cut-off (31 December) a 2022-S2 point would sit on the 2023 gridline."""
    year, half = domain.period_key(period)
    return dt.date(year, 4 if half == 1 else 10, 1)


def trend_chart(
    points: list[TrendPoint],
    targets: dict[int, Decimal],
    projection: domain.Projection | None,
    base_date: dt.date | None,
    today: dt.date | None = None,
) -> dict:
    flagged = [p for p in points if p.flagged]
    base_point = next((p for p in points if p.date == base_date), None)
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Cakupan",
            "x": [period_middle(p.period).isoformat() for p in points],
            "y": [float(p.percent) for p in points],
            # Hover text formatted as the table is (41,20 %), not by plotly (41.20).
            "text": [
                f"{p.period}: {domain.fmt_pct(p.percent)}% ({domain.fmt_int(p.holders)} dari "
                f"{domain.fmt_int(p.children)} anak)"
                for p in points
            ],
            "line": {"color": BRAND},
            "hovertemplate": "%{text}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "markers",
            "name": "Perlu diperiksa",
            "x": [period_middle(p.period).isoformat() for p in flagged],
            "y": [float(p.percent) for p in flagged],
            "text": [p.period + ": " + "<br>".join(f[:90] for f in p.flags) for p in flagged],
            "marker": {"color": BAD, "size": 14, "symbol": "x"},
            "hovertemplate": "%{text}<extra></extra>",
        },
    ]
    dates = [period_middle(p.period) for p in points]
    reached = projection.reached_on if projection is not None else None
    ahead = reached is not None and (today is None or reached > today)
    if projection and reached is not None and ahead and base_point:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "Proyeksi (laju tren)",
                "x": [period_middle(base_point.period).isoformat(), reached.isoformat()],
                "y": [
                    float(domain.percent(projection.holders, projection.children)),
                    float(projection.target_percent),
                ],
                "line": {"color": WARN, "dash": "dot"},
                "hoverinfo": "skip",
            }
        )
        dates.append(reached)
    for i, (year, value) in enumerate(sorted(targets.items())):
        start = min(dates + [dt.date(year, 1, 1)]) if dates else dt.date(year, 1, 1)
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": f"Target {year}: {float(value):g}%",
                "x": [start.isoformat(), dt.date(year, 12, 31).isoformat()],
                "y": [float(value), float(value)],
                "line": {"color": COLOURS[(i + 2) % len(COLOURS)], "dash": "dash", "width": 1},
                "marker": {"size": [0, 8]},
                "hoverinfo": "skip",
            }
        )
    return {
        "data": data,
        "layout": {
            "yaxis": {"title": {"text": "Cakupan KIA (%)"}, "rangemode": "tozero"},
            "xaxis": {"title": {"text": "Periode data (titik di tengah semester)"}, "dtick": "M12"},
            "margin": {"l": 60, "r": 10, "t": 10, "b": 40},
            "height": 420,
            "legend": {"orientation": "h", "y": -0.2},
            "separators": SEPARATORS,
        },
    }


def monthly_chart(monthly: dict[str, dict[str, int]]) -> dict:
    services = sorted({s for v in monthly.values() for s in v})
    months = list(monthly)
    return {
        "data": [
            {
                "type": "bar",
                "name": s,
                "x": months,
                "y": [monthly[m].get(s, 0) for m in months],
                "marker": {"color": COLOURS[i % len(COLOURS)]},
            }
            for i, s in enumerate(services)
        ],
        "layout": {
            "barmode": "stack",
            "height": 320,
            "separators": SEPARATORS,
            "yaxis": {"title": {"text": "Permohonan masuk"}},
            "xaxis": {"title": {"text": "Bulan"}},
            "margin": {"l": 50, "r": 10, "t": 10, "b": 40},
            "legend": {"orientation": "h"},
        },
    }
