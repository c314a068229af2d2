"""What a certificate prints and how an uploaded background places it: plain frozen values."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape

from bimtek.certificates.pdf.errors import CertificateRenderError
from bimtek.certificates.pdf.kit import FONT_FILES

PAGE_SIZE: tuple[float, float] = landscape(A4)


# Fields a TemplateSpec may position. Text fields take the value from CertificateData (some are composed
# phrases); "qr", "signature" and "logo" are graphics placed in a box of width_mm whose top is at y_mm.
TEMPLATE_TEXT_FIELDS: frozenset[str] = frozenset(
    {
        "number",
        "number_line",
        "name",
        "role",
        "role_line",
        "event_title",
        "organizer",
        "date_text",
        "place_text",
        "date_place",
        "jp",
        "jp_text",
        "issue_place",
        "issue_date_text",
        "issue_line",
        "signatory_title",
        "signatory_name",
        "signatory_nip",
        "verification_code",
    }
)


TEMPLATE_GRAPHIC_FIELDS: frozenset[str] = frozenset({"qr", "signature", "logo"})


TEMPLATE_FIELDS: frozenset[str] = TEMPLATE_TEXT_FIELDS | TEMPLATE_GRAPHIC_FIELDS


_HEX_COLOR_RE = re.compile(r"#[0-9A-Fa-f]{6}")


Session = tuple[str, "int | float | Decimal | None", "str | Sequence[str]"]


@dataclass(frozen=True)
class CertificateData:
    """Everything printed on one certificate, frozen at issue."""

    number: str
    name: str
    role: str
    event_title: str
    organizer: str
    date_text: str
    place_text: str
    jp: int | float | Decimal | None
    issue_place: str
    issue_date_text: str
    signatory_title: str
    signatory_name: str
    signatory_nip: str = ""
    signature_image_path: Path | str | None = None
    logo_path: Path | str | None = None
    verify_url: str = ""
    verification_code: str = ""
    sessions: Sequence[Session] = ()
    outcome_line: str = ""  # printed under the name: the post-test score or predikat
    specimen: bool = False  # a preview: every page marked CONTOH / SPECIMEN


@dataclass(frozen=True)
class FieldSpec:
    """One positioned field on an uploaded background.

    The field's box spans x_mm .. x_mm + width_mm from the left page edge; ``align`` places text within
    it. y_mm is measured from the top page edge to the first line's baseline (for graphics: to the top
    of the graphic). Text that is too wide shrinks to 60% of size_pt, then wraps (max_lines).
    """

    x_mm: float
    y_mm: float
    width_mm: float
    font: str = "sans"
    size_pt: float = 12.0
    align: str = "center"
    color: str = "#000000"
    max_lines: int = 2

    def __post_init__(self) -> None:
        if self.font not in FONT_FILES:
            raise CertificateRenderError("template_bad_value", detail=f"font={self.font!r}")
        if self.align not in ("left", "center", "right"):
            raise CertificateRenderError("template_bad_value", detail=f"align={self.align!r}")
        if not isinstance(self.color, str) or not _HEX_COLOR_RE.fullmatch(self.color):
            raise CertificateRenderError("template_bad_value", detail=f"color={self.color!r}")
        for key in ("x_mm", "y_mm", "width_mm", "size_pt"):
            value = getattr(self, key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise CertificateRenderError("template_bad_value", detail=f"{key}={value!r}")
        if self.width_mm <= 0 or not 4 <= self.size_pt <= 200:
            raise CertificateRenderError("template_bad_value", detail="width_mm/size_pt")
        if not 1 <= self.max_lines <= 10:
            raise CertificateRenderError("template_bad_value", detail=f"max_lines={self.max_lines!r}")


@dataclass(frozen=True)
class TemplateSpec:
    """An uploaded background (already converted to JPEG) plus positioned fields."""

    background_jpeg_path: Path | str
    fields: Mapping[str, FieldSpec] = field(default_factory=dict)
    page_width_mm: float = 297.0
    page_height_mm: float = 210.0

    def __post_init__(self) -> None:
        unknown = sorted(set(self.fields) - TEMPLATE_FIELDS)
        if unknown:
            raise CertificateRenderError("template_unknown_field", detail=", ".join(unknown))
        if not (50 <= self.page_width_mm <= 1000 and 50 <= self.page_height_mm <= 1000):
            raise CertificateRenderError("template_bad_value", detail="page size")
