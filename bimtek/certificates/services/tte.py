"""Official TTE: export unsigned PDFs per signatory, import the signed copies back and check them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from bimtek.certificates import signing as sig
from bimtek.certificates.models import Certificate
from bimtek.certificates.pdf.render import pdf_sha256
from bimtek.certificates.services.delivery import file_name
from bimtek.certificates.services.storage import write_atomic
from bimtek.core import audit
from bimtek.core.time import utcnow
from bimtek.errors import Invalid
from bimtek.events.models import Event
from bimtek.extensions import db

ZIP_MAX_FILES = 5000


ZIP_MAX_TOTAL = 300 * 1024 * 1024


ZIP_MAX_ENTRY = 25 * 1024 * 1024  # a signed certificate is well under 1 MB


def tte_signatories(event: Event) -> list[tuple[str, int]]:
    """Signatories of valid certificates not yet TTE-signed, with how many each has to sign."""
    rows = db.session.execute(
        select(Certificate.signatory_name, func.count())
        .where(Certificate.event_id == event.id, Certificate.status == "valid", Certificate.tte_signed.is_(False))
        .group_by(Certificate.signatory_name)
        .order_by(Certificate.signatory_name)
    )
    return [(name, n) for name, n in rows]


def tte_export_certs(event: Event, signatory: str) -> list[Certificate]:
    """A signatory's valid certificates that still wait for a TTE signature."""
    return list(
        db.session.scalars(
            select(Certificate)
            .where(
                Certificate.event_id == event.id,
                Certificate.status == "valid",
                Certificate.tte_signed.is_(False),
                Certificate.signatory_name == signatory,
            )
            .order_by(Certificate.seq)
        )
    )


def expand_uploads(files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes]]:
    """PDFs from uploaded files, unpacking ZIPs (bounded in count and size)."""
    out: list[tuple[str, bytes]] = []
    total = 0
    for name, data in files:
        if data[:4] == b"PK\x03\x04":
            try:
                with zipfile.ZipFile(io.BytesIO(data)) as zf:
                    for info in zf.infolist():
                        if info.is_dir() or not info.filename.lower().endswith(".pdf"):
                            continue
                        total += info.file_size
                        if len(out) >= ZIP_MAX_FILES or total > ZIP_MAX_TOTAL or info.file_size > ZIP_MAX_ENTRY:
                            raise Invalid("too_large", "Arsip ZIP terlalu besar.")
                        out.append((info.filename.rsplit("/", 1)[-1], zf.read(info)))
            except zipfile.BadZipFile as err:
                raise Invalid("bad_zip", f"Berkas ZIP {name} rusak.") from err
        else:
            out.append((name, data))
    return out


@dataclass
class ImportLine:
    """One line of the TTE import report."""

    file: str
    ok: bool
    message: str
    number: str = ""


def _match_number(event: Event, filename: str, data: bytes) -> Certificate | None:
    title = sig.pdf_title(data)
    candidates = []
    if title:
        candidates.append(title)
    stem = filename.rsplit(".", 1)[0]
    for suffix in ("_signed", "-signed", "_ttd", "-ttd", " (signed)"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    candidates.append(stem)
    for text in candidates:
        cert = db.session.scalar(
            select(Certificate).where(Certificate.event_id == event.id, Certificate.number == text)
        )
        if cert is not None:
            return cert
    # Export names replace "/" (not allowed in file names) with "_"; compare in that form.
    wanted = {re.sub(r"[^A-Za-z0-9._-]+", "_", c).strip("_") for c in candidates}
    for cert in db.session.scalars(select(Certificate).where(Certificate.event_id == event.id)):
        if file_name(cert)[:-4] in wanted:
            return cert
    return None


CHECK_MESSAGES = {
    "not_pdf": "bukan PDF bertanda tangan yang dapat dibaca",
    "not_prefix": "isi tidak sama dengan sertifikat yang diterbitkan (berkas diubah atau bukan versi final)",
    "no_new_signature": "tidak ada tanda tangan elektronik baru",
    "broken_signature": "tanda tangan elektronik rusak",
}


def tte_import(event: Event, files: Iterable[tuple[str, bytes]], *, user) -> list[ImportLine]:
    """Pair signed PDFs with certificates by number, check the issued bytes are unchanged, keep the file."""
    report = []
    for filename, data in expand_uploads(files):
        cert = _match_number(event, filename, data)
        if cert is None:
            report.append(ImportLine(filename, False, "nomor sertifikat tidak ditemukan pada kegiatan ini"))
            continue
        if cert.status != "valid":
            report.append(ImportLine(filename, False, "sertifikat sudah dicabut atau diganti", cert.number))
            continue
        digest = pdf_sha256(data)
        if cert.tte_signed:
            same = digest == cert.signed_sha256
            report.append(
                ImportLine(
                    filename,
                    same,
                    "sudah diimpor sebelumnya" if same else "sertifikat sudah bertanda tangan TTE",
                    cert.number,
                )
            )
            continue
        check = sig.check_signed_copy(data, cert.pdf_size, cert.sha256)
        if not check.ok:
            report.append(ImportLine(filename, False, CHECK_MESSAGES[check.code], cert.number))
            continue
        cert.signed_pdf_path = f"certificates/{event.id}/{cert.verification_code}-tte.pdf"
        write_atomic(cert.signed_pdf_path, data)
        cert.signed_sha256, cert.tte_signed, cert.signed_at = digest, True, utcnow()
        audit.record("certificate.tte_import", cert, event_id=event.id, actor=user,
                     details={"number": cert.number, "sha256": digest})  # fmt: skip
        report.append(ImportLine(filename, True, "tanda tangan diterima", cert.number))
    db.session.flush()
    return report
