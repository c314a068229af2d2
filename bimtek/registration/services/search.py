"""The participant list's search: one function for the organizer list, the API, exports and the scanner.

Free text in "auto" mode matches the start of any word of the name or the instansi (accent- and
case-insensitive, through registration_words), or a registration code, an email or a NIP when the text
looks like one. Choosing a field searches that field from its start. Every branch is an index range on
both databases; tests/integration/test_registration_manage.py checks the plans.
"""

from __future__ import annotations

from sqlalchemy import and_, exists, false, func, intersect, literal, select, union
from sqlalchemy.orm import aliased

from bimtek.core.codes import normalize_code
from bimtek.events.models import MODES
from bimtek.extensions import db
from bimtek.registration.models import INSTITUTION_TYPES, STATUSES, Registration, RegistrationWord
from bimtek.registration.names import name_search_key
from bimtek.registration.names import search_words as words

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


COUNT_CAP = 1_000


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
    # One typed word only: measured under load, the EXISTS form for several words was slower on SQLite than
    # the INTERSECT of search_conditions, so several words keep that path.
    return (terms, normalize_code(q)) if len(terms) == 1 else None


def _word_matches(event_id: int, terms: list[str], code: str | None, filters: list):
    """(registration_id, name_key) of every match, DISTINCT, ready to be ordered by name from the index.

    The longest typed word drives: its range of (event_id, word, name_key, registration_id) yields the
    candidates with their sort key, with no visit to registrations; every other word must start some word
    of the same registration (an EXISTS that is its own index range, so either side can drive). A typed code joins as one more row.
    """
    drive = aliased(RegistrationWord)
    first, *rest = sorted(terms, key=len, reverse=True)
    q = select(drive.registration_id.label("rid"), drive.name_key.label("key")).where(
        drive.event_id == event_id, drive.word >= first, drive.word < first + _TOP
    )
    for term in rest:
        other = aliased(RegistrationWord)
        q = q.where(
            exists().where(
                other.registration_id == drive.registration_id,
                other.event_id == event_id,
                other.word >= term,
                other.word < term + _TOP,
            )
        )
    if filters:
        q = q.join(Registration, Registration.id == drive.registration_id).where(*filters)
    q = q.distinct()
    if code:
        key = Registration.name_key.collate("C") if db.engine.dialect.name == "postgresql" else Registration.name_key
        by_code = select(Registration.id.label("rid"), key.label("key")).where(
            Registration.event_id == event_id, Registration.code == code, *filters
        )
        q = union(q, by_code)
    return q.subquery()


def word_page(event_id: int, text: str, *, limit: int = 50, offset: int = 0):
    """SELECT of the ids of one page of "any word" matches for `text`, in name order (for EXPLAIN in tests)."""
    any_word = _any_word_query({"q": text})
    if any_word is None:
        raise ValueError("not an any-word search")
    matches = _word_matches(event_id, *any_word, [])
    return select(matches.c.rid).order_by(matches.c.key, matches.c.rid).limit(limit).offset(offset)


def _search_words(event_id, terms, code, filters, *, page: int, per_page: int):
    matches = _word_matches(event_id, terms, code, filters)
    ids = list(db.session.scalars(
        select(matches.c.rid).order_by(matches.c.key, matches.c.rid).limit(per_page).offset((page - 1) * per_page)
    ))  # fmt: skip
    by_id = {r.id: r for r in db.session.scalars(select(Registration).where(Registration.id.in_(ids)))} if ids else {}
    rows = [by_id[i] for i in ids if i in by_id]
    if len(rows) < per_page and (rows or page == 1):
        return rows, (page - 1) * per_page + len(rows)
    capped = select(literal(1)).select_from(matches).limit(COUNT_CAP + 1).subquery()
    return rows, db.session.scalar(select(func.count()).select_from(capped)) or 0


def search(event_id: int, args: dict, *, page: int = 1, per_page: int = 50) -> tuple[list[Registration], int]:
    """One page of the participant list (sorted by name) and the number of matches.

    The count stops at COUNT_CAP + 1 so a broad search stays fast at 100,000 registrations; a total above
    COUNT_CAP means "more than COUNT_CAP".
    """
    any_word = _any_word_query(args)
    if any_word is not None:
        return _search_words(event_id, *any_word, filter_conditions(args), page=page, per_page=per_page)
    conds = search_conditions(event_id, args)
    rows = list(db.session.scalars(
        select(Registration).where(*conds).order_by(_name_order(), Registration.id)
        .limit(per_page).offset((page - 1) * per_page)
    ))  # fmt: skip
    if len(rows) < per_page and (rows or page == 1):
        return rows, (page - 1) * per_page + len(rows)  # the last page: no count query needed
    capped = select(Registration.id).where(*conds).limit(COUNT_CAP + 1).subquery()
    return rows, db.session.scalar(select(func.count()).select_from(capped)) or 0


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
    return search(event_id, {"q": text}, per_page=limit)[0]
