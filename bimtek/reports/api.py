"""Reports in the JSON API: an event's dashboard figures; participants' history for admins."""

from __future__ import annotations

from flask import jsonify

from bimtek.accounts.access import acting_user, event_view, require_role
from bimtek.api.base import api_bp, json_body, token_required
from bimtek.api.openapi import operation
from bimtek.errors import Invalid
from bimtek.extensions import db
from bimtek.reports import services
from bimtek.reports.schemas import EventReportSchema, HistoryQuerySchema, ParticipantHistorySchema


@api_bp.get("/events/<int:event_id>/report")
@operation("An event's report figures (the dashboard as JSON)", response=EventReportSchema, response_text="Report",
           errors=(401, 403, 404))  # fmt: skip
@token_required
@event_view("manage")
def event_report(event):
    """Every figure of the event's dashboard."""
    return jsonify(services.event_report(event))


@api_bp.post("/participants/history")
@operation("Participants' history across events by NIP or email (admins)", body=HistoryQuerySchema,
           response=ParticipantHistorySchema, response_text="History", errors=(400, 401, 403, 422))  # fmt: skip
@token_required
@require_role("admin")
def participant_history():
    """Registrations across events and JP per year for one or more NIPs or emails (admins only).

    A POST so NIPs and emails travel in the body, never in URLs that end up in access logs.
    """
    body = json_body()
    q = body.get("q", "")
    if isinstance(q, list):
        q = "\n".join(str(x) for x in q)
    if not isinstance(q, str):
        raise Invalid("invalid", "q harus berupa teks atau daftar.", fields={"q": "Wajib berupa teks atau daftar."})
    people = services.participant_history(services.parse_keys(q), user=acting_user())
    db.session.commit()
    return jsonify({"items": people})
