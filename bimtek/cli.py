"""Core CLI: the demo seed and the job consumer."""

from __future__ import annotations

import click
from flask import Flask

from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add `flask demo` and `flask jobs worker`."""

    @app.cli.command("demo")
    def demo_command():
        """Seed the demo events once (running it again changes nothing)."""
        from bimtek import demo

        created = demo.seed()
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
        """Run the job consumer (huey) until interrupted."""
        from huey.consumer import Consumer

        from bimtek import jobs

        jobs.import_tasks()
        Consumer(jobs.huey, workers=workers, worker_type="thread").run()

    app.cli.add_command(jobs_cli)
