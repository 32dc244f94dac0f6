"""issue 16: area and duplicates at intake, followers, routing by category, the shared desk

Revision ID: 0009
Revises: 0012
Create Date: 2026-12-01 23:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
import storage.models
from alembic import op


revision: str = '0009'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outside_area', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('kelurahan', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column('kecamatan', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))
        batch_op.add_column(sa.Column('reporters_count', sa.Integer(), nullable=False, server_default='1'))
        batch_op.add_column(sa.Column('holder_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_complaint_holder_id_operator', 'operator', ['holder_id'], ['id'])
        batch_op.create_index(batch_op.f('ix_complaint_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_kelurahan'), ['kelurahan'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_kecamatan'), ['kecamatan'], unique=False)
        batch_op.create_index('ix_complaint_geo', ['category', 'latitude', 'longitude'], unique=False)
        batch_op.create_index('ix_complaint_reported', ['status', 'reporters_count'], unique=False)
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.add_column(sa.Column('categories', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    op.create_table(
        'complaintfollower',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id']),
        sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('complaint_id', 'reporter_id', name='uq_follower_complaint_reporter'),
    )
    op.create_index(op.f('ix_complaintfollower_complaint_id'), 'complaintfollower', ['complaint_id'])
    op.create_index(op.f('ix_complaintfollower_reporter_id'), 'complaintfollower', ['reporter_id'])
    op.create_table(
        'supportingreport',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('reporter_id', sa.Integer(), nullable=False),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('latitude', sa.Float(), nullable=True),
        sa.Column('longitude', sa.Float(), nullable=True),
        sa.Column('photos', sa.JSON(), nullable=False),
        sa.Column('source_code', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id']),
        sa.ForeignKeyConstraint(['reporter_id'], ['reporter.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_supportingreport_complaint_id'), 'supportingreport', ['complaint_id'])
    op.create_index(op.f('ix_supportingreport_reporter_id'), 'supportingreport', ['reporter_id'])
    op.create_table(
        'internalnote',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('complaint_id', sa.Integer(), nullable=False),
        sa.Column('operator_id', sa.Integer(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id']),
        sa.ForeignKeyConstraint(['operator_id'], ['operator.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(op.f('ix_internalnote_complaint_id'), 'internalnote', ['complaint_id'])
    op.create_table(
        'cannedreply',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('text_id', sa.Text(), nullable=False),
        sa.Column('text_en', sa.Text(), nullable=False),
        sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
        sa.Column('updated_at', storage.models.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('key'),
    )


def downgrade() -> None:
    op.drop_table('cannedreply')
    op.drop_index(op.f('ix_internalnote_complaint_id'), table_name='internalnote')
    op.drop_table('internalnote')
    op.drop_index(op.f('ix_supportingreport_reporter_id'), table_name='supportingreport')
    op.drop_index(op.f('ix_supportingreport_complaint_id'), table_name='supportingreport')
    op.drop_table('supportingreport')
    op.drop_index(op.f('ix_complaintfollower_reporter_id'), table_name='complaintfollower')
    op.drop_index(op.f('ix_complaintfollower_complaint_id'), table_name='complaintfollower')
    op.drop_table('complaintfollower')
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_column('categories')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index('ix_complaint_reported')
        batch_op.drop_index('ix_complaint_geo')
        batch_op.drop_index(batch_op.f('ix_complaint_kecamatan'))
        batch_op.drop_index(batch_op.f('ix_complaint_kelurahan'))
        batch_op.drop_index(batch_op.f('ix_complaint_holder_id'))
        batch_op.drop_constraint('fk_complaint_holder_id_operator', type_='foreignkey')
        batch_op.drop_column('holder_id')
        batch_op.drop_column('reporters_count')
        batch_op.drop_column('outside_area')
        batch_op.drop_column('kecamatan')
        batch_op.drop_column('kelurahan')
