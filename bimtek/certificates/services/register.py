"""The certificate register: the staff list, counts, the API shape and the XLSX export."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from bimtek.certificates.models import ROLES, Certificate
from bimtek.core.codes import format_code
from bimtek.core.labels import LABELS, label
from bimtek.core.spreadsheet import safe_cell
from bimtek.events.models import Event
from bimtek.extensions import db


def list_query(event: Event, *, role: str = "", status: str = "", q: str = ""):
    """The staff list of an event's certificates, filtered by role, status and name/number."""
    stmt = select(Certificate).where(Certificate.event_id == event.id)
    if role in ROLES:
        stmt = stmt.where(Certificate.role == role)
    if status in LABELS["certificate_status"]:
        stmt = stmt.where(Certificate.status == status)
    q = (q or "").strip()
    if q:
        like = f"%{q.lower()}%"
        stmt = stmt.where(func.lower(Certificate.name).like(like) | func.lower(Certificate.number).like(like))
    return stmt


def counts(event: Event) -> dict:
    """How many certificates an event has per status, and valid ones per role."""
    rows = db.session.execute(
        select(Certificate.role, Certificate.status, func.count())
        .where(Certificate.event_id == event.id)
        .group_by(Certificate.role, Certificate.status)
    )
    out = {"total": 0, "valid": 0, "revoked": 0, "replaced": 0, "by_role": {r: 0 for r in ROLES}}
    for role, status, n in rows:
        out[status] += n
        out["total"] += n
        if status == "valid":
            out["by_role"][role] += n
    return out


def register_xlsx(event: Event) -> bytes:
    """The certificate register (all certificates, every status) as an XLSX workbook."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Register Sertifikat")
    ws.append(["No", "Nomor", "Nama", "Peran", "Status", "Tanggal terbit", "JP", "Kode verifikasi",
               "Penandatangan", "Alasan pencabutan", "Diganti dengan", "Ditandatangani", "SHA-256"])  # fmt: skip
    certs = db.session.scalars(
        select(Certificate).where(Certificate.event_id == event.id).order_by(Certificate.series_id, Certificate.seq)
    ).all()
    numbers = {c.id: c.number for c in certs}
    for i, c in enumerate(certs, start=1):
        signed = "TTE" if c.tte_signed else ("PAdES" if c.pades_signed else "")
        ws.append([safe_cell(v) for v in (
            i, c.number, c.name, label("role", c.role, "id").upper(), label("certificate_status", c.status, "id").upper(), c.issue_date.isoformat(),
            c.jp, format_code(c.verification_code), c.signatory_name, c.revoke_reason or "",
            numbers.get(c.replaced_by_id, ""), signed, c.served_sha256,
        )])  # fmt: skip
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
