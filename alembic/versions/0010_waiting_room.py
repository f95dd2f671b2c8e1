"""waiting room: per-show queue settings, queue entries and the admission clock

A show may put its on-sale behind a virtual waiting room (booking/waiting_room.py). Its
settings live on the show row, which the hold's first statement already reads; the places
and the admission clock get their own tables (the PostgreSQL store, and the durable journal
of the Redis store). Existing shows get the queue off.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0010"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiting_room_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("joined_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("lottery", sa.BigInteger(), nullable=True),
        sa.Column("admitted_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("pass_expires_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["show_id"], ["show.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("show_id", "user_id", name="uq_waiting_room_entry_user"),
    )
    op.create_index(
        "ix_waiting_room_entry_order",
        "waiting_room_entry",
        ["show_id", "admitted_at", "lottery", "id"],
        unique=False,
    )
    op.create_table(
        "waiting_room_tick",
        sa.Column("show_id", sa.Integer(), nullable=False),
        sa.Column("ticked_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("credit", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["show_id"], ["show.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("show_id"),
    )
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("queue_enabled", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("queue_paused", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("queue_per_minute", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("queue_max_active", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("queue_pass_seconds", sa.Integer(), server_default="600", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.drop_column("queue_pass_seconds")
        batch_op.drop_column("queue_max_active")
        batch_op.drop_column("queue_per_minute")
        batch_op.drop_column("queue_paused")
        batch_op.drop_column("queue_enabled")
    op.drop_table("waiting_room_tick")
    op.drop_index("ix_waiting_room_entry_order", table_name="waiting_room_entry")
    op.drop_table("waiting_room_entry")
