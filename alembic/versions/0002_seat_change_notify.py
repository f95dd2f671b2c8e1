"""notify listeners of seat changes (PostgreSQL)

Every UPDATE of show_seat — a hold, a booking, a cancellation, an organizer blocking a seat,
the sweeper releasing an expired hold, a booking made through the REST API — NOTIFYs channel
`seat_changes` with the show id, once per show per statement. PostgreSQL delivers it at
commit (and folds duplicates within a transaction), so listeners never see a change that
was rolled back. SQLite has no NOTIFY: there the app polls (ticketapp/live.py).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION notify_seat_changes() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('seat_changes', changed.show_id::text)
            FROM (SELECT DISTINCT show_id FROM changed_rows) AS changed;
            RETURN NULL;
        END
        $$
        """
    )
    op.execute(
        """
        CREATE TRIGGER show_seat_changed
        AFTER UPDATE ON show_seat
        REFERENCING NEW TABLE AS changed_rows
        FOR EACH STATEMENT EXECUTE FUNCTION notify_seat_changes()
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS show_seat_changed ON show_seat")
    op.execute("DROP FUNCTION IF EXISTS notify_seat_changes()")
