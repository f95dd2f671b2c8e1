"""claim and sweeper indexes: drop show_seat (show_id, status), add partial expiry indexes

Profiled: claiming two seats of a fresh 10,000-seat show cost ~3 ms of PostgreSQL CPU, because
the planner (no statistics yet on the new show's rows) answered "seats 9001 and 9002, if
available or expired-held" with a BitmapOr over ix_show_seat_show_status — every available
and held seat of the show — instead of two primary-key lookups. Without that index the only
way in is the primary key. The sweeper, its other user, scanned the whole index each second;
it now has partial indexes on exactly what it looks for: held seats and live holds by expiry.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("show_seat", schema=None) as batch_op:
        batch_op.drop_index("ix_show_seat_show_status")
        batch_op.create_index(
            "ix_show_seat_held",
            ["held_until"],
            unique=False,
            postgresql_where=sa.text("status = 'held'"),
            sqlite_where=sa.text("status = 'held'"),
        )
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.create_index(
            "ix_hold_active_expiry",
            ["expires_at"],
            unique=False,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )


def downgrade() -> None:
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_index("ix_hold_active_expiry")
    with op.batch_alter_table("show_seat", schema=None) as batch_op:
        batch_op.drop_index("ix_show_seat_held")
        batch_op.create_index("ix_show_seat_show_status", ["show_id", "status"], unique=False)
