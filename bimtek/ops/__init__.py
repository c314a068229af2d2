"""Operations: Redis checks and fallbacks, the health endpoint, backup and restore."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register /healthz and the `flask backup` / `flask restore` commands; check Redis once."""
    from bimtek.ops import cli, redis_check, views

    app.register_blueprint(views.bp)
    cli.register(app)
    redis_check.check_at_startup(app)
