"""The pre-test and post-test of an event: settings, windows and the audit of every change."""

from __future__ import annotations

from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.core import audit
from bimtek.core.time import as_utc
from bimtek.errors import Invalid, NotFound
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.learning import windows
from bimtek.learning.models import COUNTING_RULES, TEST_KINDS, LearningTest


def get_test(event_id: int, kind: str) -> LearningTest | None:
    """The event's pre-test or post-test row, if prepared."""
    return db.session.scalar(select(LearningTest).where(LearningTest.event_id == event_id, LearningTest.kind == kind))


def ensure_test(event: Event, kind: str) -> LearningTest:
    """The test row, created with defaults (disabled) when missing."""
    if kind not in TEST_KINDS:
        raise NotFound("unknown_test", _("Tes tidak ditemukan."))
    test = get_test(event.id, kind)
    if test is None:
        test = LearningTest(event_id=event.id, kind=kind)
        db.session.add(test)
        db.session.flush()
    return test


def window_for(event: Event, test: LearningTest) -> windows.Window:
    """The effective window: the organizer's dates, else the agenda's first start / last end."""
    sessions = list(event.sessions)
    first = min((as_utc(s.starts_at) for s in sessions), default=as_utc(event.starts_at))
    last = max((as_utc(s.ends_at) for s in sessions), default=as_utc(event.ends_at))
    return windows.test_window(test.kind, as_utc(test.opens_at), as_utc(test.closes_at), first, last)


def _number(raw, name: str, errors: dict, *, low: float, high: float, integer: bool = True):
    try:
        value = int(raw) if integer else float(str(raw).replace(",", "."))
    except (TypeError, ValueError):
        errors[name] = _("Isi dengan angka.")
        return None
    if not low <= value <= high:
        errors[name] = _("Di luar batas yang diizinkan.")
        return None
    return value


def parse_bands(text) -> list[list]:
    """Predikat bands from lines like "86 Sangat Baik" (or a list of [minimum, label]); raises ValueError."""
    if isinstance(text, list):
        rows = text
    else:
        rows = []
        for line in str(text or "").splitlines():
            line = line.strip()
            if not line:
                continue
            head, _sep, label = line.partition(" ")
            rows.append([head, label])
    bands = []
    for row in rows:
        if not isinstance(row, list | tuple) or len(row) != 2:
            raise ValueError
        minimum, label = float(str(row[0]).replace(",", ".")), str(row[1]).strip()
        if not label or not 0 <= minimum <= 100 or len(label) > 60:
            raise ValueError
        bands.append([minimum, label])
    return sorted(bands, key=lambda b: -b[0])


def update_test(event: Event, kind: str, clean: dict, *, user) -> LearningTest:
    """Change a test's settings from already-shaped values (a form's or the API's); audited."""
    test = ensure_test(event, kind)
    errors: dict = {}
    values: dict = {}
    if "time_limit_minutes" in clean:
        minutes = _number(clean["time_limit_minutes"], "time_limit_minutes", errors, low=1, high=600)
        if minutes is not None:
            values["time_limit_seconds"] = minutes * 60
    if "max_attempts" in clean:
        values["max_attempts"] = _number(clean["max_attempts"], "max_attempts", errors, low=1, high=20)
    if "pass_mark" in clean:
        values["pass_mark"] = _number(clean["pass_mark"], "pass_mark", errors, low=0, high=100, integer=False)
    if "counting" in clean:
        if clean["counting"] not in COUNTING_RULES:
            errors["counting"] = _("Pilihan tidak dikenal.")
        values["counting"] = clean["counting"]
    if "bands" in clean:
        try:
            values["bands"] = parse_bands(clean["bands"])
        except (ValueError, TypeError):
            errors["bands"] = _("Tulis satu predikat per baris: nilai minimum lalu nama, misalnya 86 Sangat Baik.")
    for name in ("opens_at", "closes_at"):
        if name in clean:
            value = clean[name]
            if value is not None and not isinstance(value, datetime):
                errors[name] = _("Tanggal dan jam tidak valid.")
            values[name] = value
    for name in ("shuffle", "enabled"):
        if name in clean:
            values[name] = bool(clean[name])
    opens = values.get("opens_at", test.opens_at)
    closes = values.get("closes_at", test.closes_at)
    if opens and closes and as_utc(closes) <= as_utc(opens):
        errors["closes_at"] = _("Waktu tutup harus sesudah waktu buka.")
    if errors:
        raise Invalid("invalid", _("Periksa kembali isian yang ditandai."), fields=errors)
    changed = {}
    for name, value in values.items():
        if getattr(test, name) != value:
            setattr(test, name, value)
            changed[name] = value.isoformat() if isinstance(value, datetime) else value
    db.session.flush()
    if changed:
        audit.record("learning.test_update", test, actor=user, details={"kind": kind, "changed": changed})
    return test
