"""ticket types per price category, promo codes per event, the type and discount per ticket

A category without ticket types sells as before, at its own price; so does every existing
ticket (ticket_type_id NULL, discount 0). Bookings keep the code used and the discount given.

Revision ID: 0008
Revises: 0011
Create Date: 2026-12-02
"""

from collections.abc import Sequence

import sqlalchemy as sa

from alembic import op

revision: str = "0008"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ticket_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("price_cents", sa.Integer(), nullable=False),
        sa.Column("quantity_limit", sa.Integer(), nullable=True),
        sa.Column("sold", sa.Integer(), server_default="0", nullable=False),
        sa.Column("proof_note", sa.String(length=200), nullable=False),
        sa.Column("sort_order", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["category_id"], ["price_category.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("category_id", "name", name="uq_ticket_type_name"),
    )
    op.create_index("ix_ticket_type_category_id", "ticket_type", ["category_id"])
    op.create_table(
        "promo_code",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.Column("show_ids", sa.JSON(), nullable=False),
        sa.Column("category_names", sa.JSON(), nullable=False),
        sa.Column("ticket_type_names", sa.JSON(), nullable=False),
        sa.Column("max_uses", sa.Integer(), nullable=True),
        sa.Column("max_uses_per_customer", sa.Integer(), nullable=True),
        sa.Column("uses", sa.Integer(), server_default="0", nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("valid_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unlocks_presale", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "code", name="uq_promo_code_code"),
    )
    op.create_index("ix_promo_code_event_id", "promo_code", ["event_id"])
    op.create_table(
        "promo_code_use",
        sa.Column("code_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("uses", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["code_id"], ["promo_code.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("code_id", "user_id"),
    )
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promo_code_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("promo_code", sa.String(length=40), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("discount_cents", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            "fk_booking_promo_code_id", "promo_code", ["promo_code_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ticket_type_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("ticket_type", sa.String(length=60), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("discount_cents", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_foreign_key(
            "fk_ticket_ticket_type_id",
            "ticket_type",
            ["ticket_type_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_constraint("fk_ticket_ticket_type_id", type_="foreignkey")
        batch_op.drop_column("discount_cents")
        batch_op.drop_column("ticket_type")
        batch_op.drop_column("ticket_type_id")
    with op.batch_alter_table("booking", schema=None) as batch_op:
        batch_op.drop_constraint("fk_booking_promo_code_id", type_="foreignkey")
        batch_op.drop_column("discount_cents")
        batch_op.drop_column("promo_code")
        batch_op.drop_column("promo_code_id")
    op.drop_table("promo_code_use")
    op.drop_index("ix_promo_code_event_id", table_name="promo_code")
    op.drop_table("promo_code")
    op.drop_index("ix_ticket_type_category_id", table_name="ticket_type")
    op.drop_table("ticket_type")
