"""Public verification: find a certificate by its code or its file's SHA-256; what anyone may see."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services.issuing import VERIFY_CODE_LENGTH
from bimtek.core.codes import format_code, normalize_code
from bimtek.core.labels import label
from bimtek.extensions import db


def verify_rate() -> str:
    """Rate limit of the public verification endpoints (CERT_VERIFY_RATE_LIMIT / BIMTEK_CERT_VERIFY_RATE)."""
    return current_app.config.get("CERT_VERIFY_RATE_LIMIT") or "60 per minute"


def find_by_code(raw: str) -> Certificate | None:
    """The certificate with a verification code as typed (dashes, spaces and case tolerated)."""
    code = normalize_code(raw or "", VERIFY_CODE_LENGTH)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.verification_code == code))


def find_by_hash(sha256: str) -> Certificate | None:
    """The certificate whose issued or signed PDF has this SHA-256."""
    return db.session.scalar(
        select(Certificate).where((Certificate.sha256 == sha256) | (Certificate.signed_sha256 == sha256)).limit(1)
    )


def public_json(cert: Certificate) -> dict:
    """What anyone may see about a certificate: never NIP, email or phone."""
    replaced_by = db.session.get(Certificate, cert.replaced_by_id) if cert.replaced_by_id else None
    return {
        "number": cert.number,
        "name": cert.name,
        "role": label("role", cert.role, "id").upper(),
        "event": cert.event_title,
        "dates": cert.date_text,
        "place": cert.place_text,
        "organizer": cert.organizer,
        "jp": cert.jp,
        "issue_date": cert.issue_date.isoformat(),
        "issue_date_text": cert.issue_date_text,
        "signatory": cert.signatory_name,
        "signatory_title": cert.signatory_title,
        "status": label("certificate_status", cert.status, "id").upper(),
        "revoke_reason": cert.revoke_reason if cert.status == "revoked" else None,
        "replaced_by_number": replaced_by.number if replaced_by else None,
        "sha256": cert.served_sha256,
        "original_sha256": cert.sha256,
        "signed": cert.signed,
        "verification_code": format_code(cert.verification_code),
    }
