"""Public verification: find a certificate by its code or its file's SHA-256; what anyone may see."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.services.issuing import VERIFY_CODE_LENGTH
from bimtek.core.codes import normalize_code
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
    """What anyone may see about a certificate (CertificateVerificationSchema): never NIP, email or phone."""
    from bimtek.api.schemas import dump
    from bimtek.certificates.schemas import CertificateVerificationSchema

    return dump(CertificateVerificationSchema, cert)
