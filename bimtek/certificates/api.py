"""Certificates in the JSON API: issue (as a job), progress, list, download, revoke, re-issue, verify."""

from __future__ import annotations

from flask import abort, jsonify, request

from bimtek.accounts.access import acting_user, event_view, object_view
from bimtek.api import openapi
from bimtek.api.base import api_bp, json_body, page_response, paginate, token_required
from bimtek.certificates.models import ROLES, STATUSES, Certificate
from bimtek.certificates.services.delivery import pdf_response
from bimtek.certificates.services.issuing import reissue, revoke
from bimtek.certificates.services.jobs import ISSUE_SCOPES, job_json, start_issue_job
from bimtek.certificates.services.register import certificate_json, list_query
from bimtek.certificates.services.verification import find_by_code, public_json, verify_rate
from bimtek.core.models import Job
from bimtek.errors import NotFound
from bimtek.extensions import db, limiter


@api_bp.post("/events/<int:event_id>/certificates/issue")
@token_required
@event_view("manage")
def issue_certificates(event):
    """Start issuing certificates in the background; returns the job to watch."""
    from bimtek.certificates.tasks import issue_certificates_task

    job = start_issue_job(event, json_body(), user=acting_user())
    db.session.commit()
    issue_certificates_task(job.id)
    db.session.refresh(job)
    return jsonify(job_json(job)), 202


@api_bp.get("/events/<int:event_id>/certificates/jobs/<int:job_id>")
@token_required
@event_view("manage")
def certificate_job(event, job_id: int):
    """Progress of a certificate job."""

    job = db.session.get(Job, job_id)
    if job is None or job.event_id != event.id or job.kind != "certificates.issue":
        abort(404)
    return jsonify(job_json(job))


@api_bp.post("/events/<int:event_id>/certificates/jobs/<int:job_id>/resume")
@token_required
@event_view("manage")
def resume_certificate_job(event, job_id: int):
    """Run a stopped or failed job again (the same door as the page and the CLI: refusal and audit)."""
    from bimtek import jobs

    job = db.session.get(Job, job_id)
    if job is None or job.event_id != event.id or job.kind != "certificates.issue":
        abort(404)
    jobs.resume(job, actor=acting_user())
    db.session.commit()
    db.session.refresh(job)
    return jsonify(job_json(job)), 202


@api_bp.get("/events/<int:event_id>/certificates")
@token_required
@event_view("manage")
def list_certificates(event):
    """Certificates of an event, filtered by role, status or a name/number search."""
    stmt = list_query(
        event, role=request.args.get("role", ""), status=request.args.get("status", ""), q=request.args.get("q", "")
    )
    found = paginate(stmt.order_by(Certificate.series_id, Certificate.seq))
    return page_response(found, [certificate_json(c) for c in found.items])


@api_bp.get("/certificates/<int:certificate_id>")
@token_required
@object_view(Certificate, "certificate_id", "manage")
def get_certificate(obj):
    """One certificate."""
    return jsonify(certificate_json(obj))


@api_bp.get("/certificates/<int:certificate_id>/pdf")
@token_required
@object_view(Certificate, "certificate_id", "manage")
def certificate_pdf(obj):
    """The certificate's PDF, byte for byte as stored (the TTE-signed copy when there is one)."""
    resp = pdf_response(obj, actor=acting_user())
    db.session.commit()  # keeps the audit record of a repaired file
    return resp


@api_bp.post("/certificates/<int:certificate_id>/revoke")
@token_required
@object_view(Certificate, "certificate_id", "manage")
def revoke_certificate(obj):
    """Revoke a certificate with a reason."""
    revoke(obj, json_body().get("reason", ""), user=acting_user())
    db.session.commit()
    return jsonify(certificate_json(obj))


@api_bp.post("/certificates/<int:certificate_id>/reissue")
@token_required
@object_view(Certificate, "certificate_id", "manage")
def reissue_certificate(obj):
    """Re-issue a certificate (new number); the old one becomes DIGANTI."""
    body = request.get_json(silent=True) or {}
    name = body.get("name") if isinstance(body, dict) else None
    new = reissue(obj, user=acting_user(), name=name if isinstance(name, str) else None)
    db.session.commit()
    return jsonify(certificate_json(new)), 201


@api_bp.get("/verify/<code>")
@limiter.limit(verify_rate)
def verify_certificate(code: str):
    """Public: the register's answer for a verification code (no token needed; never NIP, email or phone)."""
    cert = find_by_code(code)
    if cert is None:
        raise NotFound("not_found", "Sertifikat tidak ditemukan.")
    resp = jsonify(public_json(cert))
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


# ------------------------------------------------------------------------------------------ OpenAPI

_sec = [{"bearer": []}]
_eid = [{"name": "event_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_cid = [{"name": "certificate_id", "in": "path", "required": True, "schema": {"type": "integer"}}]
_jid = [{"name": "job_id", "in": "path", "required": True, "schema": {"type": "integer"}}]

openapi.schema("CertificateJob", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
        "total": {"type": "integer"}, "done": {"type": "integer"}, "failed": {"type": "integer"},
        "percent": {"type": "integer"}, "error": {"type": "string", "nullable": True}, "params": {"type": "object"},
        "status_label": {"type": "string", "description": "the status as a person reads it"},
    },
})  # fmt: skip
openapi.schema("CertificateIssueInput", {
    "type": "object",
    "properties": {
        "scope": {"type": "string", "enum": list(ISSUE_SCOPES), "default": "eligible"},
        "registration_ids": {"type": "array", "items": {"type": "integer"}, "description": "for scope=selected"},
        "names": {"type": "array", "items": {"type": "string"}, "description": "for scope=panitia"},
        "notify": {"type": "boolean", "default": True, "description": "email participants when ready"},
        "early_issue_reason": {"type": "string", "maxLength": 500,
                               "description": "required to issue before the event has ended (audited)"},
    },
})  # fmt: skip
openapi.schema("Certificate", {
    "type": "object",
    "properties": {
        "id": {"type": "integer"}, "number": {"type": "string"}, "seq": {"type": "integer"},
        "role": {"type": "string", "enum": list(ROLES)}, "registration_id": {"type": "integer", "nullable": True},
        "name": {"type": "string"}, "status": {"type": "string", "enum": list(STATUSES)},
        "jp": {"type": "number", "nullable": True}, "issue_date": {"type": "string", "format": "date"},
        "issued_at": {"type": "string", "format": "date-time"}, "verification_code": {"type": "string"},
        "sha256": {"type": "string"}, "signed_sha256": {"type": "string", "nullable": True},
        "pades_signed": {"type": "boolean"}, "tte_signed": {"type": "boolean"},
        "revoke_reason": {"type": "string", "nullable": True}, "replaced_by_id": {"type": "integer", "nullable": True},
        "signatory_name": {"type": "string"},
    },
})  # fmt: skip
openapi.schema("CertificateVerification", {
    "type": "object",
    "properties": {
        "number": {"type": "string"}, "name": {"type": "string"}, "role": {"type": "string"},
        "event": {"type": "string"}, "dates": {"type": "string"}, "place": {"type": "string"},
        "organizer": {"type": "string"}, "jp": {"type": "number", "nullable": True},
        "issue_date": {"type": "string", "format": "date"}, "issue_date_text": {"type": "string"},
        "signatory": {"type": "string"}, "signatory_title": {"type": "string"},
        "status": {"type": "string", "enum": ["VALID", "DICABUT", "DIGANTI"]},
        "revoke_reason": {"type": "string", "nullable": True}, "replaced_by_number": {"type": "string", "nullable": True},
        "sha256": {"type": "string", "description": "SHA-256 of the PDF served (the signed copy when signed)"},
        "original_sha256": {"type": "string"}, "signed": {"type": "boolean"}, "verification_code": {"type": "string"},
    },
})  # fmt: skip

openapi.document("/events/{event_id}/certificates/issue", "post", {
    "summary": "Start issuing certificates (background job)", "security": _sec, "parameters": _eid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": openapi.ref("CertificateIssueInput")}}},
    "responses": {"202": openapi.json_response("Job started", openapi.ref("CertificateJob")),
                  **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/events/{event_id}/certificates/jobs/{job_id}", "get", {
    "summary": "Progress of a certificate job", "security": _sec, "parameters": _eid + _jid,
    "responses": {"200": openapi.json_response("Job", openapi.ref("CertificateJob")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/events/{event_id}/certificates/jobs/{job_id}/resume", "post", {
    "summary": "Resume a stopped or failed certificate job (409 when finished or running)", "security": _sec,
    "parameters": _eid + _jid,
    "responses": {"202": openapi.json_response("Job queued again", openapi.ref("CertificateJob")),
                  **openapi.errors(401, 403, 404, 409)},
})  # fmt: skip
openapi.document("/events/{event_id}/certificates", "get", {
    "summary": "List an event's certificates", "security": _sec,
    "parameters": _eid + [
        {"name": "role", "in": "query", "schema": {"type": "string", "enum": list(ROLES)}},
        {"name": "status", "in": "query", "schema": {"type": "string", "enum": list(STATUSES)}},
        {"name": "q", "in": "query", "schema": {"type": "string"}, "description": "name or number contains"},
        {"name": "page", "in": "query", "schema": {"type": "integer"}},
        {"name": "per_page", "in": "query", "schema": {"type": "integer"}},
    ],
    "responses": {"200": openapi.json_response("Certificates", openapi.list_of("Certificate")),
                  **openapi.errors(400, 401, 403, 404)},
})  # fmt: skip
openapi.document("/certificates/{certificate_id}", "get", {
    "summary": "One certificate", "security": _sec, "parameters": _cid,
    "responses": {"200": openapi.json_response("Certificate", openapi.ref("Certificate")), **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/certificates/{certificate_id}/pdf", "get", {
    "summary": "Download a certificate's PDF (byte for byte as stored)", "security": _sec, "parameters": _cid,
    "responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}, **openapi.errors(401, 403, 404)},
})  # fmt: skip
openapi.document("/certificates/{certificate_id}/revoke", "post", {
    "summary": "Revoke a certificate", "security": _sec, "parameters": _cid,
    "requestBody": {"required": True, "content": {"application/json": {"schema": {
        "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 500}}}}}},
    "responses": {"200": openapi.json_response("Revoked", openapi.ref("Certificate")),
                  **openapi.errors(400, 401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/certificates/{certificate_id}/reissue", "post", {
    "summary": "Re-issue a certificate with a new number (optionally a corrected name)", "security": _sec,
    "parameters": _cid,
    "requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": {"name": {"type": "string", "maxLength": 200}}}}}},
    "responses": {"201": openapi.json_response("New certificate", openapi.ref("Certificate")),
                  **openapi.errors(401, 403, 404, 409, 422)},
})  # fmt: skip
openapi.document("/verify/{code}", "get", {
    "summary": "Verify a certificate by its code (public, rate-limited)", "security": [],
    "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
    "responses": {"200": openapi.json_response("Verification", openapi.ref("CertificateVerification")),
                  **openapi.errors(404, 429)},
})  # fmt: skip
