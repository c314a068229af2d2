"""eligibility_rules.require_post_test_pass, certificate_settings.print_outcome, certificates.outcome_line

Revision ID: lw15e1f2a3b4
Revises: docs1a2b3c4d
Create Date: 2026-12-06 06:45:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'lw15e1f2a3b4'
down_revision = 'docs1a2b3c4d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('eligibility_rules') as batch_op:
        batch_op.add_column(sa.Column('require_post_test_pass', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.add_column(sa.Column('print_outcome', sa.String(length=10), server_default='none', nullable=False))
    with op.batch_alter_table('certificates') as batch_op:
        batch_op.add_column(sa.Column('outcome_line', sa.String(length=160), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('certificates') as batch_op:
        batch_op.drop_column('outcome_line')
    with op.batch_alter_table('certificate_settings') as batch_op:
        batch_op.drop_column('print_outcome')
    with op.batch_alter_table('eligibility_rules') as batch_op:
        batch_op.drop_column('require_post_test_pass')
