"""The figures behind the dashboard, the PDF report, the XLSX workbook and the API; participants' history."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, or_, select

from bimtek.attendance import queries as attendance
from bimtek.certificates.queries import certificates_by_registration, certificates_summary
from bimtek.checkin import queries as checkin
from bimtek.core import audit
from bimtek.core.labels import label
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Invalid
from bimtek.evaluation import queries as evaluation
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db
from bimtek.i18n import to_zone
from bimtek.nominations import queries as nominations
from bimtek.reference import regions
from bimtek.registration.models import INSTITUTION_TYPES, STATUSES, Registration
from bimtek.reports import outcomes
from bimtek.reports.figures import minutes_distribution

# Above this many days, registrations over time are drawn per week so the chart stays readable.
DAILY_LIMIT = 62
COMMENT_LIMIT = 200


def registrations_over_time(created: list[datetime], tz: str) -> list[dict]:
    """New registrations per local day (or per week for long periods), with the running total."""
    if not created:
        return []
    # Indonesian zones have no daylight saving: one offset serves every timestamp (5,000 rows in ~2 ms).
    offset = to_zone(as_utc(created[0]), tz).utcoffset()
    days = Counter(
        ((c if c.tzinfo is None else c.astimezone(UTC).replace(tzinfo=None)) + offset).date() for c in created
    )
    first, last = min(days), max(days)
    weekly = (last - first).days + 1 > DAILY_LIMIT
    if weekly:
        start = first - timedelta(days=first.weekday())
        buckets: Counter[date] = Counter()
        for d, n in days.items():
            buckets[d - timedelta(days=d.weekday())] += n
        step, first = timedelta(days=7), start
        days = buckets
    else:
        step = timedelta(days=1)
    out, running, d = [], 0, first
    while d <= last:
        n = days.get(d, 0)
        running += n
        out.append({"date": d.isoformat(), "count": n, "cumulative": running, "weekly": weekly})
        d += step
    return out


def _event_json(event: Event) -> dict:
    province = ""
    if event.province_code:
        try:
            province = regions.province(event.province_code).name
        except regions.RegionError:
            province = ""
    return {
        "id": event.id,
        "title": event.title,
        "code": event.code,
        "status": event.status,
        "organizer_unit": event.organizer_unit,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address or "",
        "city": event.city,
        "province": province,
        "timezone": event.timezone,
        "starts_at": as_utc(event.starts_at).isoformat(),
        "ends_at": as_utc(event.ends_at).isoformat(),
        "onsite_capacity": event.onsite_capacity,
        "online_capacity": event.online_capacity,
        "approval_required": event.approval_required,
        "jp_total": round(sum(s.jp or 0 for s in event.sessions), 2),
        "sessions": [
            {"id": s.id, "title": s.title, "starts_at": as_utc(s.starts_at).isoformat(),
             "ends_at": as_utc(s.ends_at).isoformat(), "jp": s.jp,
             "speakers": [{"name": sp.name, "institution": sp.institution, "role": sp.role} for sp in s.speakers]}
            for s in event.sessions
        ],
    }  # fmt: skip


def event_report(event: Event, *, comment_limit: int | None = COMMENT_LIMIT) -> dict:
    """Every figure of an event's report as plain JSON-ready values."""
    groups = db.session.execute(
        select(
            Registration.status,
            Registration.mode,
            Registration.institution_type,
            Registration.province_code,
            func.count(),
        )
        .where(Registration.event_id == event.id)
        .group_by(Registration.status, Registration.mode, Registration.institution_type, Registration.province_code)
    ).all()
    by_status: Counter[str] = Counter()
    by_mode: dict[str, Counter[str]] = {"onsite": Counter(), "online": Counter()}
    by_type: Counter[str] = Counter()
    by_province: Counter[str] = Counter()
    for status, mode, itype, prov, n in groups:
        by_status[status] += n
        by_mode.setdefault(mode, Counter())[status] += n
        if status == "confirmed":
            by_type[itype] += n
            by_province[prov] += n
    total = sum(by_status.values())
    created = db.session.scalars(select(Registration.created_at).where(Registration.event_id == event.id)).all()
    provinces = [{"code": p.code, "name": p.name, "count": by_province.get(p.code, 0)} for p in regions.provinces()]
    known = {p["code"] for p in provinces}
    unknown = sum(n for code, n in by_province.items() if code not in known)
    scheduled = sum(s.minutes for s in event.sessions)
    confirmed = by_status.get("confirmed", 0)
    report = {
        "event": _event_json(event),
        "generated_at": utcnow().isoformat(),
        "registrations": {
            "total": total,
            "active": total - by_status.get("cancelled", 0) - by_status.get("rejected", 0),
            "by_status": {s: by_status.get(s, 0) for s in STATUSES},
            "by_mode": {
                m: {"capacity": event.capacity(m), **{s: by_mode.get(m, Counter()).get(s, 0) for s in STATUSES}}
                for m in ("onsite", "online")
            },
            "over_time": registrations_over_time(list(created), event.timezone),
            "by_institution_type": [
                {"key": t, "label": label("institution_type_short", t, "id"), "count": by_type.get(t, 0)}
                for t in INSTITUTION_TYPES
            ],
            "by_province": provinces,
            "province_unknown": unknown,
            "provinces_reached": sum(1 for p in provinces if p["count"]),
        },
        "evaluation": evaluation.results(event, comment_limit=comment_limit),
    }
    report["checkin"] = checkin.event_summary(event)
    minutes = attendance.online_minutes(event)
    report["online_minutes"] = minutes_distribution(minutes[0], scheduled, minutes[1]) if minutes else None
    report["eligibility"] = attendance.verdict_summary(event)
    report["certificates"] = certificates_summary(event)
    report["learning"] = outcomes.learning_section(event)
    report["materials"] = outcomes.materials_section(event)
    report["nominations"] = nominations.agency_report(event)
    report["summary"] = {
        "registrations": total,
        "confirmed": confirmed,
        "onsite_confirmed": report["registrations"]["by_mode"]["onsite"]["confirmed"],
        "online_confirmed": report["registrations"]["by_mode"]["online"]["confirmed"],
        "waitlisted": by_status.get("waitlisted", 0),
        "pending": by_status.get("pending", 0),
        "provinces_reached": report["registrations"]["provinces_reached"],
        "evaluations": report["evaluation"]["responses"],
        "evaluation_rate": report["evaluation"]["response_rate"],
        "overall_score": report["evaluation"]["overall"]["mean"],
        "checkin_rate": report["checkin"]["rate"] if report["checkin"] else None,
        "eligible": report["eligibility"]["eligible"] if report["eligibility"] else None,
        "certificates": report["certificates"]["total"] if report["certificates"] else None,
    }
    return report


# A participant's history across events --------------------------------------------------------------------

MAX_KEYS = 500
_SEPARATORS = re.compile(r"[\s,;]+")


def parse_keys(text: str) -> list[tuple[str, str]]:
    """NIPs and emails, one or many (separated by lines, commas or semicolons), as ("nip"|"email", value)."""
    keys: list[tuple[str, str]] = []
    bad: list[str] = []
    for chunk in _SEPARATORS.split(text or ""):
        chunk = chunk.strip()
        if not chunk:
            continue
        if "@" in chunk:
            keys.append(("email", chunk.lower()))
            continue
        digits = re.sub(r"[.\-]", "", chunk)
        if digits.isascii() and digits.isdigit() and len(digits) == 18:
            keys.append(("nip", digits))
        else:
            bad.append(chunk)
    if bad:
        # The typed text is not echoed back: it may hold anything, and messages are formatted with %.
        raise Invalid(
            "invalid",
            "Isi dengan NIP 18 digit atau alamat email.",
            fields={"q": "Ada isian yang bukan NIP 18 digit atau alamat email."},
        )
    if len(keys) > MAX_KEYS:
        raise Invalid(
            "invalid",
            f"Maksimal {MAX_KEYS} NIP atau email sekaligus.",
            fields={"q": "Maksimal 500 NIP atau email sekaligus."},
        )
    seen, out = set(), []
    for k in keys:
        if k not in seen:
            seen.add(k)
            out.append(k)
    return out


def participant_history(keys: list[tuple[str, str]], *, user=None, now: datetime | None = None) -> list[dict]:
    """For each NIP or email: the person's registrations across events and their JP per year.

    JP counts the sum of session JP of events that have ended and where the registration was confirmed;
    where eligibility verdicts exist, a registration judged not eligible counts 0 JP, and a certificate's
    own JP wins. Events still to come are listed with 0 JP.
    """
    if not keys:
        return []
    now = now or utcnow()
    nips = [v for k, v in keys if k == "nip"]
    emails = [v for k, v in keys if k == "email"]
    conds = []
    if nips:
        conds.append(Registration.nip.in_(nips))
    if emails:
        conds.append(Registration.email_key.in_(emails))
    rows = db.session.execute(
        select(Registration, Event).join(Event, Event.id == Registration.event_id).where(or_(*conds))
        .order_by(Event.starts_at, Registration.id)
    ).all()  # fmt: skip
    event_ids = {e.id for _r, e in rows}
    jp_by_event = dict(
        db.session.execute(
            select(EventSession.event_id, func.coalesce(func.sum(EventSession.jp), 0))
            .where(EventSession.event_id.in_(event_ids))
            .group_by(EventSession.event_id)
        ).all()
    ) if event_ids else {}  # fmt: skip
    reg_ids = [r.id for r, _e in rows]
    verdicts = attendance.final_verdicts_for(reg_ids)
    certificates = certificates_by_registration(reg_ids)
    out = []
    for kind, value in keys:
        mine = [(r, e) for r, e in rows if (r.nip == value if kind == "nip" else r.email_key == value)]
        items, per_year = [], Counter()
        for r, e in mine:
            local_start = to_zone(as_utc(e.starts_at), e.timezone)
            upcoming = as_utc(e.ends_at) > now
            jp = float(jp_by_event.get(e.id, 0)) if r.status == "confirmed" and not upcoming else 0.0
            eligible = verdicts.get(r.id)
            if eligible is False:
                jp = 0.0
            certs = certificates.get(r.id, [])
            cert_jp = [
                c["jp"] for c in certs if c.get("jp") is not None and c.get("status", "valid") in ("valid", "issued")
            ]
            if cert_jp:
                jp = float(max(cert_jp))
            per_year[local_start.year] += jp
            items.append({
                "registration_id": r.id,
                "code": r.code,
                "full_name": r.full_name,
                "nip": r.nip,
                "email": r.email,
                "institution_name": r.institution_name,
                "work_unit": r.work_unit,
                "event_id": e.id,
                "event_title": e.title,
                "event_code": e.code,
                "event_date": local_start.date().isoformat(),
                "city": e.city,
                "organizer_unit": e.organizer_unit,
                "mode": r.mode,
                "status": r.status,
                "eligible": eligible,
                "upcoming": upcoming,
                "jp": round(jp, 2),
                "certificates": certs,
            })  # fmt: skip
        name = items[-1]["full_name"] if items else ""
        out.append({
            "key": value,
            "kind": kind,
            "name": name,
            "registrations": items,
            "jp_per_year": [{"year": y, "jp": round(per_year[y], 2)} for y in sorted(per_year)],
            # Both features are always present now; the keys stay for the API's readers.
            "certificates_known": True,
            "eligibility_known": True,
        })  # fmt: skip
    # Reading people's records across events is a read of personal data: keep it in the audit log.
    audit.record("report.participant_history", actor=user,
                 details={"keys": len(keys), "registrations": len(rows)})  # fmt: skip
    return out
