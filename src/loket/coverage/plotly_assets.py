"""plotly.js and the stylesheet it would otherwise inject, served from our own server.

plotly.js (from the `plotly` Python package: no CDN) carries MapLibre's stylesheet as a
string that it writes into a `<style>` element when it loads, unless an element with that
stylesheet's id is already on the page. The Content-Security-Policy forbids inline style,
so the dashboards link the same stylesheet under that id instead (`{% plotly_styles %}`),
served as a file. Both are cut from the bundle itself, so they change with the package.
"""

from __future__ import annotations

import re
from functools import lru_cache

from plotly.offline import get_plotlyjs

# In the bundle: if(!document.getElementById("<id>")){var e=document.createElement("style");
# e.id="<id>",e.textContent='<css>',document.head.appendChild(e)}
_INJECTED_STYLE = re.compile(
    r'document\.getElementById\("(?P<id>[0-9a-f]{16,})"\)\)\{var (?P<v>\w+)=document\.createElement\("style"\);'
    r"(?P=v)\.id=\"(?P=id)\",(?P=v)\.textContent='(?P<css>[^']*)'"
)


@lru_cache(maxsize=1)
def plotly_js() -> bytes:
    return get_plotlyjs().encode("utf-8")


@lru_cache(maxsize=1)
def injected_styles() -> tuple[tuple[str, str], ...]:
    """(element id, stylesheet) of every stylesheet the bundle injects by itself."""
    bundle = plotly_js().decode("utf-8")
    return tuple((match["id"], match["css"]) for match in _INJECTED_STYLE.finditer(bundle))


def stylesheet() -> str:
    return "\n".join(css for _, css in injected_styles())
