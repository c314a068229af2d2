"""The organizer profile: one per organizing unit, picked by each event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from bimtek.core.time import utcnow
from bimtek.extensions import db


class OrganizerProfile(db.Model):
    """Kop lines, address and contacts, logo, and the default signatories (kepala/pejabat, ketua panitia)."""

    __tablename__ = "organizer_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)  # how organizers pick it
    parent_line: Mapped[str] = mapped_column(String(200))  # KEMENTERIAN ... REPUBLIK INDONESIA
    unit_line: Mapped[str] = mapped_column(String(200), default="")  # DIREKTORAT JENDERAL ...
    sub_unit_line: Mapped[str] = mapped_column(String(200), default="")  # DIREKTORAT ...
    address: Mapped[str] = mapped_column(String(300), default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    phone: Mapped[str] = mapped_column(String(80), default="")
    website: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    logo_type: Mapped[str] = mapped_column(String(20), default="")
    head_title: Mapped[str] = mapped_column(String(200), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_nip: Mapped[str] = mapped_column(String(18), default="")
    chair_title: Mapped[str] = mapped_column(String(200), default="Ketua Panitia")
    chair_name: Mapped[str] = mapped_column(String(200), default="")
    chair_nip: Mapped[str] = mapped_column(String(18), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<OrganizerProfile {self.id} {self.name!r}>"
