"""Starting a bulk issue job: the request is checked here; the job body lives in tasks.py."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bimtek.certificates import numbering
from bimtek.certificates.models import Certificate, CertificateSeries, CertificateSettings
from bimtek.certificates.services.holders import holders_for
from bimtek.certificates.services.settings import get_settings, issue_date, series_code
from bimtek.core import audit
from bimtek.core.time import as_utc, utcnow
from bimtek.errors import Conflict, Invalid
from bimtek.events.models import Event
from bimtek.extensions import db

ISSUE_SCOPES = ("eligible", "selected", "speakers", "panitia")


def _check_number_free(event: Event, settings: CertificateSettings) -> None:
    """Refuse to start when the next number is already another event's (same series code and pattern)."""
    code = series_code(event, settings)
    series = db.session.scalar(
        select(CertificateSeries).where(CertificateSeries.event_id == event.id, CertificateSeries.code == code)
    )
    seq = series.next_seq if series else 1
    try:
        number = numbering.format_number(settings.number_pattern, seq, code, issue_date(event, settings))
    except numbering.NumberingError as err:
        raise Invalid("invalid", str(err), fields={"number_pattern": str(err)}) from err
    clash = db.session.scalar(
        select(Certificate.id).where(Certificate.number == number, Certificate.event_id != event.id).limit(1)
    )
    if clash is not None:
        raise Conflict(
            "number_taken",
            f"Nomor {number} sudah dipakai sertifikat kegiatan lain. Ubah kode seri atau pola nomor di pengaturan.",
        )


EARLY_REASON_MAX = 500


def event_ended(event: Event, *, now: datetime | None = None) -> bool:
    """Whether the event is over (certificates are issued after it, unless an organizer says why not)."""
    return as_utc(event.ends_at) <= (now or utcnow())


def early_issue_reason(event: Event, raw: dict, *, now: datetime | None = None) -> str | None:
    """Refuse to issue before the event has ended, unless the organizer gives a reason (returned, cleaned).

    A certificate states that someone took part; before the end nobody has, so an early issue is an
    exception the organizer owns: the reason goes into the audit log with the job.
    """
    reason = " ".join(str(raw.get("early_issue_reason") or "").split())
    if len(reason) > EARLY_REASON_MAX:
        raise Invalid(
            "invalid", "Alasan maksimal 500 karakter.", fields={"early_issue_reason": "Maksimal 500 karakter."}
        )
    if event_ended(event, now=now):
        return None
    if not reason:
        raise Conflict(
            "event_not_ended",
            "Kegiatan belum selesai. Sertifikat baru dapat diterbitkan setelah kegiatan berakhir, "
            "kecuali panitia menuliskan alasan penerbitan lebih awal.",
            fields={"early_issue_reason": "Wajib diisi untuk menerbitkan sebelum kegiatan berakhir."},
        )
    return reason


def start_issue_job(event: Event, raw: dict, *, user, now: datetime | None = None):
    """Check an issue request and record its job (the caller commits, then enqueues the task)."""
    from bimtek.jobs import start_job

    scope = raw.get("scope") or "eligible"
    if scope not in ISSUE_SCOPES:
        raise Invalid("invalid", "Cakupan penerbitan tidak dikenal.", fields={"scope": "Tidak dikenal."})
    early = early_issue_reason(event, raw, now=now)
    settings = get_settings(event)
    if not settings.signatory_name:
        raise Invalid(
            "no_signatory", "Isi nama pejabat penandatangan di pengaturan sertifikat terlebih dahulu.",
            fields={"signatory_name": "Wajib diisi sebelum menerbitkan."},
        )  # fmt: skip
    ids = raw.get("registration_ids") or []
    names = raw.get("names") or []
    if isinstance(names, str):
        names = names.splitlines()
    try:
        ids = [int(i) for i in ids]
    except (TypeError, ValueError) as err:
        raise Invalid("invalid", "Daftar peserta tidak valid.", fields={"registration_ids": "Harus angka."}) from err
    if scope == "selected" and not ids:
        raise Invalid("invalid", "Pilih minimal satu peserta.", fields={"registration_ids": "Pilih peserta."})
    if scope == "panitia" and not any(str(n).strip() for n in names):
        raise Invalid("invalid", "Tulis minimal satu nama panitia.", fields={"names": "Wajib diisi."})
    holders = holders_for(event, scope, registration_ids=ids, names=names)
    _check_number_free(event, settings)
    params = {
        "scope": scope,
        "registration_ids": ids,
        "names": [h.name for h in holders] if scope == "panitia" else [],
        "notify": raw.get("notify", True) in (True, "1", "on", "y", "true", 1),
    }
    job = start_job("certificates.issue", event_id=event.id, total=len(holders), params=params, user=user)
    details = {"scope": scope, "total": len(holders)}
    if early:
        details["early_issue_reason"] = early
    audit.record("certificates.issue_start", job, event_id=event.id, actor=user, details=details)
    return job


def job_json(job) -> dict:
    """A job's progress as the progress bar and the API read it (CertificateJobSchema)."""
    from bimtek.api.schemas import dump
    from bimtek.certificates.schemas import CertificateJobSchema

    return dump(CertificateJobSchema, job)
