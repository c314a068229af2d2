"""Attendance in the JSON API: Zoom report imports, the review queue, the Zoom webhook, presensi, the
matrix and verdicts."""

from __future__ import annotations

from flask import current_app, jsonify, request

from bimtek.accounts.access import acting_user, event_object, event_view, object_view, public
from bimtek.api.base import api_bp, json_body, list_response, token_required
from bimtek.api.openapi import operation, query
from bimtek.api.schemas import dump, page_of
from bimtek.attendance import presensi, services, verdicts, webhooks
from bimtek.attendance.models import ZoomImport, ZoomImportRow
from bimtek.attendance.schemas import (
    AttendanceMatrixSchema,
    ConfirmedCountSchema,
    EligibilityRuleSchema,
    LinkSchema,
    NotComputed,
    OverrideSchema,
    PresensiInputSchema,
    PresensiRecordSchema,
    RuleSavedSchema,
    UploadSchema,
    VerdictSchema,
    VerdictSummarySchema,
    WebhookResultSchema,
    ZoomImportSchema,
    ZoomImportsSchema,
    ZoomImportSummarySchema,
    ZoomReviewRowSchema,
)
from bimtek.errors import Invalid
from bimtek.events.models import EventSession
from bimtek.extensions import db, limiter
from bimtek.registration.models import Registration

_UPLOAD = {"multipart/form-data": {"schema": UploadSchema}, "text/csv": {"schema": {"type": "string"}}}
_ZOOM = "Zoom's participants report (CSV), as the multipart field file or as a text/csv body"


@api_bp.post("/events/<int:event_id>/sessions/<int:session_id>/zoom-imports")
@operation("Upload a Zoom participants report (CSV) for a session: preview, nothing credited yet", status=201,
           response=ZoomImportSchema, response_text="Import", body_media=_UPLOAD, description=_ZOOM,
           responses={"200": {"description": "The same file was uploaded before",
                              "content": {"application/json": {"schema": ZoomImportSchema}}}},
           errors=(401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def upload_zoom_report(event, session_id: int):
    """Upload a Zoom report (multipart field "file") for a session; returns the preview."""
    session = event_object(EventSession, session_id, event)
    upload = request.files.get("file")
    data = upload.read() if upload else (request.get_data() if request.mimetype == "text/csv" else b"")
    imp, created = services.upload_report(
        event, session, upload.filename if upload else "laporan-zoom.csv", data, user=acting_user()
    )
    db.session.commit()
    return jsonify({**dump(ZoomImportSchema, imp), "created": created}), 201 if created else 200


@api_bp.post("/events/<int:event_id>/zoom-imports")
@operation("Upload one Zoom report for the whole event: a preview for every session it covers", status=201,
           response=ZoomImportsSchema, response_text="Previews", body_media=_UPLOAD, description=_ZOOM,
           errors=(401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def upload_zoom_report_all_sessions(event):
    """One meeting for the whole event: preview the report for every session it covers."""
    upload = request.files.get("file")
    data = upload.read() if upload else (request.get_data() if request.mimetype == "text/csv" else b"")
    results, skipped = services.upload_report_all_sessions(
        event, upload.filename if upload else "laporan-zoom.csv", data, user=acting_user()
    )
    db.session.commit()
    items = [{**dump(ZoomImportSummarySchema, imp), "created": created} for imp, created in results]
    return jsonify({"items": items, "skipped_session_ids": [s.id for s in skipped]}), 201


@api_bp.post("/events/<int:event_id>/zoom-imports/confirm")
@operation("Confirm every preview of the event", response=ConfirmedCountSchema, response_text="Count",
           errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def confirm_all_zoom_imports(event):
    """Confirm every preview of the event."""
    count = services.confirm_all(event, user=acting_user())
    db.session.commit()
    return jsonify({"confirmed": count})


@api_bp.get("/events/<int:event_id>/zoom-imports/<int:import_id>")
@operation(
    "Get a Zoom import (preview or result)", response=ZoomImportSchema, response_text="Import", errors=(401, 403, 404)
)
@token_required
@event_view("manage")
def get_zoom_import(event, import_id: int):
    """One import: its preview or result."""
    return jsonify(dump(ZoomImportSchema, event_object(ZoomImport, import_id, event)))


@api_bp.post("/events/<int:event_id>/zoom-imports/<int:import_id>/confirm")
@operation("Confirm a previewed import (idempotent: changed=false the second time)", response=ZoomImportSummarySchema,
           response_text="Import", errors=(401, 403, 404),
           description="Reports above ZOOM_INLINE_CONFIRM_ROWS rows are stored by the job consumer: 202 with job_id.",
           responses={"202": {"description": "Queued",
                              "content": {"application/json": {"schema": ZoomImportSummarySchema}}}})  # fmt: skip
@token_required
@event_view("manage")
def confirm_zoom_import(event, import_id: int):
    """Credit a previewed import; a second confirmation changes nothing."""
    imp = event_object(ZoomImport, import_id, event)
    result = services.start_confirm(
        imp, user=acting_user(), inline_rows=current_app.config.get("ZOOM_INLINE_CONFIRM_ROWS", 5000)
    )
    db.session.commit()
    if isinstance(result, bool):
        return jsonify({**dump(ZoomImportSummarySchema, imp), "changed": result})
    services.enqueue_confirm(result, user=acting_user())
    return jsonify({**dump(ZoomImportSummarySchema, imp), "changed": None, "job_id": result.id}), 202


@api_bp.get("/events/<int:event_id>/zoom-review")
@operation("The review queue of Zoom names that matched no exact key", response=page_of(ZoomReviewRowSchema),
           response_text="Rows", errors=(400, 401, 403, 404),
           query=[query("status", {"type": "string", "enum": ["pending", "linked", "dismissed"]})])  # fmt: skip
@token_required
@event_view("manage")
def list_review(event):
    """The review queue (status=pending by default; linked or dismissed on request)."""
    status = request.args.get("status", "pending")
    if status not in ("pending", "linked", "dismissed"):
        raise Invalid("invalid", "status harus pending, linked atau dismissed.", status=400)
    items = dump(ZoomReviewRowSchema, services.review_queue(event.id, status), many=True)
    return list_response(items, len(items), 1, max(1, len(items)))


@api_bp.post("/events/<int:event_id>/zoom-review/<int:row_id>/link")
@operation("Link a review row to a registration (remembered for the event's other sessions)", body=LinkSchema,
           response=ZoomReviewRowSchema, response_text="Linked", errors=(400, 401, 403, 404, 409, 422))  # fmt: skip
@token_required
@event_view("manage")
def link_review(event, row_id: int):
    """Credit a review row to a registration; the name is remembered for the other sessions."""
    row = event_object(ZoomImportRow, row_id, event)
    body = json_body()
    count = services.link_row(row, body.get("registration_id"), user=acting_user())
    db.session.commit()
    return jsonify({**dump(ZoomReviewRowSchema, row), "linked_rows": count})


@api_bp.post("/events/<int:event_id>/zoom-review/<int:row_id>/dismiss")
@operation("Dismiss a review row", response=ZoomReviewRowSchema, response_text="Dismissed", errors=(401, 403, 404, 409))
@token_required
@event_view("manage")
def dismiss_review(event, row_id: int):
    """Dismiss a review row without crediting anyone."""
    row = event_object(ZoomImportRow, row_id, event)
    services.dismiss_row(row, user=acting_user())
    db.session.commit()
    return jsonify(dump(ZoomReviewRowSchema, row))


@api_bp.post("/zoom/webhook/<int:event_id>")
@operation("Zoom webhook (public: verified by x-zm-signature HMAC over the raw body, no bearer token)", public=True,
           description="Handles endpoint.url_validation and meeting/webinar participant_joined/participant_left. "
           "Requests older than 5 minutes are refused; retries of one delivery are counted once.",
           query=[{"name": "x-zm-signature", "in": "header", "required": True, "schema": {"type": "string"}},
                  {"name": "x-zm-request-timestamp", "in": "header", "required": True, "schema": {"type": "string"}}],
           body={"type": "object"}, response=WebhookResultSchema,
           response_text="Recorded, duplicate, ignored, or the URL validation answer", errors=(400, 401, 404))  # fmt: skip
@public
def zoom_webhook(event_id: int):
    """Zoom's webhook endpoint: authenticated by Zoom's HMAC signature over the raw body, not a token."""
    result = webhooks.handle_webhook(event_id, request.get_data(cache=True), request.headers)
    db.session.commit()
    return jsonify(result)


def _presensi_rate() -> str:
    return current_app.config.get("PRESENSI_RATE_LIMIT", "10 per minute")


def _presensi_key() -> str:
    body = request.get_json(silent=True) or {}
    token = body.get("manage_token") if isinstance(body, dict) else ""
    return f"presensi-api:{token if isinstance(token, str) else ''}:{request.remote_addr}"


@api_bp.post("/presensi")
@operation("Submit a presensi code (public: identified by the participant's private manage token; rate limited)",
           public=True, body=PresensiInputSchema, status=201, response=PresensiRecordSchema, response_text="Recorded",
           responses={"200": {"description": "Already recorded for this window",
                              "content": {"application/json": {"schema": PresensiRecordSchema}}}},
           errors=(400, 404, 422, 429))  # fmt: skip
@limiter.limit(_presensi_rate, key_func=_presensi_key)
def submit_presensi():
    """A participant's app submits the code on screen with the private manage token."""
    body = json_body()
    token = body.get("manage_token")
    reg = presensi.registration_by_token(token if isinstance(token, str) else "")
    code = body.get("code")
    record, created = presensi.submit_code(reg, code if isinstance(code, str) else "", method="api")
    db.session.commit()
    return jsonify({**dump(PresensiRecordSchema, record), "created": created}), 201 if created else 200


@api_bp.get("/events/<int:event_id>/attendance/matrix")
@operation("Attendance matrix: participants × sessions", response=AttendanceMatrixSchema, response_text="Matrix",
           errors=(401, 403, 404), query=[
               query("mode", {"type": "string", "enum": ["onsite", "online"]}),
               query("verdict", {"type": "string", "enum": list(verdicts.FILTERS)}),
               query("q", {"type": "string"})])  # fmt: skip
@token_required
@event_view("manage")
def attendance_matrix(event):
    """Participants × sessions: minutes, percent and sources per cell, with each verdict."""
    verdict = request.args.get("verdict", "all")
    rows = verdicts.matrix(
        event,
        mode=request.args.get("mode", ""),
        verdict_filter=verdict if verdict in verdicts.FILTERS else "all",
        query=request.args.get("q", "")[:100],
    )
    return jsonify(dump(AttendanceMatrixSchema, {"sessions": event.sessions, "items": rows}))


@api_bp.get("/events/<int:event_id>/eligibility-rule")
@operation("Get the eligibility rule", response=EligibilityRuleSchema, response_text="Rule", errors=(401, 403, 404))
@token_required
@event_view("manage")
def get_rule(event):
    """The event's eligibility rule ({} when none is set)."""
    return jsonify(verdicts.rule_json(verdicts.get_rule(event)))


@api_bp.put("/events/<int:event_id>/eligibility-rule")
@operation("Set the eligibility rule and evaluate everyone again", body=EligibilityRuleSchema, response=RuleSavedSchema,
           response_text="Rule", errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@event_view("manage")
def put_rule(event):
    """Set the rule and evaluate every participant again."""
    rule = verdicts.save_rule(event, json_body(), user=acting_user())
    summary = verdicts.compute_verdicts(event, user=acting_user())
    db.session.commit()
    # RuleSavedSchema: the rule, and the verdicts computed with it.
    return jsonify({**verdicts.rule_json(rule), "summary": dump(VerdictSummarySchema, summary)})


@api_bp.post("/events/<int:event_id>/verdicts")
@operation("Evaluate every confirmed participant and store verdicts", response=VerdictSummarySchema,
           response_text="Summary", errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def compute_verdicts(event):
    """Evaluate every confirmed participant now and store the verdicts."""
    summary = verdicts.compute_verdicts(event, user=acting_user())
    db.session.commit()
    return jsonify(dump(VerdictSummarySchema, summary))


@api_bp.get("/registrations/<int:registration_id>/verdict")
@operation("A registration's eligibility verdict with reasons", response=VerdictSchema, errors=(401, 403, 404))
@token_required
@object_view(Registration, "registration_id", "manage")
def get_verdict(obj):
    """One registration's verdict with its reasons."""
    return jsonify(dump(VerdictSchema, verdicts.verdict_for(obj.id) or NotComputed(obj.id)))


@api_bp.post("/registrations/<int:registration_id>/verdict/override")
@operation("Override a verdict (eligible true/false) or clear it (null); reason required; audited",
           body=OverrideSchema, response=VerdictSchema, errors=(400, 401, 403, 404, 422))  # fmt: skip
@token_required
@object_view(Registration, "registration_id", "manage")
def override_verdict(obj):
    """Set ("eligible": true/false) or clear (null) the organizer's decision, with a reason (audited)."""
    body = json_body()
    decision = body.get("eligible")
    if decision is not None and not isinstance(decision, bool):
        raise Invalid("invalid", "eligible harus true, false atau null.", fields={"eligible": "true/false/null"})
    reason = body.get("reason")
    verdict = verdicts.override_verdict(obj, decision, reason if isinstance(reason, str) else "", user=acting_user())
    db.session.commit()
    return jsonify(dump(VerdictSchema, verdict))
