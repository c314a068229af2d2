"""Where certificate files live: under the instance folder, by names we choose, written atomically."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import current_app

from bimtek.errors import NotFound


def instance_dir() -> Path:
    """Where uploads and issued PDFs live (the app's instance folder)."""
    return Path(current_app.instance_path)


def stored_path(relative: str) -> Path:
    """Absolute path of a file we stored under instance/ (names are ours, never user-chosen)."""
    root = instance_dir().resolve()
    path = (root / relative).resolve()
    if root not in path.parents:
        raise NotFound("not_found", "Berkas tidak ditemukan.")
    return path


def write_atomic(relative: str, data: bytes) -> None:
    """Write a file under instance/ so that readers see the old bytes or the new, never half a file."""
    path = instance_dir() / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary name: two requests repairing the same file must not write into one temp file.
    tmp = path.with_name(f"{path.name}.{secrets.token_hex(6)}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
