"""The default design's front page: a centred text flow above the signatory block and the QR."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas as rl_canvas

from bimtek.certificates.pdf.drawing import _GOLD, _INK, _MUTED, _NAVY, _divider, _Doc, _draw_frame, _draw_lines, _image
from bimtek.certificates.pdf.kit import _draw_qr
from bimtek.certificates.pdf.model import PAGE_SIZE, CertificateData
from bimtek.certificates.pdf.text import _clean, _date_place_line, _field_text, fit_text

# The centred text must end above the signatory block; when a logo and long texts don't fit, the
# vertical gaps (and the logo) shrink by a common factor, down to _MIN_GAP_SCALE.
_FLOW_TOP = 188 * mm


_FLOW_BOTTOM = 67 * mm


_MIN_GAP_SCALE = 0.35


_TEXT_WIDTH = 225 * mm


def _flow_front(c: rl_canvas.Canvas | None, cert: CertificateData, fonts: dict[str, str], k: float) -> float:
    """Lay out (and draw, when ``c`` is given) the centred front text with gaps scaled by ``k``.

    Returns the lowest baseline used, so the caller can pick ``k`` before drawing.
    """
    width = PAGE_SIZE[0]
    cx = width / 2
    sans, sans_b, serif, serif_b = fonts["sans"], fonts["sans-bold"], fonts["serif"], fonts["serif-bold"]

    def lines_at(lines: Sequence[str], font: str, size: float, y: float, leading: float) -> float:
        if c is not None:
            return _draw_lines(c, lines, font, size, cx, y, leading=leading)
        return y - leading * (len(lines) - 1) if lines else y

    def single(text: str, font: str, size: float, y: float, char_space: float = 0) -> None:
        if c is not None:
            c.setFont(font, size)
            c.drawCentredString(cx, y, text, charSpace=char_space)

    def color(rgb: tuple[float, float, float]) -> None:
        if c is not None:
            c.setFillColorRGB(*rgb)

    y = _FLOW_TOP
    if cert.logo_path:
        logo_h = 17 * mm * k
        if c is not None:
            _image(c, cert.logo_path, cx - 30 * mm, y - logo_h, 60 * mm, logo_h, anchor="c")
        y -= logo_h + 3 * mm + 4.5 * mm * k
    else:
        y -= 3 * mm
    color(_NAVY)
    size, lines = fit_text(_clean(cert.organizer).upper(), sans_b, 12.5, 9, 200 * mm, 2)
    y = lines_at(lines, sans_b, size, y, size * 1.25)
    if c is not None:
        _divider(c, cx, y - (2 + 2.5 * k) * mm, 32 * mm)

    y -= (11 + 7 * k) * mm
    single("SERTIFIKAT", serif_b, 34, y, char_space=6)
    y -= (6 + 2 * k) * mm
    color(_INK)
    size, lines = fit_text(_field_text(cert, "number_line"), sans, 11, 8, _TEXT_WIDTH, 1)
    lines_at(lines, sans, size, y, size * 1.22)

    y -= (6 + 5 * k) * mm
    color(_MUTED)
    single("diberikan kepada", serif, 13, y)

    # The name sits in a fixed band; one or two lines are centred in it.
    band_top = y - (1 + 2 * k) * mm
    band_bottom = band_top - 22 * mm
    size, lines = fit_text(cert.name, serif_b, 30, 16, _TEXT_WIDTH, 2)
    leading = size * 1.18
    block = size * 0.72 + leading * (len(lines) - 1)
    first = (band_top + band_bottom) / 2 + block / 2 - size * 0.72
    color(_NAVY)
    lines_at(lines, serif_b, size, first, leading)
    if c is not None:
        c.setStrokeColorRGB(*_GOLD)
        c.setLineWidth(0.9)
        c.line(cx - 80 * mm, band_bottom, cx + 80 * mm, band_bottom)

    y = band_bottom - (5.5 + 2.5 * k) * mm
    outcome = _clean(cert.outcome_line)
    if outcome:
        color(_NAVY)
        size, lines = fit_text(outcome, sans_b, 12, 8, _TEXT_WIDTH, 1)
        lines_at(lines, sans_b, size, y, size * 1.2)
        y -= (6 + 2 * k) * mm
    if c is not None:
        role = _field_text(cert, "role")
        lead_w = pdfmetrics.stringWidth("sebagai ", sans, 13)
        role_size, _ = fit_text(role, sans_b, 13, 8, _TEXT_WIDTH - lead_w, 1)
        role_w = pdfmetrics.stringWidth(role, sans_b, role_size)
        x0 = cx - (lead_w + role_w) / 2
        c.setFillColorRGB(*_INK)
        c.setFont(sans, 13)
        c.drawString(x0, y, "sebagai ")
        c.setFont(sans_b, role_size)
        c.drawString(x0 + lead_w, y, role)

    y -= (5 + 2.5 * k) * mm
    color(_MUTED)
    single("dalam kegiatan", serif, 12, y)
    y -= (5 + 2 * k) * mm
    color(_NAVY)
    size, lines = fit_text(cert.event_title, serif_b, 15, 10.5, _TEXT_WIDTH, 2)
    y = lines_at(lines, serif_b, size, y, size * 1.25)

    color(_INK)
    organizer = _clean(cert.organizer)
    if organizer:
        y -= (4.5 + 2 * k) * mm
        size, lines = fit_text(f"yang diselenggarakan oleh {organizer}", sans, 11.5, 8.5, _TEXT_WIDTH, 2)
        y = lines_at(lines, sans, size, y, size * 1.22)
    detail = _date_place_line(cert)
    jp_text = _field_text(cert, "jp_text")
    if jp_text:
        detail = f"{detail} {jp_text}" if detail else jp_text.capitalize()
    if detail:
        y -= (4.5 + 1.5 * k) * mm
        size, lines = fit_text(detail, sans, 11.5, 8.5, _TEXT_WIDTH, 2)
        y = lines_at(lines, sans, size, y, size * 1.22)
    return y


def _gap_scale(cert: CertificateData, fonts: dict[str, str]) -> float:
    """Largest gap factor <= 1 that keeps the front text above the signatory block."""
    full = _flow_front(None, cert, fonts, 1.0)
    if full >= _FLOW_BOTTOM:
        return 1.0
    # The lowest baseline moves linearly with k, so two dry runs give the exact factor.
    none = _flow_front(None, cert, fonts, 0.0)
    if none <= full:
        return _MIN_GAP_SCALE
    return max(_MIN_GAP_SCALE, (none - _FLOW_BOTTOM) / (none - full))


def _draw_default_front(doc: _Doc, cert: CertificateData, fonts: dict[str, str]) -> None:
    c = doc.canvas
    width, height = PAGE_SIZE
    c.setPageSize(PAGE_SIZE)
    doc.form("bimtek-front", PAGE_SIZE, lambda cv: _draw_frame(cv, width, height, rosette=True))
    _flow_front(c, cert, fonts, _gap_scale(cert, fonts))
    _draw_signatory(c, cert, fonts, x=width - 75 * mm, top=60 * mm)
    if cert.verify_url:
        _draw_verification(c, cert, fonts, x=27 * mm, y=25 * mm, size=27 * mm)


def _draw_signatory(
    c: rl_canvas.Canvas,
    cert: CertificateData,
    fonts: dict[str, str],
    x: float,
    top: float,
    block_width: float = 88 * mm,
    name_baseline: float = 24 * mm,
) -> None:
    """Signatory block centred on x: issue line, jabatan, signature (or blank space), name, NIP."""
    sans, sans_b = fonts["sans"], fonts["sans-bold"]
    c.setFillColorRGB(*_INK)
    size, lines = fit_text(_field_text(cert, "issue_line"), sans, 11, 8, block_width, 1)
    y = _draw_lines(c, lines, sans, size, x, top)
    size, lines = fit_text(cert.signatory_title, sans, 11, 10, block_width, 3)
    if lines:
        y = _draw_lines(c, lines, sans, size, x, y - size * 1.3, leading=size * 1.22)
    if cert.signature_image_path:
        sig_top = y - 2.5 * mm
        sig_bottom = name_baseline + 4 * mm
        if sig_top - sig_bottom > 4 * mm:
            _image(c, cert.signature_image_path, x - 30 * mm, sig_bottom, 60 * mm, sig_top - sig_bottom, anchor="c")
    name = _clean(cert.signatory_name)
    if name:
        size, lines = fit_text(name, sans_b, 11, 8, block_width, 1)
        c.setFont(sans_b, size)
        c.drawCentredString(x, name_baseline, name)
        name_w = pdfmetrics.stringWidth(name, sans_b, size)
        c.setStrokeColorRGB(*_INK)
        c.setLineWidth(0.7)
        c.line(x - name_w / 2, name_baseline - 2, x + name_w / 2, name_baseline - 2)
    nip = _field_text(cert, "signatory_nip")
    if nip:
        size, lines = fit_text(nip, sans, 10, 7, block_width, 1)
        _draw_lines(c, lines, sans, size, x, name_baseline - 4.8 * mm)


def _draw_verification(
    c: rl_canvas.Canvas, cert: CertificateData, fonts: dict[str, str], x: float, y: float, size: float
) -> None:
    """QR with its lower-left at (x, y); a caption above and the verification code below."""
    _draw_qr(c, cert.verify_url, x, y, size)
    cx = x + size / 2
    c.setFillColorRGB(*_MUTED)
    c.setFont(fonts["sans"], 7)
    c.drawCentredString(cx, y + size + 3 * mm, "Pindai untuk verifikasi")
    code = _clean(cert.verification_code)
    if code:
        fsize, lines = fit_text(code, fonts["sans-bold"], 8.5, 6, size + 16 * mm, 1)
        c.setFillColorRGB(*_INK)
        _draw_lines(c, lines, fonts["sans-bold"], fsize, cx, y - 5.5 * mm)
