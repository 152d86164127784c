"""Chart specifications for plotly.js (data + layout as plain dicts).

Built as plain dicts rather than plotly graph objects; plotly.js's partial "basic" bundle
(scatter and bar only) draws them from our own static copy, never a CDN. The coverage map
is not a plotly chart: it is SVG drawn on the server (`mapsvg.py`).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from loket.coverage.figures import TrendPoint
from loket.domain import coverage as domain

BRAND = "#0b6e4f"
WARN = "#b44d12"
BAD = "#ab091e"
# plotly's decimal and thousands marks: 20,20 and 1.714, as the tables print them.
SEPARATORS = ",."
COLOURS = ["#0b6e4f", "#2f80ed", "#b44d12", "#8e44ad", "#616e7c"]


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
