"""matching rounds

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-07 14:10:46

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rounds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('min_partners', sa.Integer(), nullable=False),
    sa.Column('max_partners', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.Integer(), nullable=False),
    sa.Column('country_cap', sa.Integer(), nullable=True),
    sa.Column('prefer_same_region', sa.Boolean(), nullable=False),
    sa.Column('filters', sa.JSON(), nullable=False),
    sa.Column('statistics', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('solved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'solving', 'solved', 'published')", name=op.f('ck_rounds_status')),
    sa.CheckConstraint('candidates BETWEEN 1 AND 200', name=op.f('ck_rounds_candidates')),
    sa.CheckConstraint('country_cap IS NULL OR country_cap >= 1', name=op.f('ck_rounds_country_cap')),
    sa.CheckConstraint('min_partners >= 1 AND min_partners <= max_partners AND max_partners <= 10', name=op.f('ck_rounds_partners')),
    sa.CheckConstraint('version >= 1', name=op.f('ck_rounds_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_rounds_created_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rounds'))
    )
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rounds_status'), ['status'], unique=False)

    op.create_table('round_capacities',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.CheckConstraint('capacity >= 0', name=op.f('ck_round_capacities_capacity')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_round_capacities_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_capacities_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'organisation_id', name=op.f('pk_round_capacities'))
    )
    op.create_table('round_needs',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('exchange_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['exchange_id'], ['exchanges.id'], name=op.f('fk_round_needs_exchange_id_exchanges')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_round_needs_need_id_needs')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_needs_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', 'need_id', name=op.f('pk_round_needs')),
    sa.UniqueConstraint('exchange_id', name=op.f('uq_round_needs_exchange_id'))
    )
    op.create_table('round_pair_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.CheckConstraint("kind IN ('conflict', 'must', 'never')", name=op.f('ck_round_pair_rules_kind')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_round_pair_rules_need_id_needs')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_round_pair_rules_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_pair_rules_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_pair_rules')),
    sa.UniqueConstraint('round_id', 'need_id', 'organisation_id', name='uq_round_pair_rules_pair')
    )
    with op.batch_alter_table('round_pair_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_pair_rules_round_id'), ['round_id'], unique=False)

    op.create_table('round_partners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('need_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.CheckConstraint('score >= 0', name=op.f('ck_round_partners_score')),
    sa.ForeignKeyConstraint(['need_id'], ['needs.id'], name=op.f('fk_round_partners_need_id_needs')),
    sa.ForeignKeyConstraint(['offer_id'], ['offers.id'], name=op.f('fk_round_partners_offer_id_offers')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisations.id'], name=op.f('fk_round_partners_organisation_id_organisations')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_partners_round_id_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_partners')),
    sa.UniqueConstraint('round_id', 'need_id', 'organisation_id', name='uq_round_partners_pair')
    )
    with op.batch_alter_table('round_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_partners_round_id'), ['round_id'], unique=False)

    op.create_table('round_solves',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('round_version', sa.Integer(), nullable=False),
    sa.Column('previous_status', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('cancelled_by_id', sa.Integer(), nullable=True),
    sa.Column('error', sa.String(length=1000), nullable=True),
    sa.CheckConstraint("state IN ('running', 'solved', 'cancelled', 'failed', 'abandoned')", name=op.f('ck_round_solves_state')),
    sa.CheckConstraint("previous_status IN ('draft', 'solved')", name=op.f('ck_round_solves_previous_status')),
    sa.CheckConstraint('done >= 0 AND done <= total', name=op.f('ck_round_solves_progress')),
    sa.ForeignKeyConstraint(['cancelled_by_id'], ['users.id'], name=op.f('fk_round_solves_cancelled_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['rounds.id'], name=op.f('fk_round_solves_round_id_rounds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['started_by_id'], ['users.id'], name=op.f('fk_round_solves_started_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_solves'))
    )
    with op.batch_alter_table('round_solves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_round_solves_round_id'), ['round_id'], unique=False)



def downgrade():
    with op.batch_alter_table('round_solves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_solves_round_id'))

    op.drop_table('round_solves')
    with op.batch_alter_table('round_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_partners_round_id'))

    op.drop_table('round_partners')
    with op.batch_alter_table('round_pair_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_round_pair_rules_round_id'))

    op.drop_table('round_pair_rules')
    op.drop_table('round_needs')
    op.drop_table('round_capacities')
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rounds_status'))

    op.drop_table('rounds')
