"""The organizer's own words in the laporan kegiatan: one row per event, saved from the Laporan tab."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Text
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.time import utcnow
from bimtek.extensions import db

# The narrative sections, in the order the laporan prints them (data sections sit in between).
NARRATIVE_SECTIONS = ("basis", "background", "purpose", "participants", "results", "conclusions", "closing")


class ReportNarrative(db.Model):
    """Dasar pelaksanaan, latar belakang, maksud dan tujuan, peserta, hasil, kesimpulan dan saran, penutup.

    An empty section prints the default generated from the event's data, so a laporan is complete
    before anyone writes a word.
    """

    __tablename__ = "report_narratives"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), unique=True)
    basis: Mapped[str] = mapped_column(Text, default="")
    background: Mapped[str] = mapped_column(Text, default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    conclusions: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ReportNarrative event={self.event_id}>"
