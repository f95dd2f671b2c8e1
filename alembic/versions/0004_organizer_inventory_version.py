"""organizer dashboard: show.inventory_version

A layout edit may now reach the upcoming shows that use the layout (see
ticketapp/booking/layouts.py); the version tells caches which seat layout is current.

Revision ID: 0004
Revises: 0003 (chained after main's 0002 seat-change notify and 0003 mail outbox)
Create Date: 2026-11-21
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("inventory_version", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("show", schema=None) as batch_op:
        batch_op.drop_column("inventory_version")
