"""Downloads: the served file (signed copy when there is one), file names, ZIP streams."""

from __future__ import annotations

import io
import logging
import re
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from flask import current_app, send_file
from sqlalchemy import select

from bimtek.certificates.models import Certificate
from bimtek.certificates.pdf.errors import CertificateRenderError
from bimtek.certificates.pdf.kit import FONTS_DIR
from bimtek.certificates.pdf.render import pdf_sha256, render_certificate
from bimtek.certificates.services.storage import stored_path, write_atomic
from bimtek.core import audit
from bimtek.errors import DomainError
from bimtek.events.models import Event
from bimtek.extensions import db
from bimtek.registration.models import Registration

log = logging.getLogger("bimtek.certificates")


def served_file(cert: Certificate) -> Path:
    """The file people download: the TTE-signed copy byte for byte when there is one, else the original."""
    return stored_path(cert.signed_pdf_path if cert.tte_signed and cert.signed_pdf_path else cert.pdf_path)


class CertificateFileLost(DomainError):
    """An issued PDF is missing and cannot be re-created byte for byte: say so, never serve other bytes."""

    status = 409


def ensure_file(cert: Certificate, *, actor=None) -> Path:
    """The served file, re-rendered from the frozen snapshot when it is missing from instance/.

    A database restored without its files would otherwise lose every download. The snapshot (plus the
    settings' images and the deterministic renderer) gives the same bytes again; the SHA-256 in the register
    proves it, so only a byte-identical file is written and served, and the repair is audited and logged.
    A signed copy (PAdES or TTE) carries a signing time and cannot be re-made: that is said clearly.
    """
    path = served_file(cert)
    if path.is_file():
        return path
    log.warning("Certificate file missing: certificate %s, %s", cert.id, cert.pdf_path)
    if cert.tte_signed or cert.pades_signed:
        raise CertificateFileLost(
            "file_lost_signed",
            "Berkas sertifikat bertanda tangan elektronik tidak ditemukan di server dan tidak dapat dibuat "
            "ulang. Panitia perlu memulihkannya dari cadangan.",
        )
    from bimtek.certificates.services.issuing import certificate_data
    from bimtek.certificates.services.settings import get_settings, template_spec

    settings = get_settings(db.session.get(Event, cert.event_id))
    base_url = current_app.config["BASE_URL"].rstrip("/")
    try:
        data = render_certificate(certificate_data(cert, settings, base_url), template_spec(settings), FONTS_DIR)
    except CertificateRenderError as err:
        log.warning("Certificate %s could not be re-rendered: %s", cert.id, err.code)
        data = b""
    digest = pdf_sha256(data)
    if digest != cert.sha256:
        log.error("Certificate %s re-rendered with a different SHA-256; not served", cert.id)
        audit.record("certificate.file_mismatch", cert, event_id=cert.event_id, actor=actor,
                     details={"number": cert.number, "register_sha256": cert.sha256, "rendered_sha256": digest})  # fmt: skip
        raise CertificateFileLost(
            "file_mismatch",
            "Berkas sertifikat tidak ditemukan di server, dan cetak ulangnya tidak sama dengan register "
            "(SHA-256 berbeda), sehingga tidak diberikan. Panitia perlu memulihkan berkas asli dari cadangan.",
            sha256=cert.sha256,
        )
    write_atomic(cert.pdf_path, data)
    audit.record("certificate.file_repaired", cert, event_id=cert.event_id, actor=actor,
                 details={"number": cert.number, "sha256": digest})  # fmt: skip
    log.warning("Certificate %s re-rendered from its snapshot; SHA-256 matches the register", cert.id)
    return path


def pdf_response(cert: Certificate, *, attachment: bool = True, actor=None):
    """The served file as a download, byte for byte (re-created first if it went missing)."""
    # Read whole (certificates are small): the response never holds an open file past the request.
    resp = send_file(
        io.BytesIO(ensure_file(cert, actor=actor).read_bytes()),
        mimetype="application/pdf",
        as_attachment=attachment,
        download_name=file_name(cert),
        conditional=False,
        etag=False,
        max_age=0,
    )
    resp.headers["Cache-Control"] = "no-store"
    return resp


def file_name(cert: Certificate) -> str:
    """A download file name from the number ("/" is not allowed in file names)."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "_", cert.number).strip("_") or str(cert.id)
    return f"{safe}.pdf"


def current_for_registration(registration: Registration) -> Certificate | None:
    """The participant's current certificate (valid or revoked), if any."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.registration_id == registration.id,
            Certificate.role == "peserta",
            Certificate.current_flag.is_(True),
        )
    )


class _Sink(io.RawIOBase):
    """A write-only, unseekable stream that hands its bytes to a generator."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, b) -> int:
        self.chunks.append(bytes(b))
        return len(b)

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def zip_stream(entries: Iterable[tuple[str, Path]]) -> Iterator[bytes]:
    """Stream a ZIP (stored, not deflated: PDFs barely compress) of (name in zip, file path) pairs."""
    sink = _Sink()
    seen: set[str] = set()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, path in entries:
            base, n = name, 2
            while name in seen:
                name, n = base.replace(".pdf", f"-{n}.pdf"), n + 1
            seen.add(name)
            with zf.open(name, "w") as dst, open(path, "rb") as src:
                while chunk := src.read(1 << 16):
                    dst.write(chunk)
            yield sink.take()
    yield sink.take()


def zip_entries(certs: Iterable[Certificate]) -> Iterator[tuple[str, Path]]:
    """(name in the ZIP, file) for certificates, the signed copies when there are."""
    for cert in certs:
        yield file_name(cert), ensure_file(cert)
