"""WhatsApp's text formatting rendered as HTML, for the simulator (and any page that shows a
message as a phone would).

WhatsApp reads `*bold*`, `_italic_`, `~strikethrough~`, ```monospace``` (may span lines) and
`inline code` (one backtick); a marker counts only at a word's edge (`2*3*4` stays as typed,
`snake_case_name` too), its text may not start or end with a space and does not cross a
line. Links (http/https) are clickable. Everything is escaped FIRST, so a message can never
inject markup: `<script>` is shown as the text `<script>`. Line breaks are kept by the page's
CSS (`white-space: pre-wrap`), not by `<br>`.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_MONO = re.compile(r"```(.+?)```", re.S)
_CODE = re.compile(r"(?<![\w`])`([^`\n]+)`(?![\w`])")
# On escaped text: a link ends at a space, an escaped quote or bracket, or trailing punctuation.
_STOP = r"&(?:quot|#x27|lt|gt);"
_LINK = re.compile(rf"https?://(?:(?!{_STOP})\S)+?(?=[.,;:!?)]*(?:\s|$|{_STOP}))")
_PLACEHOLDER = "\x00{}\x00"


def _inline(marker: str, tag: str) -> tuple[re.Pattern[str], str]:
    m = re.escape(marker)
    # Opening marker at a word's edge, text not starting/ending with a space, closing marker at an edge.
    pattern = re.compile(rf"(?<![\w{m}]){m}(?=\S)([^{m}\n]*?\S){m}(?![\w{m}])")
    return pattern, rf"<{tag}>\1</{tag}>"


_INLINE = [_inline("*", "strong"), _inline("_", "em"), _inline("~", "s")]


def render(text: str) -> SafeString:
    """The message as WhatsApp shows it: escaped, then formatted."""
    kept: list[str] = []

    def keep(html: str) -> str:
        kept.append(html)
        return _PLACEHOLDER.format(len(kept) - 1)

    html: str = str(escape(text.replace("\x00", "")))
    # Monospace, code and links are taken out first: no formatting inside them.
    html = _MONO.sub(lambda m: keep(f'<code class="mono">{m.group(1)}</code>'), html)
    html = _CODE.sub(lambda m: keep(f"<code>{m.group(1)}</code>"), html)
    html = _LINK.sub(
        lambda m: keep(f'<a href="{m.group(0)}" rel="noopener noreferrer" target="_blank">{m.group(0)}</a>'),
        html,
    )
    for pattern, replacement in _INLINE:
        html = pattern.sub(replacement, html)
    html = re.sub("\x00(\\d+)\x00", lambda m: kept[int(m.group(1))], html)
    return mark_safe(html)  # noqa: S308 - built from escaped text and our own tags only
