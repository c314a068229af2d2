"""One participant's story for the staff page: registered, changes, check-ins, Zoom minutes, presensi,
evaluation, verdict, certificate, in plain words and in time order.

Other features are read through their queries modules (plain values), never their tables. Audit rows of
mere reads (``registration.view``) are left out: staff want what happened to the person, not who looked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext as _

from bimtek.core import audit
from bimtek.core.labels import LABELS, label
from bimtek.core.time import as_utc
from bimtek.registration.models import Registration

SKIPPED = {"registration.view"}


@dataclass(frozen=True)
class Entry:
    """One line of the timeline: when, what (a label), a detail in words, and a kind for the icon/colour."""

    at: datetime
    title: str
    detail: str = ""
    kind: str = "info"


def _audit_entries(reg: Registration) -> list[Entry]:
    out = []
    for row in audit.history("registration", reg.id):
        if row.action in SKIPPED:
            continue
        title = label("audit_action", row.action) if row.action in LABELS["audit_action"] else _("Perubahan lain")
        detail = ""
        if row.action == "registration.create":
            detail = label("registration_source", reg.source)
        elif row.action == "registration.mode_change":
            detail = label("mode", reg.mode)
        by = row.actor_label if row.actor_label and row.actor_label not in ("system", "demo") else ""
        if by and row.action != "registration.create":
            detail = (detail + " · " if detail else "") + _("oleh %(who)s", who=by)
        kind = "email" if row.action == "registration.resend" else "registration"
        out.append(Entry(as_utc(row.at), title, detail, kind))
    return out


def build(reg: Registration) -> list[Entry]:
    """The participant's timeline, oldest first."""
    from bimtek.attendance import queries as attendance
    from bimtek.certificates import queries as certificates
    from bimtek.checkin import queries as checkin
    from bimtek.evaluation import queries as evaluation

    event = reg.event
    sessions = {s.id: s.title for s in event.sessions}
    end = as_utc(event.ends_at)
    out = _audit_entries(reg)
    for sid, stay in checkin.venue_stays(event, [reg.id]).get(reg.id, {}).items():
        out.append(Entry(as_utc(stay.entered_at), _("Check-in di lokasi"), sessions.get(sid, ""), "checkin"))
        if stay.left_at:
            out.append(Entry(as_utc(stay.left_at), _("Keluar dari lokasi"), sessions.get(sid, ""), "checkin"))
    minutes = attendance.online_minutes(event)
    if minutes is not None and reg.id in minutes[0]:
        out.append(Entry(end, _("Kehadiran Zoom"), _("%(m)s menit", m=round(minutes[0][reg.id])), "zoom"))
    for at, sid in attendance.presensi_times(reg.id):
        out.append(Entry(at, _("Mengisi presensi"), sessions.get(sid, ""), "presensi"))
    ev = evaluation.person_history(reg.id)
    for at in ev["invited_at"]:
        out.append(Entry(as_utc(at), _("Email undangan evaluasi dikirim"), "", "email"))
    if ev["submitted_at"]:
        out.append(Entry(as_utc(ev["submitted_at"]), _("Mengisi evaluasi"), "", "evaluation"))
    verdict = attendance.final_verdict(reg.id)
    if verdict is not None:
        title = _("Memenuhi syarat sertifikat") if verdict.final else _("Belum memenuhi syarat sertifikat")
        detail = "; ".join(attendance.reason_text(r) for r in verdict.reasons)
        if verdict.override is not None:
            detail = (detail + " · " if detail else "") + _("diputuskan panitia")
        out.append(Entry(end, title, detail, "verdict"))
    for cert in certificates.certificates_by_registration([reg.id]).get(reg.id, []):
        at = datetime.fromisoformat(cert["issued_at"]) if cert["issued_at"] else end
        role, status = label("role", cert["role"]), label("certificate_status", cert["status"])
        detail = " · ".join(p for p in (cert["number"], role, status) if p)
        out.append(Entry(as_utc(at), _("Sertifikat diterbitkan"), detail, "certificate"))
    return sorted(out, key=lambda e: e.at)
