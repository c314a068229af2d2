"""Certificates in the JSON API: issue (as a job), progress, list, download, revoke, re-issue, verify."""

from __future__ import annotations

from flask import jsonify, request

from bimtek.accounts.access import acting_user, event_object, event_view, object_view
from bimtek.api.base import api_bp, json_body, page_response, paginate, token_required
from bimtek.api.openapi import PAGING, operation, query
from bimtek.api.schemas import dump, page_of
from bimtek.certificates.models import ROLES, STATUSES, Certificate
from bimtek.certificates.schemas import (
    CertificateIssueSchema,
    CertificateJobSchema,
    CertificateSchema,
    CertificateVerificationSchema,
    ReissueSchema,
    RevokeSchema,
)
from bimtek.certificates.services.delivery import pdf_response
from bimtek.certificates.services.issuing import reissue, revoke
from bimtek.certificates.services.jobs import start_issue_job
from bimtek.certificates.services.register import list_query
from bimtek.certificates.services.verification import find_by_code, verify_rate
from bimtek.core.models import Job
from bimtek.errors import NotFound
from bimtek.extensions import db, limiter


@api_bp.post("/events/<int:event_id>/certificates/issue")
@operation("Start issuing certificates (background job)", body=CertificateIssueSchema, status=202,
           response=CertificateJobSchema, response_text="Job started", errors=(400, 401, 403, 404, 409, 422))  # fmt: skip
@token_required
@event_view("manage")
def issue_certificates(event):
    """Start issuing certificates in the background; returns the job to watch."""
    from bimtek.certificates.tasks import issue_certificates_task

    job = start_issue_job(event, json_body(), user=acting_user())
    db.session.commit()
    issue_certificates_task(job.id)
    db.session.refresh(job)
    return jsonify(dump(CertificateJobSchema, job)), 202


@api_bp.get("/events/<int:event_id>/certificates/jobs/<int:job_id>")
@operation("Progress of a certificate job", response=CertificateJobSchema, errors=(401, 403, 404))
@token_required
@event_view("manage")
def certificate_job(event, job_id: int):
    """Progress of a certificate job."""

    job = event_object(Job, job_id, event, kind="certificates.issue")
    return jsonify(dump(CertificateJobSchema, job))


@api_bp.post("/events/<int:event_id>/certificates/jobs/<int:job_id>/resume")
@operation("Resume a stopped or failed certificate job (409 when finished or running)", status=202,
           response=CertificateJobSchema, response_text="Job queued again", errors=(401, 403, 404, 409))  # fmt: skip
@token_required
@event_view("manage")
def resume_certificate_job(event, job_id: int):
    """Run a stopped or failed job again (the same door as the page and the CLI: refusal and audit)."""
    from bimtek import jobs

    job = event_object(Job, job_id, event, kind="certificates.issue")
    jobs.resume(job, actor=acting_user())
    db.session.commit()
    db.session.refresh(job)
    return jsonify(dump(CertificateJobSchema, job)), 202


@api_bp.get("/events/<int:event_id>/certificates")
@operation("List an event's certificates", response=page_of(CertificateSchema), response_text="Certificates",
           errors=(400, 401, 403, 404), query=(
               query("role", {"type": "string", "enum": list(ROLES)}),
               query("status", {"type": "string", "enum": list(STATUSES)}),
               query("q", {"type": "string"}, "name or number contains"), *PAGING))  # fmt: skip
@token_required
@event_view("manage")
def list_certificates(event):
    """Certificates of an event, filtered by role, status or a name/number search."""
    stmt = list_query(
        event, role=request.args.get("role", ""), status=request.args.get("status", ""), q=request.args.get("q", "")
    )
    found = paginate(stmt.order_by(Certificate.series_id, Certificate.seq))
    return page_response(found, dump(CertificateSchema, found.items, many=True))


@api_bp.get("/certificates/<int:certificate_id>")
@operation("One certificate", response=CertificateSchema, errors=(401, 403, 404))
@token_required
@object_view(Certificate, "certificate_id", "manage")
def get_certificate(obj):
    """One certificate."""
    return jsonify(dump(CertificateSchema, obj))


@api_bp.get("/certificates/<int:certificate_id>/pdf")
@operation("Download a certificate's PDF (byte for byte as stored)", content_type="application/pdf", response_text="PDF",
           errors=(401, 403, 404))  # fmt: skip
@token_required
@object_view(Certificate, "certificate_id", "manage")
def certificate_pdf(obj):
    """The certificate's PDF, byte for byte as stored (the TTE-signed copy when there is one)."""
    resp = pdf_response(obj, actor=acting_user())
    db.session.commit()  # keeps the audit record of a repaired file
    return resp


@api_bp.post("/certificates/<int:certificate_id>/revoke")
@operation("Revoke a certificate", body=RevokeSchema, response=CertificateSchema, response_text="Revoked",
           errors=(400, 401, 403, 404, 409, 422))  # fmt: skip
@token_required
@object_view(Certificate, "certificate_id", "manage")
def revoke_certificate(obj):
    """Revoke a certificate with a reason."""
    revoke(obj, json_body().get("reason", ""), user=acting_user())
    db.session.commit()
    return jsonify(dump(CertificateSchema, obj))


@api_bp.post("/certificates/<int:certificate_id>/reissue")
@operation("Re-issue a certificate with a new number (optionally a corrected name)", body=ReissueSchema,
           body_required=False, status=201, response=CertificateSchema, response_text="New certificate",
           errors=(401, 403, 404, 409, 422))  # fmt: skip
@token_required
@object_view(Certificate, "certificate_id", "manage")
def reissue_certificate(obj):
    """Re-issue a certificate (new number); the old one becomes DIGANTI."""
    body = request.get_json(silent=True) or {}
    name = body.get("name") if isinstance(body, dict) else None
    new = reissue(obj, user=acting_user(), name=name if isinstance(name, str) else None)
    db.session.commit()
    return jsonify(dump(CertificateSchema, new)), 201


@api_bp.get("/verify/<code>")
@operation("Verify a certificate by its code (public, rate-limited)", public=True, response=CertificateVerificationSchema,
           response_text="Verification", errors=(404, 429))  # fmt: skip
@limiter.limit(verify_rate)
def verify_certificate(code: str):
    """Public: the register's answer for a verification code (no token needed; never NIP, email or phone)."""
    cert = find_by_code(code)
    if cert is None:
        raise NotFound("not_found", "Sertifikat tidak ditemukan.")
    resp = jsonify(dump(CertificateVerificationSchema, cert))
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp
