"""events.intake, nomination_settings, nomination_agencies, nominations

Revision ID: nomin1a2b3c4d
Revises: lw15e1f2a3b4
Create Date: 2026-12-06 08:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'nomin1a2b3c4d'
down_revision = 'lw15e1f2a3b4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events') as batch_op:
        batch_op.add_column(sa.Column('intake', sa.String(length=12), server_default='open', nullable=False))
    op.create_table(
        'nomination_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('deadline', sa.DateTime(timezone=True), nullable=True),
        sa.Column('auto_release', sa.Boolean(), nullable=False),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
    )
    op.create_table(
        'nomination_agencies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=300), nullable=False),
        sa.Column('province_code', sa.String(length=8), nullable=False),
        sa.Column('regency_code', sa.String(length=8), nullable=False),
        sa.Column('onsite_quota', sa.Integer(), nullable=False),
        sa.Column('online_quota', sa.Integer(), nullable=False),
        sa.Column('onsite_used', sa.Integer(), nullable=False),
        sa.Column('online_used', sa.Integer(), nullable=False),
        sa.Column('pic_name', sa.String(length=150), nullable=False),
        sa.Column('pic_email', sa.String(length=254), nullable=False),
        sa.Column('pic_phone', sa.String(length=20), nullable=False),
        sa.Column('token_nonce', sa.String(length=32), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('link_opened_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('reminded_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('letter_stored', sa.String(length=80), nullable=False),
        sa.Column('letter_name', sa.String(length=200), nullable=False),
        sa.Column('letter_size', sa.Integer(), nullable=False),
        sa.Column('letter_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('onsite_used >= 0 AND onsite_used <= onsite_quota', name='agency_onsite_quota'),
        sa.CheckConstraint('online_used >= 0 AND online_used <= online_quota', name='agency_online_quota'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('event_id', 'name', name='uq_nomination_agencies_event_name'),
        sa.UniqueConstraint('token_hash'),
    )
    op.create_index('ix_nomination_agencies_event_id', 'nomination_agencies', ['event_id'])
    op.create_table(
        'nominations',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('agency_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('mode', sa.String(length=10), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('replaced_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['agency_id'], ['nomination_agencies.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('registration_id'),
    )
    op.create_index('ix_nominations_agency_id', 'nominations', ['agency_id'])
    op.create_index('ix_nominations_event_id', 'nominations', ['event_id'])


def downgrade():
    op.drop_index('ix_nominations_event_id', table_name='nominations')
    op.drop_index('ix_nominations_agency_id', table_name='nominations')
    op.drop_table('nominations')
    op.drop_index('ix_nomination_agencies_event_id', table_name='nomination_agencies')
    op.drop_table('nomination_agencies')
    op.drop_table('nomination_settings')
    with op.batch_alter_table('events') as batch_op:
        batch_op.drop_column('intake')
