"""Certificate pages for the public and participants: verification, and the participant's own download."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from bimtek.certificates.pdf.render import pdf_sha256
from bimtek.certificates.services.delivery import CertificateFileLost, current_for_registration, pdf_response
from bimtek.certificates.services.eligibility import attendance_rules_applied, ineligibility_reasons
from bimtek.certificates.services.verification import find_by_code, find_by_hash, public_json, verify_rate
from bimtek.extensions import db, limiter
from bimtek.registration.models import Registration

bp = Blueprint("certificates", __name__)


def file_lost_page(err: CertificateFileLost) -> str:
    """A clear page (never a 500) when an issued PDF is gone and cannot be re-created byte for byte."""
    return render_template("errors/error.html", status=err.status, message=_(err.message))


def _noindex(resp: Response) -> Response:
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/verify", methods=["GET", "POST"])
@bp.route("/verify/", methods=["GET", "POST"])
@limiter.limit(verify_rate, methods=["POST"])
def verify_form():
    """Check a certificate by its code, or drop its PDF to compare the file's SHA-256 with the register."""
    result, digest, status = None, None, 200
    if request.method == "POST":
        upload = request.files.get("pdf")
        data = upload.read() if upload else b""
        if not data:
            flash(_("Pilih berkas PDF sertifikat."), "error")
            status = 422
        else:
            digest = pdf_sha256(data)
            result = find_by_hash(digest)
            status = 200 if result else 404
    elif request.args.get("code"):
        return redirect(url_for("certificates.verify", code=request.args["code"].strip()))
    cert_json = public_json(result) if result else None
    resp = render_template("certificates/verify_file.html", result=cert_json, digest=digest, checked=digest is not None)
    return _noindex(current_app.make_response((resp, status)))


@bp.get("/verify/<code>.json")
@limiter.limit(verify_rate)
def verify_json(code: str):
    """The verification answer as JSON (same data as the page)."""
    cert = find_by_code(code)
    if cert is None:
        resp = jsonify({"error": "not_found", "message": _("Sertifikat tidak ditemukan."), "fields": {}})
        resp.status_code = 404
        return _noindex(resp)
    return _noindex(jsonify(public_json(cert)))


@bp.get("/verify/<code>")
@limiter.limit(verify_rate)
def verify(code: str):
    """Public verification page: the register's answer for this code, never NIP, email or phone."""
    cert = find_by_code(code)
    data = public_json(cert) if cert else None
    html = render_template("certificates/verify.html", cert=data, code=code)
    return _noindex(current_app.make_response((html, 200 if cert else 404)))


@bp.get("/r/<manage_token>/sertifikat")
@limiter.limit(verify_rate)
def participant_download(manage_token: str):
    """The participant's certificate from their private link, or why it is not there yet."""
    reg = db.session.scalar(select(Registration).where(Registration.manage_token == manage_token))
    if reg is None:
        abort(404)
    cert = current_for_registration(reg)
    if cert is not None and cert.status == "valid" and request.args.get("view") != "1":
        try:
            resp = pdf_response(cert)
        except CertificateFileLost as err:
            db.session.commit()  # keeps the audit record of the mismatch
            return _noindex(current_app.make_response((file_lost_page(err), err.status)))
        db.session.commit()  # keeps the audit record of a repaired file
        return resp
    reasons = [] if cert else ineligibility_reasons(reg)
    html = render_template(
        "certificates/participant.html", reg=reg, cert=cert, reasons=reasons, event=reg.event,
        rules_applied=attendance_rules_applied(reg.event),
    )  # fmt: skip
    resp = current_app.make_response(html)
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp
