"""Factories for certificate tests: an event with settings and eligible participants."""

from __future__ import annotations

import io

from pypdf import PdfReader

from bimtek.certificates.services.settings import update_settings
from bimtek.extensions import db
from tests.factories import make_event, make_registration, make_user

SIGNATORY = {
    "signatory_name": "Dr. Hasyim Gautama, M.Si.",
    "signatory_nip": "196608011988031001",
    "signatory_title": "Direktur Tata Kelola dan Kemitraan Komunikasi Publik",
    "issue_place": "Batam",
}


def make_cert_event(owner=None, *, participants: int = 3, names: list[str] | None = None, **overrides):
    """An event with signatory settings and confirmed registrations (committed)."""
    owner = owner or make_user("organizer")
    event = make_event(owner, **overrides)
    update_settings(event, SIGNATORY, user=owner)
    db.session.commit()
    regs = []
    for name in names or [f"Peserta Nomor {i + 1}, S.Kom." for i in range(participants)]:
        regs.append(make_registration(event, full_name=name))
    return owner, event, regs


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages).split())
