"""Every JSON shape of the certificates API, declared once: these classes serialise and document (OpenAPI)."""

from __future__ import annotations

from bimtek.api.schemas import ApiSchema, IsoDate, UtcMoment, fields, validate
from bimtek.certificates.models import ROLES, STATUSES
from bimtek.certificates.services.jobs import ISSUE_SCOPES
from bimtek.core.codes import format_code
from bimtek.core.labels import label

_int, _text = fields.Integer, fields.String


class CertificateJobSchema(ApiSchema):
    """A certificate job's progress, as the progress bar and the API read it."""

    id = _int()
    status = _text(validate=validate.OneOf(["queued", "running", "done", "failed"]))
    status_label = _text(metadata={"description": "the status as a person reads it"})
    total = _int()
    done = _int()
    failed = _int()
    percent = _int()
    error = _text(allow_none=True)
    params = fields.Method("_params", metadata={"type": "object", "description": "scope and notify"})

    def _params(self, job) -> dict:
        return {k: v for k, v in (job.params or {}).items() if k in ("scope", "notify")}


class CertificateIssueSchema(ApiSchema):
    scope = _text(validate=validate.OneOf(ISSUE_SCOPES), dump_default="eligible")
    registration_ids = fields.List(_int(), metadata={"description": "for scope=selected"})
    names = fields.List(_text(), metadata={"description": "for scope=panitia"})
    notify = fields.Boolean(dump_default=True, metadata={"description": "email participants when ready"})
    early_issue_reason = _text(
        validate=validate.Length(max=500),
        metadata={"description": "required to issue before the event has ended (audited)"},
    )


def _code(cert) -> str:
    return format_code(cert.verification_code)


class CertificateSchema(ApiSchema):
    """A certificate as staff see it in the API."""

    id = _int()
    number = _text()
    seq = _int()
    role = _text(validate=validate.OneOf(ROLES))
    registration_id = _int(allow_none=True)
    name = _text()
    status = _text(validate=validate.OneOf(STATUSES))
    jp = fields.Raw(metadata={"type": "number", "nullable": True})
    issue_date = IsoDate()
    issued_at = UtcMoment()
    verification_code = fields.Function(_code, metadata={"type": "string"})
    sha256 = _text()
    signed_sha256 = _text(allow_none=True)
    pades_signed = fields.Boolean()
    tte_signed = fields.Boolean()
    revoke_reason = _text(allow_none=True)
    replaced_by_id = _int(allow_none=True)
    signatory_name = _text()


class CertificateVerificationSchema(ApiSchema):
    """What anyone may see about a certificate: never NIP, email or phone."""

    number = _text()
    name = _text()
    role = fields.Function(lambda c: label("role", c.role, "id").upper(), metadata={"type": "string"})
    event = _text(attribute="event_title")
    dates = _text(attribute="date_text")
    place = _text(attribute="place_text")
    organizer = _text()
    jp = fields.Raw(metadata={"type": "number", "nullable": True})
    issue_date = IsoDate()
    issue_date_text = _text()
    signatory = _text(attribute="signatory_name")
    signatory_title = _text()
    status = fields.Function(lambda c: label("certificate_status", c.status, "id").upper(),
                             metadata={"type": "string", "enum": ["VALID", "DICABUT", "DIGANTI"]})  # fmt: skip
    revoke_reason = fields.Function(lambda c: c.revoke_reason if c.status == "revoked" else None,
                                    metadata={"type": "string", "nullable": True})  # fmt: skip
    replaced_by_number = fields.Method("_replaced_by", metadata={"type": "string", "nullable": True})
    sha256 = _text(attribute="served_sha256",
                   metadata={"description": "SHA-256 of the PDF served (the signed copy when signed)"})  # fmt: skip
    original_sha256 = _text(attribute="sha256")
    signed = fields.Boolean()
    verification_code = fields.Function(_code, metadata={"type": "string"})

    def _replaced_by(self, cert) -> str | None:
        from bimtek.certificates.models import Certificate
        from bimtek.extensions import db

        replaced_by = db.session.get(Certificate, cert.replaced_by_id) if cert.replaced_by_id else None
        return replaced_by.number if replaced_by else None


class RevokeSchema(ApiSchema):
    reason = _text(required=True, validate=validate.Length(max=500))


class ReissueSchema(ApiSchema):
    name = _text(validate=validate.Length(max=200), metadata={"description": "a corrected name"})
