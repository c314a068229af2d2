"""Shared fixtures: an app per test on SQLite and on PostgreSQL, factories, a logged-in client."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.catalogs import catalog_dirs

REQUIRE_ALL_TIERS = os.environ.get("BIMTEK_REQUIRE_ALL_TIERS") == "1"
PG_URL = os.environ.get("BIMTEK_TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def skip_or_fail(reason: str):
    """Skip a tier that this machine lacks, except in CI where a skip counts as a failure."""
    if REQUIRE_ALL_TIERS:
        pytest.fail(f"{reason} (BIMTEK_REQUIRE_ALL_TIERS=1: this tier may not be skipped)")
    pytest.skip(reason)


def _pg_admin_engine():
    from bimtek.config import normalise_database_url

    return sa.create_engine(normalise_database_url(PG_URL), isolation_level="AUTOCOMMIT")


def _pg_available() -> bool:
    engine = _pg_admin_engine()
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


def base_config(tmp_path: Path, url: str) -> dict:
    """Test configuration: inline jobs, in-memory mail, no CSRF or rate limits unless a test turns them on."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "locmem",
        "JOBS_IMMEDIATE": True,
        "BASE_URL": "http://localhost",
        "SERVER_NAME": None,
    }


def create_schema(url: str, tmp_path: Path) -> None:
    from bimtek import create_app
    from bimtek.extensions import db

    app = create_app(base_config(tmp_path, url))
    with app.app_context():
        db.create_all()
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite") / "bimtek.sqlite3"
    url = f"sqlite:///{path}"
    create_schema(url, tmp_path_factory.mktemp("schema"))
    return url


@pytest.fixture(scope="session")
def pg_url(tmp_path_factory):
    if not _pg_available():
        skip_or_fail(f"PostgreSQL not reachable at {PG_URL}")
    name = f"bimtek_test_{os.getpid()}_{secrets.token_hex(3)}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    base = sa.engine.make_url(admin.url)
    url = base.set(database=name).render_as_string(hide_password=False)
    create_schema(url, tmp_path_factory.mktemp("schema"))
    yield url
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _wipe(db) -> None:
    """Empty every table between tests (faster than recreating the schema)."""
    tables = [t.name for t in db.metadata.sorted_tables]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                conn.execute(sa.text(f'DELETE FROM "{t}"'))


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request):
    """Every integration test runs on both databases."""
    return request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")


@pytest.fixture
def make_app(tmp_path, db_url):
    """Build an app on the test database with config overrides."""
    from bimtek import create_app

    apps = []

    def factory(**overrides):
        app = create_app({**base_config(tmp_path, db_url), **overrides})
        apps.append(app)
        return app

    yield factory
    from bimtek.extensions import db

    for app in apps:
        with app.app_context():
            db.session.remove()
            _wipe(db)
            db.engine.dispose()
    shutil.rmtree(tmp_path / "instance", ignore_errors=True)


@pytest.fixture
def app(make_app):
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session", autouse=True)
def _compiled_translations():
    """Tests see the same compiled catalogs as `make run` (pybabel compile, as the Makefile runs it)."""
    from babel.messages.frontend import CommandLineInterface

    for directory in catalog_dirs():
        CommandLineInterface().run(["pybabel", "-q", "compile", "-d", str(directory)])
