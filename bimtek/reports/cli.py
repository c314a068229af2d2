"""`flask reports ...`: write an event's laporan kegiatan (PDF) or its tables (XLSX) to a file."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from bimtek.core import audit
from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add `flask reports pdf` and `flask reports xlsx`."""
    group = click.Group("reports", help="Event reports.")

    def _write(event_id: int, output: str | None, kind: str) -> None:
        from bimtek.evaluation import queries as evaluation
        from bimtek.events.models import Event
        from bimtek.reports import documents, services, xlsx

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException(f"Kegiatan {event_id} tidak ditemukan.")
        if kind == "pdf":
            data = documents.laporan_pdf(event)
        elif kind == "docx":
            data = documents.laporan_docx(event)
        else:
            data = xlsx.event_workbook(
                services.event_report(event, comment_limit=None), responses=evaluation.response_matrix(event)
            )
        path = Path(output or f"laporan-{event.code.lower()}-{event.id}.{kind}")
        path.write_bytes(data)
        audit.record(f"report.{kind}", event, event_id=event.id, actor="cli", details={"bytes": len(data)})
        db.session.commit()
        click.echo(f"{path} ({len(data)} bytes)")

    @group.command("pdf")
    @click.argument("event_id", type=int)
    @click.option("-o", "--output", help="File to write (default: laporan-<code>-<id>.pdf)")
    def pdf_command(event_id: int, output: str | None):
        """Write the printable laporan kegiatan of an event."""
        _write(event_id, output, "pdf")

    @group.command("docx")
    @click.argument("event_id", type=int)
    @click.option("-o", "--output", help="File to write (default: laporan-<code>-<id>.docx)")
    def docx_command(event_id: int, output: str | None):
        """Write the laporan kegiatan of an event as an editable Word document."""
        _write(event_id, output, "docx")

    @group.command("xlsx")
    @click.argument("event_id", type=int)
    @click.option("-o", "--output", help="File to write (default: laporan-<code>-<id>.xlsx)")
    def xlsx_command(event_id: int, output: str | None):
        """Write the report's tables of an event as a workbook."""
        _write(event_id, output, "xlsx")

    app.cli.add_command(group)
