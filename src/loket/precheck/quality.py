"""Is the child's photo a photo? A face on it, in colour, not blurred.

- Face: OpenCV's Haar cascade for frontal faces, which ships inside the opencv-python wheel
  (`cv2.data.haarcascades`); nothing is downloaded.
- Colour: the share of pixels with visible chroma (CIELAB a*, b*), so a grey picture saved as
  RGB, with JPEG's faint colour noise, still counts as grey.
- Blur: the variance of the Laplacian (Pech-Pacheco et al., 2000) of the grey image scaled to
  a fixed size, measured on the face when one is found (a plain backdrop is smooth by nature).

Thresholds were set on the project's own evaluation set (docs/precheck.md).
"""

from __future__ import annotations

import functools
from pathlib import Path

import cv2
import numpy as np

from loket.domain.precheck import PhotoQuality

CASCADE = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"  # type: ignore[attr-defined]  # cv2.data has no stubs
# The image is scaled so its longer side is this long before the face and blur measures, so
# the figures do not depend on the camera's resolution.
MEASURE_SIDE = 512
# A face must be at least this share of the image's shorter side: the child's photo is
# mostly face, while the small face on a KTP-el and the patterns of printed forms stay below
# it (measured on the evaluation set: no face found on any KK or akta).
MIN_FACE_SHARE = 0.25
# Extra tilts (degrees) tried when no upright face is found.
TILTS = (-8, 8)
# Chroma (CIELAB distance from grey) above which a pixel has colour, and the share of such
# pixels above which the image is a colour picture.
CHROMA = 12.0
COLOUR_SHARE = 0.05
# Below this variance of the Laplacian, the photo is blurred.
SHARPNESS_MIN = 10.0


@functools.cache
def _cascade() -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(str(CASCADE))
    if cascade.empty():  # pragma: no cover - the wheel ships it
        raise RuntimeError(f"OpenCV face cascade missing: {CASCADE}")
    return cascade


def _scaled(image: np.ndarray, side: int = MEASURE_SIDE) -> np.ndarray:
    height, width = image.shape[:2]
    scale = side / max(height, width)
    return cv2.resize(
        image, (max(1, round(width * scale)), max(1, round(height * scale))), interpolation=cv2.INTER_AREA
    )


def faces(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Frontal faces (x, y, w, h) on a grey image already scaled to MEASURE_SIDE.

    The cascade finds upright faces; a photo taken at a slant is tried again turned by
    TILTS degrees either way (boxes then are in the turned image, close enough for the
    blur and colour measures around the face)."""
    smallest = max(24, int(min(grey.shape[:2]) * MIN_FACE_SHARE))
    height, width = grey.shape[:2]
    for tilt in (0, *TILTS):
        turned = grey
        if tilt:
            matrix = cv2.getRotationMatrix2D((width / 2, height / 2), tilt, 1.0)
            turned = cv2.warpAffine(grey, matrix, (width, height), borderMode=cv2.BORDER_REPLICATE)
        found = _cascade().detectMultiScale(
            turned, scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest)
        )
        if len(found):
            return [tuple(int(v) for v in f) for f in found]  # type: ignore[misc]  # rows of four ints
    return []


def colourful(rgb: np.ndarray) -> bool:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB).astype(np.float32)
    chroma = np.hypot(lab[..., 1] - 128.0, lab[..., 2] - 128.0)
    return float((chroma > CHROMA).mean()) > COLOUR_SHARE


def sharpness(grey: np.ndarray) -> float:
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def photo_quality(rgb: np.ndarray) -> PhotoQuality:
    small = _scaled(rgb)
    grey = cv2.cvtColor(small, cv2.COLOR_RGB2GRAY)
    found = faces(grey)
    height, width = grey.shape
    region = grey
    # Colour is judged on the picture, not on the table or wall around a photographed print:
    # the face itself (skin has colour in any colour picture), or else the middle of the image.
    if found:
        x, y, w, h = max(found, key=lambda f: f[2] * f[3])
        region = _scaled(grey[y : y + h, x : x + w], 256)
        top, bottom, left, right = y, y + h, x, x + w
    else:
        top, bottom, left, right = height // 5, height - height // 5, width // 5, width - width // 5
    measured = sharpness(region)
    return PhotoQuality(
        face=bool(found),
        colour=colourful(small[top:bottom, left:right]),
        sharpness=round(measured, 1),
        blurred=measured < SHARPNESS_MIN,
    )
