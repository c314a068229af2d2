"""One page of the "any word" participant search, read from the word index and stopped at the page.

Each typed word must start some word of the name or the instansi (registration_words). The index
(event_id, word, name_key, registration_id) holds, for one word, its people already in name order; a typed
prefix covers a few distinct words ("ma" -> "made", "maharani", "maria"), each one such ordered run. So:

1. the rarest typed word drives (a count of each range, capped at COUNT_SCAN rows, picks it); a driving
   range of at most COUNT_SCAN rows is read whole, checked, de-duplicated and sorted (one statement);
2. else its distinct words are listed by a skip scan (one index probe per word, at most MAX_WORDS);
3. each word's run gives its first `offset + per_page + 1` people in name order (an index range that stops
   at its LIMIT; other typed words and the filters are checked per row), the runs are merged and the page
   cut. Only that page's registrations are loaded.
A prefix covering more than MAX_WORDS words ("s") matches a large share of the event, so the page is read
in name order from the registrations' name index instead, checking the words per row.

The count reads at most COUNT_SCAN rows of the driving range: an exact count when the range is that
small, else a lower bound shown as "lebih dari N" (nobody needs 31,412 counted to find a name).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, or_, select, text, union_all
from sqlalchemy.orm import aliased

from bimtek.extensions import db
from bimtek.registration.models import Registration, RegistrationWord

TOP = "\U0010ffff"
MAX_WORDS = 64
COUNT_SCAN = 1_000

_SKIP_SCAN = text(
    """
    WITH RECURSIVE w(word, n) AS (
      SELECT (SELECT word FROM registration_words
              WHERE event_id = :event_id AND word >= :lo AND word < :hi ORDER BY word LIMIT 1), 1
      UNION ALL
      SELECT (SELECT r.word FROM registration_words r
              WHERE r.event_id = :event_id AND r.word > w.word AND r.word < :hi ORDER BY r.word LIMIT 1), w.n + 1
      FROM w WHERE w.word IS NOT NULL AND w.n <= :most
    )
    SELECT word FROM w WHERE word IS NOT NULL
    """
)


@dataclass
class WordPage:
    """Ids of one page in name order, whether another page follows, and the count (exact or a lower bound)."""

    ids: list[int]
    has_next: bool
    total: int
    exact: bool


def _in_range(col, term: str):
    return and_(col >= term, col < term + TOP)


def _name_key():
    col = Registration.name_key
    return col.collate("C") if db.engine.dialect.name == "postgresql" else col


def distinct_words(event_id: int, term: str, most: int = MAX_WORDS) -> list[str]:
    """The distinct stored words starting with `term` (at most `most` + 1, so "more than most" shows)."""
    rows = db.session.execute(_SKIP_SCAN, {"event_id": event_id, "lo": term, "hi": term + TOP, "most": most})
    return [r[0] for r in rows]


def _capped_rows(event_id: int, term: str, cap: int = COUNT_SCAN) -> int:
    inner = (
        select(literal(1))
        .select_from(RegistrationWord)
        .where(RegistrationWord.event_id == event_id, _in_range(RegistrationWord.word, term))
        .limit(cap + 1)
        .subquery()
    )
    return db.session.scalar(select(func.count()).select_from(inner)) or 0


def _others(row_id, terms: list[str]) -> list:
    """Every other typed word starts some word of the same registration (its primary-key range)."""
    conds = []
    for term in terms:
        other = aliased(RegistrationWord)
        # SELECT of an indexed column, not "*": SQLite then reads the primary-key index alone.
        conds.append(select(other.word).where(other.registration_id == row_id, _in_range(other.word, term)).exists())
    return conds


def _filtered(row_id, filters: list):
    """The list's filters (status, mode, ...) on the registration of a word row, as one EXISTS."""
    return select(Registration.id).where(Registration.id == row_id, *filters).exists()


def _runs(event_id: int, words: list[str], rest: list[str], filters: list, code: str | None, k: int):
    """The first k people of each word's run (name order), plus the typed code's registration, as one UNION ALL."""
    parts = []
    for word in words:
        rw = aliased(RegistrationWord)
        run = select(rw.name_key.label("key"), rw.registration_id.label("rid")).where(
            rw.event_id == event_id, rw.word == word, *_others(rw.registration_id, rest)
        )
        if filters:
            run = run.where(_filtered(rw.registration_id, filters))
        run = run.distinct().order_by(rw.name_key, rw.registration_id).limit(k).subquery()
        parts.append(select(run.c.key, run.c.rid))
    if code:
        parts.append(_code_row(event_id, code, filters))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _page_from_runs(event_id, words, rest, filters, code, offset: int, limit: int):
    merged = _runs(event_id, words, rest, filters, code, offset + limit).subquery()
    return (
        select(merged.c.rid)
        .group_by(merged.c.key, merged.c.rid)
        .order_by(merged.c.key, merged.c.rid)
        .limit(limit)
        .offset(offset)
    )


def _page_of_small_range(event_id, drive, rest, filters, code, offset: int, limit: int):
    """All of a small driving range (at most COUNT_SCAN rows), checked, de-duplicated and sorted: one statement
    whatever the number of words the prefix covers ("4321" covers 4321 and 43210..43219)."""
    rw = aliased(RegistrationWord)
    hits = select(rw.name_key.label("key"), rw.registration_id.label("rid")).where(
        rw.event_id == event_id, _in_range(rw.word, drive), *_others(rw.registration_id, rest)
    )
    if filters:
        hits = hits.where(_filtered(rw.registration_id, filters))
    if code:
        hits = union_all(hits, _code_row(event_id, code, filters))
    merged = hits.subquery()
    return (
        select(merged.c.rid)
        .group_by(merged.c.key, merged.c.rid)
        .order_by(merged.c.key, merged.c.rid)
        .limit(limit)
        .offset(offset)
    )


def _code_row(event_id: int, code: str, filters: list):
    return select(_name_key().label("key"), Registration.id.label("rid")).where(
        Registration.event_id == event_id, Registration.code == code, *filters
    )


def _page_in_name_order(event_id, terms, filters, code, offset: int, limit: int):
    words_match = and_(*_others(Registration.id, terms))
    match = or_(words_match, Registration.code == code) if code else words_match
    return (
        select(Registration.id)
        .where(Registration.event_id == event_id, match, *filters)
        .order_by(_name_key(), Registration.id)
        .limit(limit)
        .offset(offset)
    )


def _plan(event_id: int, terms: list[str]) -> tuple[str, str | None, list[str], list[str]]:
    """(how to read the page, driving typed word, the other typed words, the driving word's stored words).

    "small": the driving range has at most COUNT_SCAN rows, read whole; "runs": one ordered run per stored
    word; "names": too many stored words, read in name order; "none": nothing typed to match words with.
    """
    if not terms:
        return "none", None, [], []
    sizes = {t: _capped_rows(event_id, t) for t in terms}
    drive = min(terms, key=lambda t: (sizes[t], -len(t)))
    rest = [t for t in terms if t != drive]
    if sizes[drive] <= COUNT_SCAN:
        return "small", drive, rest, []
    words = distinct_words(event_id, drive)
    return ("runs" if len(words) <= MAX_WORDS else "names"), drive, rest, words


def _page_query(event_id: int, terms: list[str], code: str | None, filters: list, offset: int, limit: int):
    how, drive, rest, words = _plan(event_id, terms)
    if how == "small":
        q = _page_of_small_range(event_id, drive, rest, filters, code, offset, limit)
    elif how == "runs":
        q = _page_from_runs(event_id, words, rest, filters, code, offset, limit)
    elif how == "names":
        q = _page_in_name_order(event_id, terms, filters, code, offset, limit)
    else:
        q = _code_row(event_id, code, filters).with_only_columns(Registration.id) if code else None
    return q, drive, rest


def page_select(event_id: int, terms: list[str], code: str | None, filters: list, *, offset: int, per_page: int):
    """The SELECT of the ids of one page (plus one more row, to tell whether a next page exists), or None."""
    return _page_query(event_id, terms, code, filters, offset, per_page + 1)[0]


def _count(event_id: int, drive: str, rest: list[str], filters: list, code: str | None) -> tuple[int, bool]:
    """(people matching among the first COUNT_SCAN + 1 rows of the driving range, whether that was all of it).

    People, not rows: one person may have two words in the range (name "Maharani", instansi
    "Mahasaraswati" for "maha"), hence the DISTINCT, over at most COUNT_SCAN + 1 rows.
    """
    rw = aliased(RegistrationWord)
    scanned = (
        select(rw.registration_id.label("rid"))
        .where(rw.event_id == event_id, _in_range(rw.word, drive))
        .limit(COUNT_SCAN + 1)
        .subquery()
    )
    conds = _others(scanned.c.rid, rest)
    if filters:
        conds.append(_filtered(scanned.c.rid, filters))
    person = case((and_(*conds), scanned.c.rid)) if conds else scanned.c.rid
    rows, matches = db.session.execute(select(func.count(), func.count(person.distinct())).select_from(scanned)).one()
    complete = rows <= COUNT_SCAN
    if code:
        hit = db.session.scalar(
            select(Registration.id).where(Registration.event_id == event_id, Registration.code == code, *filters)
        )
        if hit is not None:
            also_words = db.session.scalar(select(and_(*_others(literal(hit), [drive, *rest]))))
            matches += 0 if also_words else 1
    return int(matches), complete


def find_page(
    event_id: int, terms: list[str], code: str | None, filters: list, *, page: int, per_page: int, count: bool = True
) -> WordPage:
    """One page of people matching every typed word (and the typed code, if any), in name order."""
    offset = (page - 1) * per_page
    q, drive, rest = _page_query(event_id, terms, code, filters, offset, per_page + 1)
    ids = list(db.session.scalars(q)) if q is not None else []
    has_next = len(ids) > per_page
    ids = ids[:per_page]
    seen = offset + len(ids) + (1 if has_next else 0)
    if not has_next and (ids or page == 1):
        return WordPage(ids, False, offset + len(ids), True)  # the last page: the count is known
    if not count or drive is None:
        return WordPage(ids, has_next, seen, False)
    matches, complete = _count(event_id, drive, rest, filters, code)
    if complete:
        return WordPage(ids, has_next, matches, True)
    return WordPage(ids, has_next, max(matches, seen), False)
