"""notification events: a notification names the audit row of the step it reports, so pages
can write it in the reader's language

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f('fk_notifications_event_id_exchange_events'),
            'exchange_events', ['event_id'], ['id'],
        )


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f('fk_notifications_event_id_exchange_events'), type_='foreignkey'
        )
        batch_op.drop_column('event_id')
