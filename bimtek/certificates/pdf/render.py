"""Rendering entry points: one certificate, many in one file, and the SHA-256 the register keeps."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from reportlab.lib.units import mm

from bimtek.certificates.pdf.back import _draw_back_pages
from bimtek.certificates.pdf.background import _draw_template_front
from bimtek.certificates.pdf.drawing import _Doc
from bimtek.certificates.pdf.front import _draw_default_front
from bimtek.certificates.pdf.kit import register_fonts
from bimtek.certificates.pdf.model import PAGE_SIZE, CertificateData, CertificateRenderError, TemplateSpec
from bimtek.certificates.pdf.text import _clean


def _render_pages(doc: _Doc, cert: CertificateData, template: TemplateSpec | None, fonts: dict[str, str]) -> None:
    if template is None:
        _draw_default_front(doc, cert, fonts)
    else:
        _draw_template_front(doc, cert, template, fonts)
    if cert.sessions:
        doc.canvas.showPage()
        _draw_back_pages(doc, cert, fonts)
    doc.canvas.showPage()


def _first_pagesize(template: TemplateSpec | None) -> tuple[float, float]:
    if template is None:
        return PAGE_SIZE
    return template.page_width_mm * mm, template.page_height_mm * mm


def render_certificate(cert: CertificateData, template: TemplateSpec | None, fonts_dir: Path) -> bytes:
    """Render one certificate (front page, plus back pages if it has sessions) to PDF bytes."""
    fonts = register_fonts(fonts_dir)
    doc = _Doc(_clean(cert.number) or "Sertifikat", _first_pagesize(template), specimen=cert.specimen)
    _render_pages(doc, cert, template, fonts)
    return doc.finish()


def render_many(certs: Iterable[CertificateData], template: TemplateSpec | None, fonts_dir: Path) -> bytes:
    """Render many certificates into one PDF for preview or printing; backgrounds are shared forms."""
    fonts = register_fonts(fonts_dir)
    items = list(certs)
    if not items:
        raise CertificateRenderError("no_certificates")
    title = _clean(items[0].number)
    if len(items) > 1:
        title = f"{title} s.d. {_clean(items[-1].number)} ({len(items)} sertifikat)"
    doc = _Doc(title, _first_pagesize(template), specimen=any(c.specimen for c in items))
    for cert in items:
        _render_pages(doc, cert, template, fonts)
    return doc.finish()


def pdf_sha256(data: bytes) -> str:
    """Hex SHA-256 of PDF bytes, as stored at issue and shown on the verification page."""
    return hashlib.sha256(data).hexdigest()
