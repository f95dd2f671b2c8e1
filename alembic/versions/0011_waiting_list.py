"""waiting list: waiting_entry, show.waiting_list_enabled, show.waiting_offer_seconds

A customer joins a sold-out show's list (quantity, optionally a category or an accessible
seat); returned seats are offered in list order as a hold (`waiting_entry.hold_id`) that lasts
`show.waiting_offer_seconds` (30 minutes by default). Existing shows get an open list.

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0011"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "waiting_list_enabled", sa.Boolean(), server_default=sa.true(), nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("waiting_offer_seconds", sa.Integer(), server_default="1800", nullable=False)
        )
    op.create_table(
        "waiting_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("accessible", sa.Boolean(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("hold_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("offered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["category_id"], ["price_category.id"]),
        sa.ForeignKeyConstraint(["hold_id"], ["hold.id"]),
        sa.ForeignKeyConstraint(["show_id"], ["show.id"]),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_waiting_entry_status_show", "waiting_entry", ["status", "show_id", "id"], unique=False
    )
    op.create_index("ix_waiting_entry_user", "waiting_entry", ["user_id", "show_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_waiting_entry_user", table_name="waiting_entry")
    op.drop_index("ix_waiting_entry_status_show", table_name="waiting_entry")
    op.drop_table("waiting_entry")
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.drop_column("waiting_offer_seconds")
        batch_op.drop_column("waiting_list_enabled")
