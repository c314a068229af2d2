"""`flask reminders ...`: send what is due now (what the consumer does every minute), or show an event's plan."""

from __future__ import annotations

from datetime import datetime

import click
from flask import Flask

from bimtek.core.time import as_utc
from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add the reminders commands to the app's CLI."""

    @app.cli.group("reminders")
    def group():
        """Scheduled reminders (email and WhatsApp)."""

    @group.command("send")
    @click.option("--now", "now_text", default="", help="Pretend it is this UTC time (ISO 8601), e.g. to catch up.")
    def send(now_text: str):
        """Send every reminder due now to whoever has not had it (idempotent)."""
        from bimtek.reminders.sending import send_due

        try:
            now = as_utc(datetime.fromisoformat(now_text)) if now_text else None
        except ValueError:
            raise click.BadParameter("use ISO 8601, e.g. 2030-08-21T00:00:00+00:00", param_hint="--now") from None
        click.echo(f"{send_due(now)} reminder email(s) sent")

    @group.command("plan")
    @click.argument("event_id", type=int)
    def plan(event_id: int):
        """Each reminder of an event: on/off, when it is due (UTC) and how many were sent."""
        from bimtek.events.models import Event
        from bimtek.reminders import services

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException(f"event {event_id} not found")
        for item in services.plan(event, services.clock()):
            reminder, window = item["reminder"], item["window"]
            due = window.due.isoformat() if window else "-"
            sent = item["counts"].get("sent", 0)
            click.echo(f"{reminder.id}\t{reminder.slot}\t{'on' if reminder.enabled else 'off'}\t{due}\t{sent} sent")
        db.session.commit()
