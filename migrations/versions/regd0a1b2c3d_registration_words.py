"""registration_words: "starts a word" participant search on name and instansi

Revision ID: regd0a1b2c3d
Revises: jobs1a2b3c4d
Create Date: 2026-12-06 05:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "regd0a1b2c3d"
down_revision = "jobs1a2b3c4d"
branch_labels = None
depends_on = None

WORD = sa.String(length=60).with_variant(sa.String(length=60, collation="C"), "postgresql")
NAME_KEY = sa.String(length=150).with_variant(sa.String(length=150, collation="C"), "postgresql")


def upgrade():
    op.create_table(
        "registration_words",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("part", sa.String(length=1), nullable=False),
        sa.Column("word", WORD, nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        # The registration's name key (the list's sort key): a page of matches comes in name order from the index.
        sa.Column("name_key", NAME_KEY, nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["registration_id"], ["registrations.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("registration_id", "part", "word"),
    )
    op.create_index(
        "ix_registration_words_event_word",
        "registration_words",
        ["event_id", "word", "name_key", "registration_id"],
        unique=False,
    )
    # Existing registrations get their words, folded by the same pure function the app uses.
    from bimtek.registration.names import search_words as words

    bind = op.get_bind()
    table = sa.table(
        "registration_words",
        sa.column("registration_id", sa.Integer),
        sa.column("part", sa.String),
        sa.column("word", sa.String),
        sa.column("event_id", sa.Integer),
        sa.column("name_key", sa.String),
    )
    rows = []
    result = bind.execute(sa.text("SELECT id, event_id, full_name, institution_name, name_key FROM registrations"))
    for rid, event_id, name, institution, name_key in result:
        for part, text in (("n", name), ("i", institution)):
            rows.extend(
                {"registration_id": rid, "part": part, "word": w, "event_id": event_id, "name_key": name_key or ""}
                for w in words(text or "")
            )
        if len(rows) > 5000:
            op.bulk_insert(table, rows)
            rows = []
    if rows:
        op.bulk_insert(table, rows)


def downgrade():
    op.drop_index("ix_registration_words_event_word", table_name="registration_words")
    op.drop_table("registration_words")
