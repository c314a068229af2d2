"""An uploaded background with organizer-positioned fields (millimetres from the top-left corner)."""

from __future__ import annotations

import hashlib
from pathlib import Path

from reportlab.lib.units import mm

from bimtek.certificates.pdf.drawing import _Doc, _draw_lines, _image
from bimtek.certificates.pdf.kit import _draw_qr
from bimtek.certificates.pdf.model import CertificateData, CertificateRenderError, TemplateSpec
from bimtek.certificates.pdf.text import _field_text, fit_text


def _hex_rgb(color: str) -> tuple[float, float, float]:
    return int(color[1:3], 16) / 255, int(color[3:5], 16) / 255, int(color[5:7], 16) / 255


def _draw_template_front(doc: _Doc, cert: CertificateData, template: TemplateSpec, fonts: dict[str, str]) -> None:
    c = doc.canvas
    pagesize = (template.page_width_mm * mm, template.page_height_mm * mm)
    page_h = pagesize[1]
    c.setPageSize(pagesize)
    background = Path(template.background_jpeg_path)
    if not background.is_file():
        raise CertificateRenderError("image_missing", detail=background.name)
    doc.form(
        f"bimtek-bg-{hashlib.sha256(str(background).encode()).hexdigest()[:12]}",
        pagesize,
        lambda cv: cv.drawImage(str(background), 0, 0, pagesize[0], pagesize[1]),
    )
    # Sorted so that the drawing order, and therefore the bytes, never depend on dict order.
    for name in sorted(template.fields):
        spec = template.fields[name]
        box_x, box_w = spec.x_mm * mm, spec.width_mm * mm
        top = page_h - spec.y_mm * mm
        if name == "qr":
            if cert.verify_url:
                _draw_qr(c, cert.verify_url, box_x, top - box_w, box_w)
            continue
        if name in ("signature", "logo"):
            path = cert.signature_image_path if name == "signature" else cert.logo_path
            if path:
                box_h = box_w * (0.45 if name == "signature" else 1.0)
                _image(c, path, box_x, top - box_h, box_w, box_h, anchor="n")
            continue
        text = _field_text(cert, name)
        font = fonts[spec.font]
        size, lines = fit_text(text, font, spec.size_pt, max(spec.size_pt * 0.6, 5), box_w, spec.max_lines)
        anchor = {"left": box_x, "center": box_x + box_w / 2, "right": box_x + box_w}[spec.align]
        c.setFillColorRGB(*_hex_rgb(spec.color))
        _draw_lines(c, lines, font, size, anchor, top, align=spec.align)
