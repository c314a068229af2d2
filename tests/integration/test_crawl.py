"""The crawler: every role on the demo, every same-site link, in Indonesian and in English.

Each role (anonymous, a participant through their manage link, check-in staff, organizer, admin) starts
from its start pages and follows every same-site GET link it can reach (bounded per role), in both
languages. A page must not answer 5xx (nor 4xx: the app offered the link); HTML text (and the aria-label/title/alt people hear) must show no raw
code from bimtek.core.labels; in English it must show no Indonesian msgid of two words or more that the
catalogs translate. Downloads answer without 5xx, and the text of every PDF, XLSX, DOCX
and CSV is searched for raw codes too (each file once, by whichever role and language reaches it first).

One app and one demo seed (on its own SQLite file) serve the one test; pages and seconds per role and
language are printed (pytest -s). Generated files are read once, whoever reaches them first.
"""

from __future__ import annotations

import re
import time
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
from babel.messages.mofile import read_mo

from bimtek.core.labels import LABELS
from tests.catalogs import catalog_dirs

PASSWORD = "bimtek-demo-2022"
STAFF = {
    "petugas": "petugas@demo.bimtek.id",
    "panitia": "panitia@demo.bimtek.id",
    "admin": "admin@demo.bimtek.id",
}
ROLES = ("anonim", "peserta", *STAFF)
LANGUAGES = ("id", "en")
MAX_PAGES = 400
# Never followed: they end the session, switch the language or fetch static files.
SKIP_PREFIXES = ("/logout", "/lang/", "/static/", "/api/")
# Codes without "_" or "." that are no English or Indonesian word ("online" is, so it is not here).
WORD_CODES = {"onsite", "walkin", "pppk", "kabkota", "truefalse", "checkin"}
# Generated files (by their address): fetched and read by the first role and language that reaches them; the
# same file for another role or language is the same code path, so it is not generated again.
DOCUMENT_SUFFIXES = (".pdf", ".xlsx", ".docx", ".csv", ".zip", ".ics")
DOCUMENTS_SEEN: set[str] = set()


# Not read as page text: code, and what people typed themselves (a textarea holds their draft).
SILENT = ("script", "style", "template", "noscript", "textarea")


class _Page(HTMLParser):
    """Links and the text a person reads or hears (text nodes, aria-label, title, alt)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        # Inside an element marked lang="id" (an Indonesian document's text shown as it will print): its tag
        # and depth. Such text is Indonesian on purpose, in either language.
        self._indonesian: tuple[str, int] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in SILENT:
            self._skip += 1
        if self._indonesian and tag == self._indonesian[0]:
            self._indonesian = (tag, self._indonesian[1] + 1)
        elif self._indonesian is None and tag != "html" and (attrs.get("lang") or "").startswith("id"):
            self._indonesian = (tag, 1)
        if tag == "a" and attrs.get("href") and not attrs.get("download"):
            self.links.append(attrs["href"])
        if self._indonesian:
            return
        for name in ("aria-label", "title", "alt", "placeholder"):
            if attrs.get(name):
                self.text.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in SILENT and self._skip:
            self._skip -= 1
        if self._indonesian and tag == self._indonesian[0]:
            depth = self._indonesian[1] - 1
            self._indonesian = (tag, depth) if depth else None

    def handle_data(self, data):
        if not self._skip and not self._indonesian and data.strip():
            self.text.append(data)


def _codes_pattern() -> re.Pattern:
    codes = {str(c) for table in LABELS.values() for c in table if isinstance(c, str) and re.search(r"[_.]", c)}
    codes |= WORD_CODES
    alternatives = "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True))
    # A code on its own: not part of a longer word, an address, a file name or a URL.
    return re.compile(rf"(?<![\w.@/-])(?:{alternatives})(?![\w@/-]|\.\w)")


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd%]")


def _untranslated_msgids() -> dict[tuple[str, str], list[str]]:
    """Indonesian msgids (or their literal pieces) of two words or more that English does not keep, by first two words."""
    index: dict[tuple[str, str], list[str]] = {}
    for directory in catalog_dirs():
        for mo in Path(directory).glob("en/LC_MESSAGES/messages.mo"):
            with mo.open("rb") as fh:
                catalog = read_mo(fh)
            for message in catalog:
                msgid, msgstr = message.id, message.string
                if isinstance(msgid, tuple) or not msgid or not msgstr:
                    msgid, msgstr = (msgid[0], msgstr[0]) if isinstance(msgid, tuple) and msgstr else ("", "")
                # A msgid with placeholders is looked for by its literal pieces of three words or more.
                pieces = [msgid] if "%" not in msgid else [p for p in PLACEHOLDER.split(msgid) if len(p.split()) >= 3]
                for piece in pieces:
                    words = piece.strip(" ,.:;()").split()
                    text = " ".join(words)
                    # An English wording that keeps the Indonesian on purpose ("selama ... JP (JP line)": the
                    # certificate prints Indonesian) is no miss.
                    if len(words) >= 2 and text not in msgstr:
                        index.setdefault((words[0], words[1]), []).append(text)
    return index


def _user_texts(app, index: dict) -> list[str]:
    """What people typed (event descriptions, instansi names, comments) that contains a msgid's words.

    Demo content is Indonesian in both languages; these texts are taken out of a page before looking for
    untranslated msgids, so "Dinas Kominfo Kota Batam" (an instansi) is not read as the label "Dinas Kominfo".
    """
    import sqlalchemy as sa

    from bimtek.extensions import db

    found = set()
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (sa.String, sa.Text))]
            for column in columns:
                for (value,) in db.session.execute(sa.select(column).distinct()):
                    for piece in re.split(r"\n\s*\n|\r?\n", value or ""):
                        piece = " ".join(piece.split())
                        if " " in piece and _untranslated_in(piece, index, ()):
                            found.add(piece)
    return sorted(found, key=len, reverse=True)


def _untranslated_in(text: str, index: dict, user_texts) -> list[str]:
    for typed in user_texts:
        if typed in text:
            text = text.replace(typed, " ")
    words = text.split()
    found = set()
    for a, b in zip(words, words[1:], strict=False):
        for msgid in index.get((a, b), ()):
            if msgid in text:
                found.add(msgid)
    return sorted(found)


def _document_text(resp) -> str | None:
    """The words of a downloaded PDF, XLSX, DOCX or CSV (None for other files)."""
    import io

    data, kind = resp.get_data(), resp.mimetype
    if kind == "text/csv":
        return data.decode("utf-8-sig", "replace")
    if kind == "application/pdf":
        from pypdf import PdfReader

        # The first pages show every kind of line a document has (the rest repeat them for other people).
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages[:3])
    if kind.endswith("spreadsheetml.sheet"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return "\n".join(
            " ".join(str(v) for v in row if v is not None)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    if kind.endswith("wordprocessingml.document"):
        import docx

        doc = docx.Document(io.BytesIO(data))
        cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    return None


def _same_site(base: str, href: str) -> str | None:
    url, _frag = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIP_PREFIXES) else path


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory):
    """The demo on its own SQLite file: nothing shared with the other tests of this worker."""
    from bimtek import create_app, demo
    from bimtek.extensions import db
    from tests.conftest import base_config, create_schema

    folder = tmp_path_factory.mktemp("crawl")
    url = f"sqlite:///{folder / 'crawl.sqlite3'}"
    create_schema(url, folder)
    app = create_app(base_config(folder, url))
    with app.app_context():
        assert demo.seed() is True
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _participant_start(app) -> list[str]:
    """Manage links: an eligible and a not-eligible participant of the finished event (certificate, reasons,
    evaluation, presensi), and a participant of the upcoming one (ticket, change of mode, cancel)."""
    from sqlalchemy import select

    from bimtek import demo
    from bimtek.attendance import queries as attendance
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    with app.app_context():
        starts = []
        for event in db.session.scalars(select(Event).order_by(Event.id)):
            regs = db.session.scalars(
                select(Registration)
                .where(Registration.event_id == event.id, Registration.status == "confirmed")
                .order_by(Registration.id)
            ).all()
            if event.slug == demo.BATAM_SLUG:
                verdicts = attendance.final_verdicts(event)
                picked = [next(r for r in regs if verdicts.get(r.id) is v) for v in (True, False)]
            else:
                picked = regs[:1]
            starts += [f"/r/{r.manage_token}" for r in picked]
        return [*starts, "/"]


def _client(app, role: str, lang: str):
    client = app.test_client()
    client.get(f"/lang/{lang}")
    if role in STAFF:
        resp = client.post("/login", data={"email": STAFF[role], "password": PASSWORD})
        assert resp.status_code in (302, 303), f"{role} could not log in"
    return client


def crawl(app, role: str, lang: str) -> tuple[int, list[str]]:
    """Follow every same-site link from the role's start pages; the pages seen and every problem found."""
    client = _client(app, role, lang)
    start = _participant_start(app) if role == "peserta" else (["/", "/manage", "/account/sessions"]
                                                              if role in STAFF else ["/", "/login"])  # fmt: skip
    codes, msgids = _codes_pattern(), _untranslated_msgids() if lang == "en" else {}
    typed = _user_texts(app, msgids) if msgids else []
    queue, seen, problems, pages = deque(start), set(start), [], 0
    while queue and pages < MAX_PAGES:
        path = queue.popleft()
        if urlsplit(path).path.endswith(DOCUMENT_SUFFIXES):
            if path in DOCUMENTS_SEEN:
                continue
            DOCUMENTS_SEEN.add(path)
        resp = client.get(path)
        pages += 1
        if resp.status_code >= 400:  # 5xx: a crash; 4xx: a link the app itself offers that leads nowhere
            problems.append(f"{path}: {resp.status_code}")
            continue
        if resp.status_code in (301, 302, 303, 307, 308):
            target = _same_site(f"http://localhost{path}", resp.headers.get("Location", ""))
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if resp.mimetype != "text/html":
            text = _document_text(resp)
            for match in sorted(set(codes.findall(text or ""))):
                problems.append(f"{path} ({resp.mimetype}): raw code {match!r}")
            continue
        page = _Page()
        page.feed(resp.get_data(as_text=True))
        text = " ".join(" ".join(t.split()) for t in page.text)
        for match in sorted(set(codes.findall(text))):
            problems.append(f"{path}: raw code {match!r}")
        for msgid in _untranslated_in(text, msgids, typed):
            problems.append(f"{path}: untranslated {msgid!r}")
        for href in page.links:
            target = _same_site(f"http://localhost{path}", href)
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
    return pages, problems


def test_every_reachable_page_is_whole(demo_app):
    """One test (one worker, one demo seed): every role in Indonesian, then in English."""
    problems, report = [], []
    for lang in LANGUAGES:
        for role in ROLES:
            started = time.perf_counter()
            pages, found = crawl(demo_app, role, lang)
            report.append(f"{role}/{lang}: {pages} pages, {len(found)} problems, {time.perf_counter() - started:.1f}s")
            if pages < (2 if role == "anonim" else 4):
                found.append(f"reached almost nothing ({pages} pages)")
            problems += [f"{role}/{lang} {p}" for p in found]
    print("\n" + "\n".join(report))
    assert not problems, f"{len(problems)} problems\n" + "\n".join(problems[:120])
