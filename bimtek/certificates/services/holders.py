"""Who certificates are for: eligible participants, speakers and moderators, panitia by name."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services.eligibility import eligible_registration_ids
from bimtek.certificates.services.settings import get_settings
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration

ONLINE_PLACE = "secara daring melalui Zoom"


@dataclass(frozen=True)
class Holder:
    """Someone a certificate is for: a participant (by registration) or a speaker/panitia (by name)."""

    role: str
    key: str
    name: str
    registration_id: int | None = None
    place_text: str | None = None  # None: the event's venue
    outcome_line: str = ""  # the post-test score or predikat, when the settings print one


def name_key(name: str) -> str:
    """Identity of a speaker or panitia member by name (case- and width-insensitive)."""
    text = unicodedata.normalize("NFKC", name).casefold()
    return "name:" + " ".join(text.split())[:200]


def participant_holders(event: Event, registration_ids: Iterable[int] | None = None) -> list[Holder]:
    """Eligible participants (optionally only some of them), in registration order."""
    eligible = eligible_registration_ids(event)
    if registration_ids is not None:
        eligible &= {int(i) for i in registration_ids}
    if not eligible:
        return []
    rows = db.session.execute(
        select(Registration.id, Registration.full_name, Registration.mode)
        .where(Registration.event_id == event.id, Registration.id.in_(eligible))
        .order_by(Registration.created_at, Registration.id)
    )
    lines = outcome_lines(event, eligible)
    return [
        Holder("peserta", f"reg:{rid}", name, rid, ONLINE_PLACE if mode == "online" else None, lines.get(rid, ""))
        for rid, name, mode in rows
    ]


def _score_text(score: float) -> str:
    text = f"{score:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def outcome_lines(event: Event, registration_ids: Iterable[int]) -> dict[int, str]:
    """{registration id: the line printed under the name} per the settings' print_outcome (none: {}).

    Read through the learning feature's public queries; a participant without a post-test score gets none.
    """
    choice = get_settings(event).print_outcome or "none"
    if choice == "none":
        return {}
    from bimtek.learning import queries as learning

    scores = learning.scores_for(event)
    out = {}
    for rid in registration_ids:
        score, predikat = learning.predikat_for(event, rid, scores)
        if choice == "score" and score is not None:
            out[rid] = f"Nilai post-test: {_score_text(score)}"
        elif choice == "predikat" and predikat:
            out[rid] = f"Predikat: {predikat}"
    return out


def speaker_holders(event: Event, roles: Iterable[str] = ("narasumber", "moderator")) -> list[Holder]:
    """One holder per distinct speaker name and role across the agenda (a moderator of two sessions once).

    The signatory is never among them: he does not certify himself, whether the agenda lists him by name or
    only by his jabatan (a job title is not a name to print after "diberikan kepada").
    """
    settings = get_settings(event)
    signatory = {name_key(t) for t in (settings.signatory_name, settings.signatory_title) if (t or "").strip()}
    out: dict[tuple[str, str], Holder] = {}
    for session in event.sessions:
        for sp in session.speakers:
            if sp.role in roles and name_key(sp.name) not in signatory:
                out.setdefault((sp.role, name_key(sp.name)), Holder(sp.role, name_key(sp.name), sp.name.strip()))
    return list(out.values())


def panitia_holders(names: Iterable[str]) -> list[Holder]:
    """Holders for panitia names typed by the organizer (one per line); raise Invalid on bad names."""
    out: dict[str, Holder] = {}
    for raw in names:
        name = " ".join(unicodedata.normalize("NFC", str(raw)).split())
        if not name:
            continue
        if len(name) > 200 or not any(ch.isalpha() for ch in name):
            raise Invalid("invalid", "Nama panitia tidak valid.", fields={"names": f"Nama tidak valid: {name[:40]}"})
        out.setdefault(name_key(name), Holder("panitia", name_key(name), name))
    return list(out.values())


def holders_for(event: Event, scope: str, *, registration_ids=None, names=None) -> list[Holder]:
    """Who a job issues for: all eligible participants, some of them, the speakers, or panitia."""
    if scope == "eligible":
        return participant_holders(event)
    if scope == "selected":
        return participant_holders(event, registration_ids or [])
    if scope == "speakers":
        return speaker_holders(event)
    if scope == "panitia":
        return panitia_holders(names or [])
    raise Invalid("invalid", "Cakupan penerbitan tidak dikenal.", fields={"scope": "Tidak dikenal."})


def current_keys(event: Event, holders: list[Holder]) -> set[tuple[str, str]]:
    """(role, holder key) of the given holders that already have a current certificate."""
    if not holders:
        return set()
    keys = {h.key for h in holders}
    rows = db.session.execute(
        select(Certificate.role, Certificate.holder_key).where(
            Certificate.event_id == event.id, Certificate.current_flag.is_(True), Certificate.holder_key.in_(keys)
        )
    )
    return {(r, k) for r, k in rows}


def pending_holders(event: Event, holders: list[Holder]) -> list[Holder]:
    """The holders that still have no current certificate."""
    done = current_keys(event, holders)
    return [h for h in holders if (h.role, h.key) not in done]
