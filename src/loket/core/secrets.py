"""The secret key for the embedded set-up: generated once into LOKET_DATA_DIR."""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def ensure_secret_key(data_dir: Path) -> str:
    """Return LOKET_SECRET_KEY, creating (and keeping) one under data_dir for demos."""
    if os.environ.get("LOKET_SECRET_KEY"):
        return os.environ["LOKET_SECRET_KEY"]
    path = data_dir / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    key = path.read_text().strip()
    os.environ["LOKET_SECRET_KEY"] = key
    return key
