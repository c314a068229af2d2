"""Tabs of an event's management pages; each feature adds its own from its routes module."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Tab:
    endpoint: str
    label: object
    perm: str = "manage"
    order: int = 50


EVENT_TABS: list[Tab] = [Tab("events.manage_detail", _l("Ringkasan"), "checkin", 0)]


def add_event_tab(endpoint: str, label, perm: str = "manage", order: int = 50) -> None:
    """Register a tab (idempotent, so re-importing a routes module adds nothing)."""
    if all(t.endpoint != endpoint for t in EVENT_TABS):
        EVENT_TABS.append(Tab(endpoint, label, perm, order))
        EVENT_TABS.sort(key=lambda t: t.order)
