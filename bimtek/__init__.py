"""Bimtek: hybrid government training events, from registration to verified certificates."""

from __future__ import annotations

import importlib
import logging
import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from bimtek import config as config_mod

ROOT = Path(__file__).resolve().parent.parent

# Feature packages; each may have models.py, routes.py or views_public.py/views_manage.py (blueprint `bp`),
# api.py, cli.py and demo.py.
FEATURES = (
    "accounts",
    "events",
    "organizers",
    "registration",
    "checkin",
    "attendance",
    "certificates",
    "evaluation",
    "reports",
    "learning",
    "materials",
    "nominations",
    "reminders",
)


def feature_module(feature: str, name: str):
    try:
        return importlib.import_module(f"bimtek.{feature}.{name}")
    except ModuleNotFoundError as err:
        if err.name in (f"bimtek.{feature}.{name}", f"bimtek.{feature}"):
            return None
        raise


def import_models() -> None:
    """Import every feature's models so SQLAlchemy and Alembic see all tables."""
    importlib.import_module("bimtek.core.models")
    for feature in FEATURES:
        feature_module(feature, "models")


def create_app(config: dict | None = None) -> Flask:
    """Build the application: config, extensions, blueprints, CLI, error handlers."""
    instance_path = Path(
        (config or {}).get("INSTANCE_PATH") or os.environ.get("BIMTEK_INSTANCE_PATH") or ROOT / "instance"
    ).resolve()
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        static_folder=str(ROOT / "static"),
        template_folder=str(ROOT / "templates"),
    )
    app.config.update(config_mod.default_config(instance_path))
    app.config.update(config_mod.from_environment())
    app.config.update(config or {})
    app.config["SQLALCHEMY_DATABASE_URI"] = config_mod.normalise_database_url(app.config["SQLALCHEMY_DATABASE_URI"])
    _check_production(app)
    instance_path.mkdir(parents=True, exist_ok=True)
    logging.getLogger("bimtek").setLevel(app.config["LOG_LEVEL"])

    if app.config["PROXY_HOPS"]:
        # Behind N trusted proxies: client address (rate limits, consent proof) and HTTPS come from X-Forwarded-*.
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    _init_extensions(app)
    from bimtek import errors, i18n, security

    i18n.init_i18n(app)
    _init_template_globals(app)
    security.init_security(app)
    errors.register_error_handlers(app)

    for blueprint in _page_blueprints():
        app.register_blueprint(blueprint)
    from bimtek.api import api_bp, openapi

    _load_api_routes()
    app.register_blueprint(api_bp)
    openapi.init_app(app)
    for register_commands in _cli_groups():
        register_commands(app)
    from bimtek import ops

    ops.init_app(app)  # /healthz, flask backup/restore, the Redis start-up check
    return app


def _page_blueprints() -> list:
    """Every blueprint of HTML pages, listed plainly (each feature's views attach their URLs to it)."""
    from bimtek.accounts.routes import bp as accounts
    from bimtek.attendance.routes import bp as attendance
    from bimtek.certificates.views_manage import bp as certificates_manage
    from bimtek.certificates.views_public import bp as certificates
    from bimtek.checkin.views_manage import bp as checkin
    from bimtek.evaluation.routes import bp as evaluation
    from bimtek.events.blueprint import bp as events
    from bimtek.learning.views_manage import bp as learning_manage
    from bimtek.learning.views_public import bp as learning
    from bimtek.materials.views_manage import bp as materials_manage
    from bimtek.materials.views_public import bp as materials
    from bimtek.nominations.views_manage import bp as nominations_manage
    from bimtek.nominations.views_public import bp as nominations
    from bimtek.organizers.views_manage import bp as organizers
    from bimtek.registration.blueprint import bp as registration
    from bimtek.reminders.views_manage import bp as reminders_manage
    from bimtek.reports.views_manage import bp as reports

    return [
        accounts, events, organizers, registration, checkin, attendance, certificates, certificates_manage,
        evaluation, reports, learning, learning_manage, materials, materials_manage, nominations,
        nominations_manage, reminders_manage,
    ]  # fmt: skip


def _load_api_routes() -> None:
    """The JSON API: each feature's api module adds its routes (and their OpenAPI entries) to api_bp."""
    from bimtek.attendance import api as _attendance  # noqa: F401
    from bimtek.certificates import api as _certificates  # noqa: F401
    from bimtek.checkin import api as _checkin  # noqa: F401
    from bimtek.evaluation import api as _evaluation  # noqa: F401
    from bimtek.events import api as _events  # noqa: F401
    from bimtek.learning import api as _learning  # noqa: F401
    from bimtek.materials import api as _materials  # noqa: F401
    from bimtek.registration import api as _registration  # noqa: F401
    from bimtek.reports import api as _reports  # noqa: F401


def _cli_groups() -> list:
    """Every `flask ...` command group's register function, listed plainly."""
    from bimtek import cli as core
    from bimtek import documents_cli as documents
    from bimtek.accounts import cli as accounts
    from bimtek.attendance import cli as attendance
    from bimtek.certificates import cli as certificates
    from bimtek.events import cli as events
    from bimtek.learning import cli as learning
    from bimtek.nominations import cli as nominations
    from bimtek.registration import cli as registration
    from bimtek.reminders import cli as reminders
    from bimtek.reports import cli as reports

    groups = (accounts, events, registration, attendance, certificates, reports, learning, nominations, reminders,
              documents, core)  # fmt: skip
    return [m.register for m in groups]


def _check_production(app: Flask) -> None:
    if app.config["ENV_NAME"] == "production":
        problem = config_mod.secret_key_problem(app.config["SECRET_KEY"])
        if problem:
            raise RuntimeError(
                f"{problem}: in production it must be a random value of at least 32 characters, e.g. "
                '`python -c "import secrets; print(secrets.token_hex(32))"`.'
            )
        app.config.setdefault("SESSION_COOKIE_SECURE", True)
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["REMEMBER_COOKIE_SECURE"] = True
        if not app.config["REDIS_URL"]:
            logging.getLogger("bimtek").warning(
                "BIMTEK_REDIS_URL is not set: rate limits are counted per worker process; set it when several "
                "gunicorn workers serve."
            )


def _init_extensions(app: Flask) -> None:
    from bimtek import jobs
    from bimtek.dbsetup import sqlite_engine_options, tune_sqlite
    from bimtek.extensions import babel, csrf, db, limiter, login_manager, mail, migrate
    from bimtek.i18n import select_locale

    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    opts = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    if uri.startswith("sqlite"):
        for key, value in sqlite_engine_options().items():
            opts.setdefault(key, value)
    else:
        opts.setdefault("pool_pre_ping", True)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = opts
    import_models()
    db.init_app(app)
    if uri.startswith("sqlite"):
        with app.app_context():
            tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    # Each feature keeps its own catalog (bimtek/<feature>/translations); Flask-Babel merges them.
    translation_dirs = [str(ROOT / "translations")] + [
        str(ROOT / "bimtek" / f / "translations") for f in FEATURES if (ROOT / "bimtek" / f / "translations").is_dir()
    ]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs)
    babel.init_app(app, locale_selector=select_locale, default_timezone="UTC")
    from bimtek.ops.redis_check import configure_rate_limits

    configure_rate_limits(app)  # Redis when configured, falling back to memory when it is down
    limiter.init_app(app)
    if app.config["MAIL_SERVER"] and app.config["MAIL_BACKEND"] == "file":
        app.config["MAIL_BACKEND"] = "smtp"
    mail.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None
    jobs.init_app(app)


def _init_template_globals(app: Flask) -> None:
    import flask_babel
    from flask import g
    from flask_login import current_user

    from bimtek.accounts.access import can
    from bimtek.core.pdfkit.formats import place_line
    from bimtek.nav import EVENT_TABS

    @app.before_request
    def _fresh_request_state():
        # A request may run inside an app context pushed by a script or test; start it clean.
        g.pop("api_user", None)
        g.pop("event", None)
        g.pop("_assigned", None)
        flask_babel.refresh()

    # Globals (not a context processor) so macros imported without context, like event_tabs_nav, see them.
    app.jinja_env.globals.update(
        event_tabs=EVENT_TABS,
        can=can,
        has_endpoint=lambda name: name in app.view_functions,
        staff_user=lambda: current_user,
        place_line=place_line,
    )
