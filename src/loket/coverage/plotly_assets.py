"""plotly.js's partial "basic" bundle (scatter, bar), served as a static file from our own server.

The bundle (vendored in `static/coverage/vendor/`, see its SOURCE note) still carries
MapLibre's stylesheet as a string that it writes into a `<style>` element when it loads,
unless an element with that stylesheet's id is already on the page. The
Content-Security-Policy forbids inline style, and no map trace is in the basic bundle, so
the dashboards put an empty placeholder element under that id (`{% plotly_styles %}`):
nothing is injected and nothing is fetched. The id is read from the bundle itself.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

VENDOR = Path(__file__).resolve().parent / "static" / "coverage" / "vendor"
JS_FILE = VENDOR / "plotly-basic.min.js"
JS_STATIC = "coverage/vendor/plotly-basic.min.js"

# In the bundle: if(!document.getElementById("<id>")){var e=document.createElement("style");
# e.id="<id>",e.textContent='<css>',document.head.appendChild(e)}
_INJECTED_STYLE = re.compile(
    r'document\.getElementById\("(?P<id>[0-9a-f]{16,})"\)\)\{var (?P<v>\w+)=document\.createElement\("style"\);'
    r"(?P=v)\.id=\"(?P=id)\""
)


@lru_cache(maxsize=1)
def injected_style_ids() -> tuple[str, ...]:
    """The element id of every stylesheet the bundle would inject by itself."""
    bundle = JS_FILE.read_text(encoding="utf-8")
    return tuple(match["id"] for match in _INJECTED_STYLE.finditer(bundle))
