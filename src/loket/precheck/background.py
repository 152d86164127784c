"""The background colour of a child's photo: the mean colour of its border, named.

Only used when the office sets a background rule (`LOKET_PRECHECK_BACKGROUND`, off by
default): sources disagree on the KIA photo's background (some offices ask red, some blue,
some accept any plain colour), so the project imposes none.
"""

from __future__ import annotations

import io

from PIL import Image

BORDER = 0.08  # the outer 8% of each side is taken as background


def background_colour(data: bytes) -> str:
    """'merah', 'biru', 'putih' or 'lain' ('' when the bytes are no image)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.draft("RGB", (128, 128))  # JPEG: decode small, cheap on any size
            small = image.convert("RGB").resize((64, 64))
    except Exception:  # noqa: BLE001 - not an image (a PDF): no background to name
        return ""
    edge = max(1, int(64 * BORDER))
    raw = small.tobytes()  # r, g, b bytes, row by row
    rgb = [tuple(raw[i : i + 3]) for i in range(0, len(raw), 3)]
    pixels = [
        rgb[y * 64 + x]
        for x in range(64)
        for y in range(64)
        if x < edge or y < edge or x >= 64 - edge or y >= 64 - edge
    ]
    r, g, b = (sum(p[i] for p in pixels) / len(pixels) for i in range(3))
    if min(r, g, b) > 200:
        return "putih"
    if r > 120 and r > 1.6 * g and r > 1.6 * b:
        return "merah"
    if b > 100 and b > 1.3 * r and b > 1.1 * g:
        return "biru"
    return "lain"
