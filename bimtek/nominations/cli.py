"""`flask nominations ...`: release seats whose deadline passed, remind lagging agencies, the agency report."""

from __future__ import annotations

import click
from flask import Flask

from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add the nominations commands to the app's CLI."""

    @app.cli.group("nominations")
    def group():
        """Agency nominations with quotas."""

    @group.command("release-due")
    def release_due():
        """Hand unused quota seats to open registration for every event whose deadline passed."""
        from bimtek.nominations.tasks import release_due as run

        done = run()
        click.echo(f"{len(done)} event(s) released")

    @group.command("release")
    @click.argument("event_id", type=int)
    def release(event_id: int):
        """Hand one event's unused quota seats to open registration now."""
        from bimtek.events.models import Event
        from bimtek.nominations import services

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException("Kegiatan tidak ditemukan.")
        from bimtek.registration.tasks import email_registration

        out = services.release_unused(event, actor="cli")
        db.session.commit()
        for registration_id in out["promoted_ids"]:
            email_registration(registration_id, "promoted")
        click.echo(
            f"luring {out['onsite']}, daring {out['online']} kursi dilepas; {out['promoted']} dari daftar tunggu"
        )

    @group.command("remind")
    @click.argument("event_id", type=int)
    def remind(event_id: int):
        """Email every agency that has not filled its quota its link again."""
        from bimtek.nominations.tasks import remind_agencies

        click.echo(f"{remind_agencies.call_local(event_id)} reminder(s) sent")

    @group.command("report")
    @click.argument("event_id", type=int)
    def report(event_id: int):
        """Invited vs nominated vs attended vs certified, per agency (tab-separated)."""
        from bimtek.events.models import Event
        from bimtek.nominations.queries import agency_report

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException("Kegiatan tidak ditemukan.")
        click.echo("instansi\tkuota\tdinominasikan\thadir\tbersertifikat")
        for r in agency_report(event):
            click.echo(f"{r['name']}\t{r['invited']}\t{r['nominated']}\t{r['attended']}\t{r['certified']}")
