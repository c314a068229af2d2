"""Core CLI: the demo seed and the job commands (consumer, resume, sweep, list)."""

from __future__ import annotations

import click
from flask import Flask, current_app

from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add `flask demo` and `flask jobs worker|resume|sweep|list`."""

    @app.cli.command("demo")
    def demo_command():
        """Seed the demo events once (running it again changes nothing)."""
        from bimtek import demo

        try:
            created = demo.seed()
        except demo.DemoSlugTaken as exc:
            db.session.rollback()
            raise click.ClickException(exc.message) from None
        db.session.commit()
        if created:
            click.echo("Demo seeded.")
        else:
            click.echo("Demo already present; nothing changed.")
        click.echo(f"Organizer login: {demo.ORGANIZER_EMAIL} / {demo.DEMO_PASSWORD}")

    jobs_cli = click.Group("jobs", help="Background jobs.")

    @jobs_cli.command("worker")
    @click.option("--workers", default=2, show_default=True)
    def worker(workers: int):
        """Run the job consumer (huey) until interrupted; it first picks up jobs left behind."""
        from bimtek import jobs

        if jobs.huey.immediate:
            raise click.ClickException("JOBS_IMMEDIATE is on: tasks run inline, there is nothing to consume.")
        jobs.import_tasks()
        jobs.use_app(current_app._get_current_object())
        consumer = jobs.consumer(workers)
        if consumer.health.ok():
            ids = jobs.sweep()
            click.echo(f"Job queue reachable; {len(ids)} waiting or orphaned job(s) sent to the queue.")
        else:
            click.echo(
                "Job queue unreachable (check BIMTEK_REDIS_URL); the consumer keeps trying and picks up "
                "waiting jobs once it answers.",
                err=True,
            )
        db.session.remove()
        consumer.run()

    @jobs_cli.command("resume")
    @click.argument("job_id", type=int)
    def resume(job_id: int):
        """Run a stopped or failed job again here (refuses a finished or running job; audited)."""
        from bimtek import jobs
        from bimtek.errors import DomainError

        try:
            job = jobs.resume_here(job_id)
        except DomainError as err:
            raise click.ClickException(err.message) from err
        click.echo(
            f"job {job.id}: {job.status_label}, {job.done}/{job.total}" + (f" ({job.error})" if job.error else "")
        )

    @jobs_cli.command("sweep")
    def sweep():
        """Send jobs whose consumer died, or that the queue never received, back to the queue."""
        from bimtek import jobs

        ids = jobs.sweep()
        click.echo(f"{len(ids)} job(s) sent to the queue" + (f": {', '.join(map(str, ids))}" if ids else "."))

    @jobs_cli.command("list")
    @click.option("--limit", default=20, show_default=True)
    def list_jobs(limit: int):
        """The latest jobs with their status, progress and lease."""
        from bimtek.core.models import Job

        for job in db.session.scalars(db.select(Job).order_by(Job.id.desc()).limit(limit)):
            lease = f" lease {job.leased_by} until {job.lease_until:%H:%M:%S}" if job.lease_until else ""
            click.echo(f"{job.id:>6} {job.kind:<26} {job.status_label:<18} {job.done}/{job.total}{lease}")

    app.cli.add_command(jobs_cli)
