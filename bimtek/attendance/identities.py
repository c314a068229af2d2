"""Who is who in the Zoom review queue: review rows grouped into identities, one per person.

The same email is one person. A name without an email (a Zoom guest) joins the one email identity seen
with that name in another session; when none or several emails use the name, the name is its own identity
(two different "iPhone"s with different emails are never merged through a guest row). A row with neither
an email nor a name stands alone. Pure: rows are any objects with the attributes of ``ReviewRow``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

__all__ = ["Identity", "ReviewRow", "group_rows"]


class ReviewRow(Protocol):
    """What grouping reads from a review row (attendance.models.ZoomImportRow has these)."""

    id: int
    session_id: int
    display_name: str
    original_name: str | None
    email: str | None
    link_key: str
    minutes: float
    candidate_ids: list


@dataclass(slots=True)
class Identity:
    """One person as seen in the Zoom reports (an email, else a name) with their pending rows of every session.

    ``row_id`` (the lowest row id) stands for the identity in addresses; linking or dismissing any of its
    rows resolves them all.
    """

    key: str
    row_id: int
    display_name: str
    email: str | None
    names: list[str] = field(default_factory=list)  # every other spelling seen, original names included
    minutes_by_session: dict[int, float] = field(default_factory=dict)
    row_ids: list[int] = field(default_factory=list)
    candidate_ids: list[int] = field(default_factory=list)
    link_keys: set[str] = field(default_factory=set)

    @property
    def minutes(self) -> float:
        return round(sum(self.minutes_by_session.values()), 2)


def group_rows(rows: Iterable[ReviewRow]) -> list[Identity]:
    """Group review rows by who they are: the same email is one person; a name without an email joins the
    one email identity that uses that name in another session, else it is its own identity."""
    rows = list(rows)
    emails_by_name: dict[str, set[str]] = {}
    for row in rows:
        if row.email and row.link_key:
            emails_by_name.setdefault(row.link_key, set()).add(row.email)
    groups: dict[str, Identity] = {}
    for row in sorted(rows, key=lambda r: r.id):
        if row.email:
            key = f"email:{row.email}"
        elif len(emails_by_name.get(row.link_key, ())) == 1:
            key = f"email:{next(iter(emails_by_name[row.link_key]))}"
        elif row.link_key:
            key = f"name:{row.link_key}"
        else:
            key = f"row:{row.id}"
        group = groups.get(key)
        if group is None:
            group = groups[key] = Identity(key, row.id, row.display_name, row.email)
        for name in (row.display_name, row.original_name):
            if name and name != group.display_name and name not in group.names:
                group.names.append(name)
        group.email = group.email or row.email
        by_session = group.minutes_by_session
        by_session[row.session_id] = round(by_session.get(row.session_id, 0) + (row.minutes or 0), 2)
        group.row_ids.append(row.id)
        group.candidate_ids += [c for c in row.candidate_ids or [] if c not in group.candidate_ids]
        if row.link_key:
            group.link_keys.add(row.link_key)
    return sorted(groups.values(), key=lambda g: (g.display_name.casefold(), g.row_id))
