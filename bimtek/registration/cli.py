"""`flask retention purge`: carry out the retention period of personal data (UU PDP)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from bimtek.extensions import db
from bimtek.registration import privacy

retention_cli = AppGroup("retention", help="Retention of personal data.")


@retention_cli.command("purge")
@click.option("--months", type=int, default=None, help="Months after an event ends (default BIMTEK_RETENTION_MONTHS).")
def purge(months: int | None):
    """Erase contact and profile data of participants of events that ended more than N months ago."""
    months = months if months is not None else current_app.config["RETENTION_MONTHS"]
    counts = privacy.purge_expired(months=months)
    db.session.commit()
    click.echo(
        f"Retention {months} months: {counts['registrations']} registrations erased in {counts['events']} "
        f"events; {counts['import_files']} stale import files removed."
    )


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
