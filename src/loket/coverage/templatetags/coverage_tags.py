from __future__ import annotations

import json
from decimal import Decimal

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from loket.coverage import plotly_assets
from loket.domain.coverage import fmt_int

register = template.Library()


@register.filter
def cell(value, kind: str = "text"):
    """A table value for people: 904.154, 15,91, 3,5 jam."""
    if value is None or value == "":
        return "–"
    if kind == "int":
        return fmt_int(int(value))
    if kind == "pct":
        return f"{Decimal(value):.2f}".replace(".", ",")
    if kind == "hours":
        return f"{float(value):.1f}".replace(".", ",")
    if kind == "ratio":
        return f"{float(value):.2f}".replace(".", ",")
    return value


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
def plotly_styles(href: str):
    """Links plotly.js's own stylesheet under the id plotly.js looks for before injecting it
    inline (which the Content-Security-Policy would block)."""
    return format_html_join(
        "\n",
        '<link rel="stylesheet" id="{}" href="{}?v={}">',
        (
            (key, href, key[:12]) for key, _ in plotly_assets.injected_styles()
        ),  # the id changes with the bundle
    )
