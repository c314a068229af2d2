"""The participant list's search: one function for the organizer list, the API, exports and the scanner.

Free text in "auto" mode matches the start of any word of the name or the instansi (accent- and
case-insensitive, through registration_words), or a registration code, an email or a NIP when the text
looks like one. Choosing a field searches that field from its start. Every branch is an index range on
both databases; tests/integration/test_registration_manage.py checks the plans.
"""

from __future__ import annotations

from sqlalchemy import and_, false, func, intersect, select, union

from bimtek.core.codes import normalize_code
from bimtek.core.pages import Page
from bimtek.events.models import MODES
from bimtek.extensions import db
from bimtek.registration.models import INSTITUTION_TYPES, STATUSES, Registration, RegistrationWord
from bimtek.registration.names import name_search_key
from bimtek.registration.names import search_words as words
from bimtek.registration.services import word_search

SEARCH_FIELDS = ("auto", "name", "email", "nip", "institution", "code")
_TOP = "\U0010ffff"


def _prefix(col, prefix: str, *, collate: bool = True):
    """`col` starts with `prefix`, as an index-friendly range in code-point order."""
    if collate and db.engine.dialect.name == "postgresql":
        col = col.collate("C")
    return and_(col >= prefix, col < prefix + _TOP)


def _name_order():
    col = Registration.name_key
    return col.collate("C") if db.engine.dialect.name == "postgresql" else col


def word_ids(event_id: int, text: str, parts: tuple[str, ...] = ("n", "i")):
    """Ids of registrations where each word of `text` starts some word of the name or instansi; None if no word.

    One subquery (an INTERSECT of one index range per typed word), so the database can hash it once.
    """
    subs = []
    for term in words(text):
        sub = select(RegistrationWord.registration_id).where(
            RegistrationWord.event_id == event_id,
            RegistrationWord.word >= term,
            RegistrationWord.word < term + _TOP,
        )
        if parts != ("n", "i"):
            sub = sub.where(RegistrationWord.part.in_(parts))
        subs.append(sub)
    if not subs:
        return None
    return subs[0] if len(subs) == 1 else intersect(*subs)


def search_conditions(event_id: int, args: dict) -> list:
    """WHERE conditions for the participant list: free text (by field) and filters."""
    conds = [Registration.event_id == event_id]
    q = (args.get("q") or "").strip()
    field = args.get("field") or "auto"
    if field not in SEARCH_FIELDS:
        field = "auto"
    if q:
        digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
        code = normalize_code(q)
        if field == "auto":
            if "@" in q:
                field = "email"
            elif digits and len(digits) >= 3 and all(ch.isdigit() or ch in " .-" for ch in q):
                field = "nip"
        if field == "email":
            conds.append(_prefix(Registration.email_key, q.lower()))
        elif field == "nip":
            # Digits sort the same in every collation: the unique (event, NIP) index serves this.
            conds.append(_prefix(Registration.nip, digits or q, collate=False))
        elif field == "code":
            conds.append(Registration.code == (code or q.upper()))
        elif field == "institution":
            conds.append(_prefix(func.lower(Registration.institution_name), q.lower()))
        elif field == "name":
            conds.append(_prefix(Registration.name_key, name_search_key(q)))
        else:
            ids = word_ids(event_id, q)
            if code:
                # A typed code joins the word matches inside the one subquery (an OR here would defeat the indexes).
                by_code = select(Registration.id).where(Registration.event_id == event_id, Registration.code == code)
                ids = by_code if ids is None else union(ids, by_code)
            conds.append(Registration.id.in_(ids) if ids is not None else false())
    return conds + filter_conditions(args)


def filter_conditions(args: dict) -> list:
    """WHERE conditions for the list's filters (status, mode, instansi type, province)."""
    conds = []
    for name, col, allowed in (
        ("status", Registration.status, STATUSES),
        ("mode", Registration.mode, MODES),
        ("institution_type", Registration.institution_type, INSTITUTION_TYPES),
    ):
        value = args.get(name)
        if value in allowed:
            conds.append(col == value)
    province = args.get("province_code")
    if province:
        conds.append(Registration.province_code == str(province))
    return conds


COUNT_CAP = word_search.COUNT_SCAN


def _any_word_query(args: dict) -> tuple[list[str], str | None] | None:
    """(typed words, typed code or None) when `args` is a free-text "any word" search, else None."""
    q = (args.get("q") or "").strip()
    field = args.get("field") or "auto"
    if not q or (field != "auto" and field in SEARCH_FIELDS):
        return None
    digits = "".join(ch for ch in q if ch.isascii() and ch.isdigit())
    if "@" in q or (digits and len(digits) >= 3 and all(ch.isdigit() or ch in " .-" for ch in q)):
        return None
    terms = words(q)
    code = normalize_code(q)
    return (terms, code) if terms or code else None


def word_page(event_id: int, text: str, *, limit: int = 50, offset: int = 0):
    """The SELECT of one page of "any word" matches for `text`, in name order (for EXPLAIN in tests and bench)."""
    any_word = _any_word_query({"q": text})
    if any_word is None:
        raise ValueError("not an any-word search")
    return word_search.page_select(event_id, *any_word, [], offset=offset, per_page=limit)


def search_page(event_id: int, args: dict, *, page: int = 1, per_page: int = 50, count: bool = True) -> Page:
    """One page of the participant list, sorted by name, as a Page (items, has_next, total, exact).

    Only the page's registrations are loaded. The count stops early (COUNT_CAP rows read): past that,
    `total` is a lower bound and `exact` is False ("lebih dari ..."); `count=False` skips counting past the page.
    """
    any_word = _any_word_query(args)
    if any_word is not None:
        found = word_search.find_page(
            event_id, *any_word, filter_conditions(args), page=page, per_page=per_page, count=count
        )
        by_id = registrations_by_id(found.ids)
        rows = [by_id[i] for i in found.ids if i in by_id]
        return Page(rows, page=page, per_page=per_page, total=found.total, exact=found.exact, has_next=found.has_next)
    conds = search_conditions(event_id, args)
    rows = list(db.session.scalars(
        select(Registration).where(*conds).order_by(_name_order(), Registration.id)
        .limit(per_page + 1).offset((page - 1) * per_page)
    ))  # fmt: skip
    has_next = len(rows) > per_page
    rows = rows[:per_page]
    seen = (page - 1) * per_page + len(rows)
    if not has_next and (rows or page == 1):
        return Page(rows, page=page, per_page=per_page, total=seen)  # the last page: no count query needed
    if not count:
        return Page(rows, page=page, per_page=per_page, total=seen + has_next, exact=False, has_next=has_next)
    capped = select(Registration.id).where(*conds).limit(COUNT_CAP + 1).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    exact = total <= COUNT_CAP
    return Page(rows, page=page, per_page=per_page, total=total if exact else max(total, seen + has_next),
                exact=exact, has_next=has_next)  # fmt: skip


def search(event_id: int, args: dict, *, page: int = 1, per_page: int = 50) -> tuple[list[Registration], int]:
    """(rows of one page, number of matches): the number is exact up to COUNT_CAP, else a lower bound."""
    found = search_page(event_id, args, page=page, per_page=per_page)
    return found.items, found.total


def registrations_by_id(ids: list[int]) -> dict[int, Registration]:
    """Registrations by id, in one query (missing ids are left out)."""
    if not ids:
        return {}
    return {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(ids)))}


def counts(event_id: int) -> dict[str, dict[str, int]]:
    """Registrations per status and mode: {"confirmed": {"onsite": 40, "online": 380}, ...}."""
    out: dict[str, dict[str, int]] = {s: {m: 0 for m in MODES} for s in STATUSES}
    rows = db.session.execute(
        select(Registration.status, Registration.mode, func.count())
        .where(Registration.event_id == event_id)
        .group_by(Registration.status, Registration.mode)
    )
    for status, mode, n in rows:
        out.setdefault(status, {}).setdefault(mode, 0)
        out[status][mode] = n
    return out


def find_participants(event_id: int, text: str, *, limit: int = 20) -> list[Registration]:
    """Registrations whose name or instansi has a word starting with each word of `text`, or with that code.

    The same search as the participant list's "auto" mode, for the check-in desk when a QR will not read.
    """
    text = (text or "").strip()
    if len(text) < 2:
        return []
    return search_page(event_id, {"q": text}, per_page=limit, count=False).items
