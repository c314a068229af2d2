"""jobs: lease, heartbeat and queue hand-off columns

Revision ID: jobs1a2b3c4d
Revises: ha1d3e5f7a9b
Create Date: 2026-12-06 05:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'jobs1a2b3c4d'
down_revision = "ha1d3e5f7a9b"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leased_by', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_jobs_status'), ['status'], unique=False)


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jobs_status'))
        batch_op.drop_column('attempts')
        batch_op.drop_column('leased_by')
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('queued_at')
