"""`flask learning ...`: submit attempts whose time ran out (run every minute from cron or a timer)."""

from __future__ import annotations

import click
from flask import Flask

from bimtek.extensions import db


def register(app: Flask) -> None:
    """Add the learning commands to the app's CLI."""

    @app.cli.group("learning")
    def group():
        """Pre-test and post-test."""

    @group.command("close-expired")
    def close_expired():
        """Submit every attempt past its time limit (pages and reports also do this when they meet one)."""
        from bimtek.learning.services import attempts

        count = attempts.expire_overdue()
        db.session.commit()
        click.echo(f"{count} attempt(s) submitted automatically")
