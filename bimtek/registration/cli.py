"""`flask retention purge` (UU PDP retention) and `flask registration status` (the status door from a shell)."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select

from bimtek.core.codes import normalize_code
from bimtek.errors import DomainError
from bimtek.extensions import db
from bimtek.registration import privacy, services, tasks
from bimtek.registration.models import Registration

retention_cli = AppGroup("retention", help="Retention of personal data.")
registration_cli = AppGroup("registration", help="Registrations.")


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


@registration_cli.command("status")
@click.argument("code")
@click.argument("action", type=click.Choice(sorted(services.TRANSITIONS)))
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.option("--no-email", is_flag=True, help="Do not email the participant (a promoted person is still told).")
def status(code: str, action: str, reason: str, no_email: bool):
    """Approve, promote, reject or cancel the registration with this CODE, through the same door as the pages."""
    reg = db.session.scalar(select(Registration).where(Registration.code == (normalize_code(code) or code.upper())))
    if reg is None:
        raise click.ClickException(f"No registration with code {code}.")
    try:
        outcome = services.transition(reg, action, actor="cli", reason=reason)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(err.message) from err
    for reg_id, kind in outcome.emails:
        if reg_id != reg.id or not no_email:
            tasks.email_registration(reg_id, kind)
    click.echo(f"{reg.code}: {reg.status}")


def register(app: Flask) -> None:
    app.cli.add_command(retention_cli)
    app.cli.add_command(registration_cli)
