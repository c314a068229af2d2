"""The same Alembic migrations build the schema the models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import secrets
import warnings

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from bimtek import create_app
from bimtek.extensions import db
from tests.conftest import base_config, skip_or_fail


def _fresh_url(kind: str, tmp_path):
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}", None
    from tests.conftest import PG_URL, _pg_admin_engine, _pg_available

    if not _pg_available():
        skip_or_fail(f"PostgreSQL not reachable at {PG_URL}")
    name = f"bimtek_mig_{secrets.token_hex(4)}"
    admin = _pg_admin_engine()
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    return sa.engine.make_url(admin.url).set(database=name).render_as_string(hide_password=False), (admin, name)


EXPRESSION_INDEXES = {
    "postgresql": {
        "ix_registrations_event_name_c",
        "ix_registrations_event_email_c",
        "ix_registrations_event_institution_c",
    },
    "sqlite": {"ix_registrations_event_institution"},
}


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_match_models(kind, tmp_path):
    url, cleanup = _fresh_url(kind, tmp_path)
    try:
        app = create_app(base_config(tmp_path, url))
        with app.app_context(), warnings.catch_warnings():
            # SQLite cannot reflect expression indexes: batch migrations that rebuild `registrations` (up or
            # down) reflect it and warn; the migrations create those indexes explicitly.
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
            upgrade()
            with db.engine.connect() as conn, warnings.catch_warnings():
                # SQLite cannot reflect expression indexes; the migration creates them explicitly.
                warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
                warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index")
                diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)
            # Alembic cannot compare the collated/lower() expression indexes; check those by name instead.
            every = EXPRESSION_INDEXES["postgresql"] | EXPRESSION_INDEXES["sqlite"]
            diff = [d for d in diff if not (d[0].endswith("_index") and d[1].name in every)]
            assert diff == [], diff
            if kind == "postgresql":
                names = {ix["name"] for ix in sa.inspect(db.engine).get_indexes("registrations")}
                assert EXPRESSION_INDEXES[kind] <= names
            downgrade(revision="base")
            assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
            db.engine.dispose()
    finally:
        if cleanup:
            admin, name = cleanup
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()
