"""After commit, not before: emails and queued jobs leave only once the change they report is committed.

Every door keeps calling ``send_email(...)`` or a task function; both hand their delivery to ``later()``.
When the database session holds uncommitted writes (pending objects, or rows already flushed in the open
transaction), the delivery waits in an outbox kept in ``session.info``:

- ``after_commit`` moves the waiting deliveries to "ready"; they run once the commit has finished (the
  session can then read again, which tasks run inline in tests need);
- a transaction that ends without a commit (rollback, close at the end of a failed request) drops them,
  so nothing is emailed or queued for a change that never happened.

With nothing uncommitted (a read-only request, a CLI script between commits, a job body after its batch
commit, no app context at all) the delivery runs at once, as before. Savepoints are not tracked separately:
a delivery requested inside a rolled-back savepoint of a committed transaction still leaves.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

log = logging.getLogger("bimtek.outbox")
_KEY = "bimtek_outbox"


def _box(session: Session) -> dict:
    box = session.info.get(_KEY)
    if box is None:
        box = session.info[_KEY] = {"pending": [], "ready": [], "wrote": False, "running": False}
    return box


def _current_session() -> Session | None:
    if not has_app_context():
        return None
    from bimtek.extensions import db

    return db.session()


def has_uncommitted_writes(session: Session) -> bool:
    """Whether a commit is still owed for something this session changed."""
    if not session.in_transaction() and not (session.new or session.dirty or session.deleted):
        return False
    return bool(_box(session)["wrote"] or session.new or session.dirty or session.deleted)


def later(action: Callable[[], object], *, what: str = "delivery") -> bool:
    """Run ``action`` after the current transaction commits (True), or now when nothing is uncommitted."""
    session = _current_session()
    if session is None or not has_uncommitted_writes(session):
        action()
        return False
    _box(session)["pending"].append((what, action))
    return True


def pending_count() -> int:
    """Deliveries waiting for the current transaction's commit (for tests and diagnostics)."""
    session = _current_session()
    return len(_box(session)["pending"]) if session is not None else 0


def _run_ready(session: Session) -> None:
    box = _box(session)
    if box["running"]:
        return  # a delivery committed on its own; the outer loop picks up what that commit made ready
    box["running"] = True
    try:
        while box["ready"]:
            what, action = box["ready"].pop(0)
            try:
                action()
            except Exception:  # one failed delivery must not stop the others or undo the commit
                log.exception("After-commit %s failed", what)
    finally:
        box["running"] = False


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context) -> None:
    _box(session)["wrote"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    box = _box(session)
    box["ready"].extend(box["pending"])
    box["pending"].clear()
    box["wrote"] = False


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction) -> None:
    if transaction.nested or transaction.parent is not None:
        return
    box = _box(session)
    if box["pending"]:
        log.info("Dropped %d delivery(ies) of a transaction that was not committed", len(box["pending"]))
    box["pending"].clear()
    box["wrote"] = False
    # The root transaction is closed and the session is free again: deliver what the commit released.
    if box["ready"]:
        _run_ready(session)
