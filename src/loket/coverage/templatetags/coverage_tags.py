from __future__ import annotations

import json
from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from loket.coverage import plotly_assets
from loket.domain.coverage import fmt_int, fmt_number

register = template.Library()


@register.filter
def cell(value, kind: str = "text"):
    """A table value for people: 904.154, 15,91, 3,5 jam."""
    if value is None or value == "":
        return "–"
    if kind == "int":
        return fmt_int(int(value))
    if kind == "pct":
        return fmt_number(Decimal(value), 2)
    if kind == "hours":
        return fmt_number(float(value), 1)
    if kind == "ratio":
        return fmt_number(float(value), 2)
    if kind == "date":
        return f"{value:%d-%m-%Y}"
    return value


@register.filter
def number(value, decimals: int = 0):
    """Any figure in Indonesian notation: 1.714 kartu, 41,20 %."""
    if value is None or value == "":
        return "–"
    return fmt_number(value, int(decimals))


@register.filter
def share_title(row: dict, column) -> str:
    """Hover text of a percentage: its numerator and denominator ("1.040 dari 2.000")."""
    if not column.of:
        return ""
    part, whole = row.get(column.of[0]), row.get(column.of[1])
    if part is None or whole is None:
        return ""
    return f"{fmt_int(int(part))} dari {fmt_int(int(whole))}"


@register.filter
def get(row: dict, key: str):
    return row.get(key)


@register.simple_tag
def chart(element_id: str, spec: dict):
    """A plotly chart drawn by coverage/charts.js from a JSON island."""
    data = json.dumps(spec).replace("<", "\\u003c")
    return format_html(
        '<div class="chart" id="{}"></div><script type="application/json" data-chart="{}">{}</script>',
        element_id,
        element_id,
        mark_safe(data),  # noqa: S308 - JSON with "<" escaped, inside a non-executed script
    )


@register.simple_tag
def plotly_styles():
    """An empty placeholder under the id of each stylesheet plotly.js would otherwise inject
    inline (which the Content-Security-Policy would block; the basic bundle draws no map that
    needs it). The id changes with the bundle and is read from it."""
    return format_html_join(
        "\n",
        '<meta name="loket-plotly-style" id="{}" content="">',
        ((key,) for key in plotly_assets.injected_style_ids()),
    )
