"""Engine tuning per database: SQLite gets WAL, a busy timeout and write transactions that begin at once."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def sqlite_engine_options() -> dict:
    """Engine options for the embedded SQLite database."""
    return {"connect_args": {"timeout": 30, "check_same_thread": False}}


def tune_sqlite(engine: Engine) -> None:
    """Make concurrent writers wait instead of failing with "database is locked".

    pysqlite's own transaction handling defers BEGIN until the first write, which lets two
    transactions read, then both try to upgrade to a write lock: one of them fails. Starting every
    transaction with BEGIN IMMEDIATE takes the write lock up front, so writers queue on the busy timeout.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
