"""Where the gettext catalogs live: the app's (translations/) and each feature's (bimtek/<feature>/translations/)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def catalog_dirs() -> list[Path]:
    """Every catalog directory, as the Makefile's `translations` target compiles them."""
    return [ROOT / "translations", *sorted(ROOT.glob("bimtek/*/translations"))]


def catalogs() -> list[Path]:
    """All messages.po files of the project."""
    return [po for directory in catalog_dirs() for po in sorted(directory.glob("*/LC_MESSAGES/messages.po"))]
