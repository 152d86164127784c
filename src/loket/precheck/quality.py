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
# A face must be at least this share of the image's shorter side (a passport-style photo
# is mostly face; a KTP-el has a small one).
MIN_FACE_SHARE = 0.12
# Chroma (CIELAB distance from grey) above which a pixel has colour, and the share of such
# pixels above which the image is a colour picture.
CHROMA = 12.0
COLOUR_SHARE = 0.05
# Below this variance of the Laplacian, the photo is blurred.
SHARPNESS_MIN = 60.0


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
    """Frontal faces (x, y, w, h) on a grey image already scaled to MEASURE_SIDE."""
    smallest = max(24, int(min(grey.shape[:2]) * MIN_FACE_SHARE))
    found = _cascade().detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5, minSize=(smallest, smallest))
    return [tuple(int(v) for v in f) for f in found]  # type: ignore[misc]  # rows of four ints


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
    region = grey
    if found:
        x, y, w, h = max(found, key=lambda f: f[2] * f[3])
        region = _scaled(grey[y : y + h, x : x + w], 256)
    measured = sharpness(region)
    return PhotoQuality(
        face=bool(found),
        colour=colourful(small),
        sharpness=round(measured, 1),
        blurred=measured < SHARPNESS_MIN,
    )
