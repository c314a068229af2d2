"""The materials feature's public read API (plain values out), e.g. for a report's download figures."""

from __future__ import annotations

from sqlalchemy import func, select

from bimtek.extensions import db
from bimtek.materials.models import Material

__all__ = ["download_totals"]


def download_totals(event_id: int) -> dict:
    """{"materials": n, "downloads": total} of an event."""
    n, total = db.session.execute(
        select(func.count(Material.id), func.coalesce(func.sum(Material.download_count), 0)).where(
            Material.event_id == event_id
        )
    ).one()
    return {"materials": int(n), "downloads": int(total)}
