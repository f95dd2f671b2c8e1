"""price_category.hidden (its places are not for sale to the public) and
promo_code.unlocks_hidden (an access code opens hidden categories to its holders)

Existing categories stay public and existing codes unlock nothing new.

Revision ID: 0014
Revises: 0007
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0014"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("price_category", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("promo_code", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("unlocks_hidden", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("promo_code", schema=None) as batch_op:
        batch_op.drop_column("unlocks_hidden")
    with op.batch_alter_table("price_category", schema=None) as batch_op:
        batch_op.drop_column("hidden")
