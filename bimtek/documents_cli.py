"""`flask documents render EVENT_ID --out DIR`: write every document of an event as files.

A thin door onto each feature's own renderer: daftar hadir (peserta, narasumber) per day, badges (A6 and
A4 labels), the online attendance annex, the laporan kegiatan (PDF and DOCX) and one ticket. Nothing is
emailed and nothing changes; the export is audited like the same download from a page.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from bimtek.core import audit
from bimtek.extensions import db


def render_all(event, out: Path) -> list[tuple[str, int]]:
    """Write the event's documents into ``out``; (file name, bytes) of each."""
    from bimtek.attendance import exports, verdicts
    from bimtek.checkin import export, services
    from bimtek.core.time import utcnow
    from bimtek.registration import notify
    from bimtek.reports import documents

    out.mkdir(parents=True, exist_ok=True)
    code = event.code.lower()
    files: dict[str, bytes] = {}
    day = services.slots(event)[0]
    files[f"daftar-hadir-{code}.pdf"] = export.attendance_pdf(export.attendance_sheet_for(event, day))
    files[f"daftar-hadir-narasumber-{code}.pdf"] = export.attendance_pdf(export.speaker_sheet_for(event, day))
    badges = export.badges_for(event)
    files[f"badge-a6-{code}.pdf"] = export.badges_pdf(event.title, badges, layout="a6")
    files[f"badge-a4-{code}.pdf"] = export.badges_pdf(event.title, badges, layout="a4")
    files[f"badge-narasumber-{code}.pdf"] = export.badges_pdf(event.title, export.speaker_badges(event), layout="a6")
    files[f"lampiran-daring-{code}.pdf"] = exports.annex_pdf(event, verdicts.matrix(event, mode="online"), utcnow())
    files[f"laporan-{code}.pdf"] = documents.laporan_pdf(event)
    files[f"laporan-{code}.docx"] = documents.laporan_docx(event)
    first = export.onsite_confirmed(event)
    ticket = notify.ticket_pdf_for(first[0]) if first else None
    if ticket:
        files[f"tiket-{code}.pdf"] = ticket
    for name, data in files.items():
        (out / name).write_bytes(data)
    return [(name, len(data)) for name, data in files.items()]


def register(app: Flask) -> None:
    """Add `flask documents render`."""
    group = click.Group("documents", help="Printed documents of an event.")

    @group.command("render")
    @click.argument("event_id", type=int)
    @click.option("--out", "out", default="documents", show_default=True, help="Folder to write the files to.")
    def render_command(event_id: int, out: str):
        """Render every document of an event (daftar hadir, badges, annex, laporan PDF/DOCX, ticket)."""
        from bimtek.events.models import Event

        event = db.session.get(Event, event_id) if event_id < 2**63 else None
        if event is None:
            raise click.ClickException(f"Kegiatan {event_id} tidak ditemukan.")
        written = render_all(event, Path(out))
        audit.record("documents.rendered", event, event_id=event.id, actor="cli", details={"files": len(written)})
        db.session.commit()
        for name, size in written:
            click.echo(f"{Path(out) / name} ({size} bytes)")

    app.cli.add_command(group)
