"""Keeping the search words of registrations (registration_words) in step with their name and instansi."""

from __future__ import annotations

from sqlalchemy import delete

from bimtek.extensions import db
from bimtek.registration.models import RegistrationWord
from bimtek.registration.names import name_search_key
from bimtek.registration.names import search_words as words

NAME, INSTITUTION = "n", "i"


def rows_for(registration_id: int, event_id: int, full_name: str, institution_name: str) -> list[dict]:
    """The word rows of one registration, each with the name key the participant list sorts by."""
    name_key = name_search_key(full_name)
    return [
        {"registration_id": registration_id, "event_id": event_id, "part": part, "word": word, "name_key": name_key}
        for part, text in ((NAME, full_name), (INSTITUTION, institution_name))
        for word in words(text)
    ]


def index(registration_id: int, event_id: int, full_name: str, institution_name: str, *, new: bool = False) -> None:
    """(Re)write the words of one registration (``new``: it has none yet, so there is nothing to delete)."""
    if not new:
        db.session.execute(
            delete(RegistrationWord.__table__).where(RegistrationWord.__table__.c.registration_id == registration_id)
        )
    rows = rows_for(registration_id, event_id, full_name, institution_name)
    if rows:
        db.session.execute(RegistrationWord.__table__.insert(), rows)


def index_many(items: list[tuple[int, int, str, str]]) -> None:
    """Write the words of many new registrations at once (an import)."""
    from bimtek.registration.services.bulk import bulk_insert

    rows = [row for item in items for row in rows_for(*item)]
    for start in range(0, len(rows), 5000):
        bulk_insert(RegistrationWord.__table__, rows[start : start + 5000])


def forget(registration_ids: list[int]) -> None:
    """Drop the words of registrations whose personal data is erased."""
    if registration_ids:
        db.session.execute(delete(RegistrationWord).where(RegistrationWord.registration_id.in_(registration_ids)))
