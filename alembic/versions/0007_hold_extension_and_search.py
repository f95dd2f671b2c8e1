"""hold.extended_at (a hold is extended once at most); event.search_text and
event.venue_search (what catalogue search matches: no case, no accents)

Revision ID: 0007
Revises: 0010
Create Date: 2026-12-02
"""

import unicodedata
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision: str = "0007"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The rule of ticketapp.booking.search as of this revision (a migration must not change when
# the app's code does).
_SPECIAL = str.maketrans(
    {"ø": "o", "đ": "d", "ł": "l", "ħ": "h", "ı": "i", "œ": "oe", "æ": "ae", "þ": "th"}
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.translate(_SPECIAL).split())


def upgrade() -> None:
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("extended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "search_text", sqlmodel.sql.sqltypes.AutoString(), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column(
                "venue_search",
                sqlmodel.sql.sqltypes.AutoString(),
                server_default="",
                nullable=False,
            )
        )
    event = sa.table(
        "event",
        sa.column("id", sa.Integer),
        sa.column("title", sa.String),
        sa.column("venue_name", sa.String),
        sa.column("description", sa.String),
        sa.column("search_text", sa.String),
        sa.column("venue_search", sa.String),
    )
    conn = op.get_bind()
    rows = conn.execute(
        sa.select(event.c.id, event.c.title, event.c.venue_name, event.c.description)
    )
    for event_id, title, venue_name, description in rows.all():
        conn.execute(
            event.update()
            .where(event.c.id == event_id)
            .values(
                search_text="\n".join(_fold(p) for p in (title, venue_name, description)),
                venue_search=_fold(venue_name),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("venue_search")
        batch_op.drop_column("search_text")
    with op.batch_alter_table("hold", schema=None) as batch_op:
        batch_op.drop_column("extended_at")
