"""`flask users create` and `flask users token`."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from bimtek.accounts import services, sessions
from bimtek.accounts.models import User
from bimtek.errors import DomainError
from bimtek.extensions import db

users_cli = AppGroup("users", help="Staff users and API tokens.")


def _fail(err: DomainError):
    details = "; ".join(f"{k}: {v}" for k, v in err.fields.items())
    raise click.ClickException(f"{err.message} {details}".strip())


@users_cli.command("create")
@click.option("--email", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, type=click.Choice(["admin", "organizer", "checkin"]))
@click.option("--name", default="")
def create(email: str, password: str, role: str, name: str):
    """Create a staff user."""
    try:
        user = services.create_user(email, password, role, name, actor="cli")
    except DomainError as err:
        _fail(err)
    db.session.commit()
    click.echo(f"Created {user.role} {user.email} (id {user.id})")


@users_cli.command("token")
@click.option("--email", required=True)
@click.option("--label", required=True)
def token(email: str, label: str):
    """Create an API token for a user and print it (shown once)."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    try:
        _row, secret = services.create_token(user, label, actor="cli")
    except DomainError as err:
        _fail(err)
    db.session.commit()
    click.echo(secret)


@users_cli.command("revoke-token")
@click.option("--email", required=True)
@click.option("--token-id", required=True, type=int)
def revoke(email: str, token_id: int):
    """Revoke one of a user's API tokens."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    try:
        services.revoke_token(user, token_id, actor="cli")
    except DomainError as err:
        _fail(err)
    db.session.commit()
    click.echo(f"Revoked token {token_id}")


@users_cli.command("signout")
@click.option("--email", required=True)
def signout(email: str):
    """End every session of a user at once (sign out everywhere); API tokens stay valid."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    count = sessions.end_all_sessions(user, "signout_all", actor="cli")
    db.session.commit()
    click.echo(f"Ended {count} session(s) of {user.email}")


@users_cli.command("assign")
@click.option("--email", required=True)
@click.option("--event-id", required=True, type=int)
def assign(email: str, event_id: int):
    """Assign a staff member to an event."""
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"No user with email {email}")
    services.assign(user, event_id, actor="cli")
    db.session.commit()
    click.echo(f"Assigned {user.email} to event {event_id}")


def register(app: Flask) -> None:
    app.cli.add_command(users_cli)
