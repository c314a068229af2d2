"""Events CLI: `flask events copy` (the same service as the "Salin kegiatan" button)."""

from __future__ import annotations

from datetime import date

import click
from flask import Flask
from sqlalchemy import select

from bimtek.accounts.models import User
from bimtek.errors import DomainError
from bimtek.events.copying import copy_event
from bimtek.events.models import Event
from bimtek.extensions import db

events_cli = click.Group("events", help="Events.")


@events_cli.command("copy")
@click.argument("event_id", type=int)
@click.option("--starts-on", required=True, help="First day of the new event, YYYY-MM-DD.")
@click.option("--title", default="", help="Title of the new event (default: the same).")
@click.option("--as", "as_email", required=True, help="Email of the organizer or admin who makes the copy.")
def copy_command(event_id: int, starts_on: str, title: str, as_email: str):
    """Copy an event (sessions, speakers, form, rule, evaluation, certificate design; no people) as a draft."""
    source = db.session.get(Event, event_id)
    if source is None:
        raise click.ClickException(f"No event #{event_id}.")
    user = db.session.scalar(select(User).where(User.email == as_email.strip().lower()))
    if user is None or user.role not in ("admin", "organizer"):
        raise click.ClickException(f"{as_email} is not an organizer or admin.")
    try:
        day = date.fromisoformat(starts_on)
        copy = copy_event(source, starts_on=day, title=title, user=user)
    except ValueError:
        raise click.ClickException("--starts-on must be a date, YYYY-MM-DD.") from None
    except DomainError as err:
        db.session.rollback()
        raise click.ClickException(f"{err.message} {err.fields or ''}") from None
    db.session.commit()
    click.echo(f"Copied event #{source.id} to #{copy.id} ({copy.slug}), a draft with no participants.")


def register(app: Flask) -> None:
    """Add `flask events copy`."""
    app.cli.add_command(events_cli)
