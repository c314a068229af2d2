"""The one door to the laporan kegiatan files: gathers figures, narrative and organizer, then renders."""

from __future__ import annotations

from bimtek.core.pdfkit import Signatory, generated_footer
from bimtek.core.time import utcnow
from bimtek.events.models import Event
from bimtek.organizers import queries as organizers
from bimtek.reports import docx, narrative, pdf, services


def _inputs(event: Event) -> tuple[dict, dict]:
    report = services.event_report(event, comment_limit=pdf.COMMENT_LIMIT)
    org = organizers.for_event(event)
    signers = [Signatory(org.chair.title, org.chair.name, org.chair.nip)]
    if org.head.name:
        signers.insert(0, Signatory(org.head.title, org.head.name, org.head.nip))
    unit = org.kop.sub_unit or org.kop.unit or org.kop.parent
    args = {"narrative": narrative.saved(event), "kop": org.kop, "signatories": signers,
            "organizer": unit.title() if unit.isupper() else unit, "place": event.city or org.city}  # fmt: skip
    return report, args


def laporan_pdf(event: Event) -> bytes:
    """The laporan kegiatan PDF of an event, with its organizer's kop and signatories."""
    report, args = _inputs(event)
    footer = generated_footer(f"kegiatan {event.code}", utcnow(), event.timezone)
    return pdf.render(report, footer=footer, **args)


def laporan_docx(event: Event) -> bytes:
    """The same laporan as an editable DOCX."""
    report, args = _inputs(event)
    return docx.render_docx(report, **args)
