"""The organizer profile as other features read it: plain kit values (Letterhead, Signatory)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bimtek.core.pdfkit import Letterhead, Signatory
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.organizers.models import OrganizerProfile


@dataclass(frozen=True)
class Organizer:
    """What documents print for an event's organizer."""

    kop: Letterhead
    city: str
    head: Signatory
    chair: Signatory
    name: str


def _from_profile(p: OrganizerProfile) -> Organizer:
    contacts = [f"Telepon {p.phone}" if p.phone else "", f"Laman {p.website}" if p.website else "",
                f"Pos-el {p.email}" if p.email else ""]  # fmt: skip
    kop = Letterhead(p.parent_line, p.unit_line, p.sub_unit_line, p.address, [c for c in contacts if c], p.logo)
    return Organizer(
        kop=kop,
        city=p.city,
        head=Signatory(p.head_title or "Kepala", p.head_name, p.head_nip),
        chair=Signatory(p.chair_title or "Ketua Panitia", p.chair_name, p.chair_nip),
        name=p.name,
    )


def for_event(event: Event) -> Organizer:
    """The event's organizer; without a profile, a kop from the event's unit (never the venue's address)."""
    if event.organizer_profile_id:
        profile = db.session.get(OrganizerProfile, event.organizer_profile_id)
        if profile is not None:
            return _from_profile(profile)
    unit = event.organizer_unit or event.title
    parts = [x.strip() for x in unit.split(",") if x.strip()]
    kop = Letterhead(parts[-1], parts[0]) if len(parts) > 1 else Letterhead(unit)
    return Organizer(kop, event.city, Signatory("Kepala"), Signatory("Ketua Panitia"), unit)


def choices() -> list[tuple[int, str]]:
    """(id, name) of every profile, for the event form's picker."""
    return [tuple(r) for r in db.session.execute(select(OrganizerProfile.id, OrganizerProfile.name)
                                                 .order_by(OrganizerProfile.name))]  # fmt: skip
