"""The crawler: every role on the demo, every same-site link, in Indonesian and in English.

Each role (anonymous, a participant through their manage link, check-in staff, organizer, admin) starts
from its start pages and follows every same-site GET link it can reach (bounded per role), in both
languages. A page must not answer 5xx; HTML text (and the aria-label/title/alt people hear) must show no raw
code from bimtek.core.labels; in English it must show no Indonesian msgid of two words or more that the
catalogs translate. Downloads (PDF, XLSX, CSV, ICS, ...) are checked for their status only.

One app and one demo seed serve the whole module (SQLite), so the crawl stays well under a minute.
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
CRAWLED: dict[tuple[str, str], int] = {}


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


def _untranslated_msgids() -> dict[tuple[str, str], list[str]]:
    """Indonesian msgids of two words or more whose English differs, indexed by their first two words."""
    index: dict[tuple[str, str], list[str]] = {}
    for directory in catalog_dirs():
        for mo in Path(directory).glob("en/LC_MESSAGES/messages.mo"):
            with mo.open("rb") as fh:
                catalog = read_mo(fh)
            for message in catalog:
                msgid, msgstr = message.id, message.string
                if isinstance(msgid, tuple) or not msgid or not msgstr:
                    msgid, msgstr = (msgid[0], msgstr[0]) if isinstance(msgid, tuple) and msgstr else ("", "")
                # An English wording that keeps the Indonesian on purpose ("selama ... JP (JP line)": the
                # certificate prints Indonesian) is no miss.
                if "%" in msgid or msgid.strip() in msgstr:
                    continue
                words = msgid.split()
                if len(words) < 2:
                    continue
                index.setdefault((words[0], words[1]), []).append(" ".join(words))
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


def _same_site(base: str, href: str) -> str | None:
    url, _frag = urldefrag(urljoin(base, href))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.netloc not in ("localhost", ""):
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return None if path.startswith(SKIP_PREFIXES) else path


@pytest.fixture(scope="module")
def demo_app(sqlite_url, tmp_path_factory):
    from bimtek import create_app, demo
    from bimtek.extensions import db
    from tests.conftest import _wipe, base_config

    app = create_app(base_config(tmp_path_factory.mktemp("crawl"), sqlite_url))
    with app.app_context():
        assert demo.seed() is True
        db.session.commit()
    yield app
    with app.app_context():
        db.session.remove()
        _wipe(db)
        db.engine.dispose()


def _participant_start(app) -> list[str]:
    """The manage link of a confirmed participant of the finished event (ticket, certificate, evaluation)."""
    from sqlalchemy import select

    from bimtek import demo
    from bimtek.events.models import Event
    from bimtek.extensions import db
    from bimtek.registration.models import Registration

    with app.app_context():
        event = db.session.scalar(select(Event).where(Event.slug == demo.BATAM_SLUG))
        reg = db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == "confirmed")
            .order_by(Registration.id)
        ).first()
        return [f"/r/{reg.manage_token}", "/"]


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
        resp = client.get(path)
        pages += 1
        if resp.status_code >= 500:
            problems.append(f"{path}: {resp.status_code}")
            continue
        if resp.status_code in (301, 302, 303, 307, 308):
            target = _same_site(f"http://localhost{path}", resp.headers.get("Location", ""))
            if target and target not in seen:
                seen.add(target)
                queue.append(target)
            continue
        if not resp.mimetype == "text/html":
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


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_reachable_page_is_whole(demo_app, role, lang):
    started = time.perf_counter()
    pages, problems = crawl(demo_app, role, lang)
    CRAWLED[(role, lang)] = pages
    print(f"\ncrawl {role}/{lang}: {pages} pages in {time.perf_counter() - started:.1f}s")
    assert pages > (1 if role == "anonim" else 3), f"{role}/{lang} reached almost nothing"
    assert not problems, f"{role}/{lang}: {len(problems)} problems\n" + "\n".join(problems[:80])
