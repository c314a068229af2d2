"""CLI: issue certificates without the web UI, resume a job, make a test signing key."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from bimtek.certificates.services.jobs import ISSUE_SCOPES, start_issue_job
from bimtek.errors import DomainError
from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add the `flask certificates ...` commands."""

    @app.cli.group("certificates")
    def group():
        """Certificates: issue, resume, signing key."""

    @group.command("issue")
    @click.argument("event_id", type=int)
    @click.option("--scope", type=click.Choice(ISSUE_SCOPES), default="eligible")
    @click.option("--name", "names", multiple=True, help="panitia name (scope=panitia), repeatable")
    @click.option("--no-email", is_flag=True, help="do not email participants")
    @click.option("--early-issue-reason", default="", help="why to issue before the event has ended (audited)")
    def issue(event_id: int, scope: str, names: tuple[str, ...], no_email: bool, early_issue_reason: str):
        """Issue an event's certificates now (same job as the web page; safe to run again)."""
        from bimtek.certificates.tasks import run_issue_job
        from bimtek.events.models import Event

        event = db.session.get(Event, event_id)
        if event is None:
            raise click.ClickException("Kegiatan tidak ditemukan.")
        try:
            raw = {
                "scope": scope,
                "names": list(names),
                "notify": not no_email,
                "early_issue_reason": early_issue_reason,
            }
            job = start_issue_job(event, raw, user=None)
        except DomainError as err:
            raise click.ClickException(err.message) from err
        db.session.commit()
        job = run_issue_job(job.id)
        click.echo(f"job {job.id}: {job.status}, {job.done}/{job.total}")

    @group.command("resume")
    @click.argument("job_id", type=int)
    def resume(job_id: int):
        """Run an interrupted issue job again here; it continues where it stopped (same door as the page)."""
        from bimtek.jobs import resume_here

        try:
            job = resume_here(job_id, kind="certificates.issue")
        except DomainError as err:
            raise click.ClickException(err.message) from err
        click.echo(f"job {job.id}: {job.status}, {job.done}/{job.total}")

    @group.command("make-signing-key")
    @click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--name", default="Bimtek", help="certificate common name")
    @click.password_option()
    def make_signing_key(path: Path, name: str, password: str):
        """Write a self-signed EC P-256 PKCS#12 for trying PAdES (use a real key in production)."""
        from bimtek.certificates.signing import generate_self_signed_p12

        path.write_bytes(generate_self_signed_p12(name, password))
        path.chmod(0o600)
        click.echo(f"{path}: set BIMTEK_SIGNING_P12_PATH and BIMTEK_SIGNING_P12_PASSWORD to use it")
