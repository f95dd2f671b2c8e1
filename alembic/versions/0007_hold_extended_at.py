"""hold.extended_at: when the customer extended the hold (a hold is extended once at most)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_column("extended_at")
