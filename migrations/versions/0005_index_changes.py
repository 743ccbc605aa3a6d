"""index changes: the log that keeps every process's ranking index current

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-07 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('index_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_index_changes'))
    )
    op.create_index(op.f('ix_index_changes_offer_id'), 'index_changes', ['offer_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_index_changes_offer_id'), table_name='index_changes')
    op.drop_table('index_changes')
