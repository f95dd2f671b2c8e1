"""door staff: door_staff_grant (an organizer lets a door-staff account check tickets in)

Door-staff accounts are `app_user` rows with role 'door' (role is a plain VARCHAR, so the new
role needs no schema change); what they may do is decided by these grants, per organizer.

Revision ID: 0009
Revises: 0013
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0009"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "door_staff_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["organizer_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["staff_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("organizer_id", "staff_id", name="uq_door_staff_grant"),
    )
    op.create_index("ix_door_staff_grant_staff_id", "door_staff_grant", ["staff_id"])


def downgrade() -> None:
    # Door-staff accounts stay (as accounts that may do nothing); their grants go.
    op.drop_index("ix_door_staff_grant_staff_id", table_name="door_staff_grant")
    op.drop_table("door_staff_grant")
