"""Masking of identity numbers for lists and exports: only the region and the serial show."""

from __future__ import annotations

import re


def mask_number(value: str) -> str:
    """'3603035512180003' -> '3603 •••• •••• 0003'; other values keep only their last 4."""
    digits = re.sub(r"\D", "", value or "")
    if len(digits) == 16:
        return f"{digits[:4]} •••• •••• {digits[-4:]}"
    if not value:
        return ""
    return f"•••• {value[-4:]}" if len(value) > 4 else "••••"
