"""organizer profiles, events.organizer_profile_id, report narratives

Revision ID: docs1a2b3c4d
Revises: learn15a0b1c2
Create Date: 2026-12-06 05:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'docs1a2b3c4d'
down_revision = 'learn15a0b1c2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('organizer_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('parent_line', sa.String(length=200), nullable=False),
    sa.Column('unit_line', sa.String(length=200), nullable=False),
    sa.Column('sub_unit_line', sa.String(length=200), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('city', sa.String(length=120), nullable=False),
    sa.Column('phone', sa.String(length=80), nullable=False),
    sa.Column('website', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('logo', sa.LargeBinary(), nullable=True),
    sa.Column('logo_type', sa.String(length=20), nullable=False),
    sa.Column('head_title', sa.String(length=200), nullable=False),
    sa.Column('head_name', sa.String(length=200), nullable=False),
    sa.Column('head_nip', sa.String(length=18), nullable=False),
    sa.Column('chair_title', sa.String(length=200), nullable=False),
    sa.Column('chair_name', sa.String(length=200), nullable=False),
    sa.Column('chair_nip', sa.String(length=18), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organizer_profiles')),
    sa.UniqueConstraint('name', name=op.f('uq_organizer_profiles_name'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organizer_profile_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_events_organizer_profile_id'), ['organizer_profile_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_events_organizer_profile_id_organizer_profiles'),
                                    'organizer_profiles', ['organizer_profile_id'], ['id'], ondelete='SET NULL')
    op.create_table('report_narratives',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('basis', sa.Text(), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('participants', sa.Text(), nullable=False),
    sa.Column('results', sa.Text(), nullable=False),
    sa.Column('conclusions', sa.Text(), nullable=False),
    sa.Column('closing', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_report_narratives_event_id_events'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_narratives')),
    sa.UniqueConstraint('event_id', name=op.f('uq_report_narratives_event_id'))
    )


def downgrade():
    op.drop_table('report_narratives')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_organizer_profile_id_organizer_profiles'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_events_organizer_profile_id'))
        batch_op.drop_column('organizer_profile_id')
    op.drop_table('organizer_profiles')
