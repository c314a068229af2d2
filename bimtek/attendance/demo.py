"""Demo attendance for the finished Batam bimtek: a Zoom report run through the real import, a review
queue with a few names to link, the 70% rule and the verdicts certificates are issued from."""

from __future__ import annotations

import csv
import io
import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bimtek.attendance import services, verdicts
from bimtek.core.time import as_utc
from bimtek.registration.models import Registration

HEADER = ["Name (Original Name)", "User Email", "Join Time", "Leave Time", "Duration (Minutes)", "Guest",
          "Recording Consent", "In Waiting Room"]  # fmt: skip
INSTANSI_PREFIX = {
    "Kementerian Keuangan": "KEMENKEU",
    "Kementerian Dalam Negeri": "KEMENDAGRI",
    "Pemerintah Provinsi Kepulauan Riau": "PEMPROV KEPRI",
    "Dinas Kominfo Kota Batam": "DISKOMINFO BATAM",
    "Pemerintah Kabupaten Badung": "PEMKAB BADUNG",
    "Dinas Kominfo Provinsi Sulawesi Selatan": "DISKOMINFO SULSEL",
    "Pemerintah Kota Jayapura": "PEMKOT JAYAPURA",
    "Pemerintah Provinsi Jawa Timur": "PEMPROV JATIM",
    "Dinas Kominfo Kabupaten Kutai Kartanegara": "DISKOMINFO KUKAR",
    "Universitas Riau Kepulauan": "UNRIKA",
}


def _stamp(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%m/%d/%Y %I:%M:%S %p")


def zoom_report(event, registrations: list[Registration], seed: int = 2022) -> tuple[bytes, list[int]]:
    """A Zoom participants report for the whole day, and the ids of the people shown as guests."""
    rnd = random.Random(seed)
    zone = ZoneInfo(event.timezone)
    sessions = sorted(event.sessions, key=lambda s: s.starts_at)
    day_start, day_end = as_utc(sessions[0].starts_at), as_utc(sessions[-1].ends_at)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(HEADER)
    guests: list[int] = []
    writer.writerow(["Humas Kominfo (Host)", "humas@kominfo.go.id", _stamp(day_start - timedelta(minutes=20), zone),
                     _stamp(day_end + timedelta(minutes=10), zone), 230, "No", "Y", "N"])  # fmt: skip
    for n, reg in enumerate(registrations):
        roll = rnd.random()
        if roll < 0.05:
            continue  # registered, never joined
        join = day_start + timedelta(minutes=rnd.randint(-12, 6), seconds=rnd.randint(0, 59))
        if roll < 0.18:
            leave = day_start + timedelta(minutes=rnd.randint(55, 100))  # a short stay: left during session 2
        elif roll < 0.28:
            leave = day_end - timedelta(minutes=rnd.randint(55, 75))  # left early in session 3
        else:
            leave = day_end + timedelta(minutes=rnd.randint(-3, 12))
        stays = [(join, leave)]
        if rnd.random() < 0.35:
            # Dropped and rejoined (bad connection): two or three rows for one person.
            cut = join + (leave - join) * rnd.uniform(0.3, 0.7)
            back = cut + timedelta(minutes=rnd.randint(1, 6), seconds=rnd.randint(0, 59))
            stays = [(join, cut), (back, leave)] if back < leave else stays
        guest = n % 11 == 5
        prefix = INSTANSI_PREFIX.get(reg.institution_name, "")
        base_name = reg.full_name.split(",")[0]
        display = base_name if guest else (f"{prefix}_{reg.full_name}" if prefix else reg.full_name)
        if guest:
            guests.append(reg.id)
        for start, end in stays:
            minutes = max(1, round((end - start).total_seconds() / 60))
            email = "" if guest else reg.email
            writer.writerow([display if guest else f"{display} ({base_name})", email, _stamp(start, zone),
                             _stamp(end, zone), minutes, "Yes" if guest else "No", "Y", "N"])  # fmt: skip
    writer.writerow(["iPhone", "", _stamp(day_start + timedelta(minutes=40), zone),
                     _stamp(day_start + timedelta(minutes=52), zone), 12, "Yes", "Y", "N"])  # fmt: skip
    return ("\ufeff" + out.getvalue()).encode("utf-8"), guests


def seed(ctx: dict) -> None:
    """Import the Batam Zoom report for every session, link most guests, set the rule, compute verdicts."""
    event = ctx["finished"]
    organizer = ctx["users"]["organizer"]
    online = select_registrations(event.id, "online")
    data, guests = zoom_report(event, online)
    # One Zoom meeting for the whole day, as at the real event: one report, a preview per session.
    services.upload_report_all_sessions(event, "participants_81234567890.csv", data, user=organizer)
    services.confirm_all(event, user=organizer)
    # The organizer recognised all but the last guest; the link carries over to the other sessions.
    for reg_id in guests[:-1]:
        # Names repeat in the demo (two "Budi Maharani"): the organizer knows which one joined as a guest.
        row = next((r for r in services.review_queue(event.id) if reg_id in (r.candidate_ids or [])), None)
        if row is not None:
            services.link_row(row, reg_id, user=organizer)
    host = services.review_queue(event.id)
    for row in host:
        if row.display_name.startswith(("Humas Kominfo", "iPhone")):
            services.dismiss_row(row, user=organizer)
    verdicts.save_rule(event, {"min_session_percent": 70, "jp_minutes": 45}, user=organizer)
    verdicts.compute_verdicts(event, user=organizer)
    # One documented exception, to show how an override reads in the matrix and the audit log.
    short = next((r for r in verdicts.evaluated_registrations(event) if _not_eligible(r.id)), None)
    if short is not None:
        verdicts.override_verdict(
            short, True, "Gangguan jaringan di daerah peserta; hadir penuh menurut laporan moderator.", user=organizer
        )


def select_registrations(event_id: int, mode: str) -> list[Registration]:
    """Confirmed registrations of a mode, in registration order."""
    from bimtek.extensions import db

    return list(
        db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.mode == mode, Registration.status == "confirmed")
            .order_by(Registration.id)
        )
    )


def _not_eligible(registration_id: int) -> bool:
    verdict = verdicts.verdict_for(registration_id)
    return verdict is not None and not verdict.eligible and verdict.registration.mode == "online"
