"""`flask attendance import-zoom` and `flask attendance verdicts`: the same services as the pages and API."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask
from flask.cli import AppGroup

from bimtek.attendance import services, verdicts
from bimtek.errors import DomainError
from bimtek.events.models import Event, EventSession
from bimtek.extensions import db

attendance_cli = AppGroup("attendance", help="Zoom reports and certificate eligibility.")


def _fail(err: DomainError):
    details = "; ".join(f"{k}: {v}" for k, v in err.fields.items())
    raise click.ClickException(f"{err.message} {details}".strip())


@attendance_cli.command("import-zoom")
@click.option("--session", "session_id", required=True, type=int, help="Session id the report belongs to.")
@click.option("--confirm/--preview", default=False, help="Store the attendance (default: preview only).")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_zoom(session_id: int, confirm: bool, path: Path):
    """Read a Zoom participants report for one session; with --confirm, credit the attendance."""
    session = db.session.get(EventSession, session_id)
    if session is None:
        raise click.ClickException(f"No session with id {session_id}")
    event = db.session.get(Event, session.event_id)
    try:
        imp, created = services.upload_report(event, session, path.name, path.read_bytes(), user="cli")
        changed = services.confirm_import(imp, user="cli") if confirm else False
    except DomainError as err:
        _fail(err)
    db.session.commit()
    click.echo(
        f"Import {imp.id} ({imp.status}{'' if created else ', seen before'}): {imp.rows_read} rows read, "
        f"{imp.people_matched}/{imp.people} people matched, {len(imp.problems)} problems"
        + (", attendance stored" if changed else "")
    )
    for problem in imp.problems[:20]:
        click.echo(f"  {problem['message']}")


@attendance_cli.command("verdicts")
@click.argument("event_id", type=int)
def compute(event_id: int):
    """Evaluate every confirmed participant of an event and store the verdicts."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"No event with id {event_id}")
    summary = verdicts.compute_verdicts(event, user="cli")
    db.session.commit()
    click.echo(f"{summary['eligible']} of {summary['evaluated']} participants eligible")


def register(app: Flask) -> None:
    """Add the attendance commands to the app's CLI."""
    app.cli.add_command(attendance_cli)
