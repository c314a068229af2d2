"""The one error a certificate render raises, with a machine-readable code."""

from __future__ import annotations

_MESSAGES = {
    "font_missing": "Berkas font untuk sertifikat tidak ditemukan.",
    "image_missing": "Berkas gambar untuk sertifikat tidak ditemukan.",
    "template_unknown_field": "Templat sertifikat memuat kolom yang tidak dikenal.",
    "template_bad_value": "Pengaturan kolom templat sertifikat tidak valid.",
    "no_certificates": "Tidak ada sertifikat untuk dicetak.",
}


class CertificateRenderError(ValueError):
    """A certificate cannot be rendered (missing font/image, bad template); ``code`` is machine-readable."""

    def __init__(self, code: str, message: str | None = None, *, detail: str = "") -> None:
        self.code = code
        self.detail = detail
        text = message or _MESSAGES.get(code, "Sertifikat tidak dapat dibuat.")
        if detail:
            text = f"{text} ({detail})"
        super().__init__(text)
