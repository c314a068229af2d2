"""Compile every gettext catalog (the app's and each feature's) to .mo; used by `make` and the tests."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent


def catalogs() -> list[Path]:
    """All messages.po files of the project."""
    return sorted(ROOT.glob("translations/*/LC_MESSAGES/messages.po")) + sorted(
        ROOT.glob("bimtek/*/translations/*/LC_MESSAGES/messages.po")
    )


def compile_all() -> int:
    """Write each catalog's .mo when it is missing or older than its .po; returns how many were written."""
    written = 0
    for po in catalogs():
        mo = po.with_suffix(".mo")
        if mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime:
            continue
        with po.open("rb") as f:
            catalog = read_po(f)
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written += 1
    return written


if __name__ == "__main__":
    print(f"compiled {compile_all()} catalog(s)")
