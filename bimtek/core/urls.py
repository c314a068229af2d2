"""Where a redirect may go: only back to a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit


def safe_next(target: str | None, default: str) -> str:
    """`target` when it is a plain path on this site, else `default` (never an open redirect).

    Browsers drop tabs and newlines and read a backslash as a slash, so "/\\tevil.example" or
    "/\\evil.example" would leave the site: anything with control characters, a backslash, a scheme or a
    host is refused.
    """
    if not target or any(ord(ch) < 32 or ch == "\x7f" for ch in target) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return default
    return target
