"""user change notify: NOTIFY user_changes with the user id when a user row changes or goes

Each backend process caches who a token speaks for (ticketapp/auth_cache.py) and forgets a
user when this arrives, so a revoked session (password change, "log out everywhere",
disabling) or a changed role ends at once in every process. SQLite has no NOTIFY: there the
cache stays off.

Revision ID: 0012
Revises: 0006
Create Date: 2026-12-02
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0012"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE FUNCTION notify_user_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- '*' (a TRUNCATE): forget everyone, ids are about to be reused.
            PERFORM pg_notify(
                'user_changes', CASE WHEN TG_OP = 'TRUNCATE' THEN '*' ELSE OLD.id::text END
            );
            RETURN NULL;
        END $$;
        """
    )
    # Only the columns an Actor carries or that end a session; a row-level trigger, since
    # the payload is the user's id (these updates touch one user at a time).
    op.execute(
        """
        CREATE TRIGGER app_user_changed
        AFTER UPDATE OF role, name, email, token_version, disabled OR DELETE ON app_user
        FOR EACH ROW EXECUTE FUNCTION notify_user_change();
        """
    )
    op.execute(
        """
        CREATE TRIGGER app_user_truncated
        AFTER TRUNCATE ON app_user
        FOR EACH STATEMENT EXECUTE FUNCTION notify_user_change();
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER app_user_truncated ON app_user")
    op.execute("DROP TRIGGER app_user_changed ON app_user")
    op.execute("DROP FUNCTION notify_user_change()")
