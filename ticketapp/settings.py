"""Every setting of ticketapp, read once from the environment.

Import `settings` and read attributes; nothing else in the code base reads `os.environ`
(Reflex's own REFLEX_* variables aside). Tests build their own `Settings` with `load()`.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_FILE = PROJECT_DIR / ".secret_key"
MAILER_MODES = ("in-process", "external")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    env: str
    database_url: str
    db_pool_size: int
    db_max_overflow: int
    db_pool_timeout: float  # seconds a request waits for a pooled connection before a 503
    db_statement_timeout_ms: int  # PostgreSQL statement_timeout of the app's connections
    db_lock_timeout_ms: int  # PostgreSQL lock_timeout of the app's connections
    max_requests_in_flight: int  # per worker; beyond it the API answers 503 at once
    web_workers: int | None  # backend worker processes of `python -m ticketapp.server`
    secret_key: str
    token_minutes: int
    bcrypt_rounds: int
    hold_seconds: int
    max_seats_per_customer: int
    redis_url: str | None
    smtp_host: str | None
    smtp_port: int
    smtp_user: str | None
    smtp_password: str | None
    smtp_starttls: bool
    mail_from: str
    mail_dir: Path
    mailer: str  # in-process: the app runs the mail sender; external: `python -m ticketapp.mailer`
    cors_origins: tuple[str, ...]  # other origins that may call us; the app's own always may
    api_docs: bool  # serve /api/docs and /api/openapi.json
    max_body_bytes: int  # request bodies of the API beyond this get 413
    login_attempts_per_minute: int  # per client address and per e-mail, both doors
    signups_per_hour: int  # per client address, both doors

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")


def _int(env: dict[str, str], name: str, default: int, minimum: int = 0) -> int:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _float(env: dict[str, str], name: str, default: float, minimum: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {value}")
    return value


def _dev_secret() -> str:
    """The development JWT secret: generated on first run, kept in a git-ignored file."""
    if SECRET_FILE.exists():
        return SECRET_FILE.read_text().strip()
    key = secrets.token_urlsafe(48)
    # O_EXCL: two processes starting at once must agree on one key.
    try:
        fd = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return SECRET_FILE.read_text().strip()
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalize_database_url(url: str) -> str:
    """Accept the common spellings of a PostgreSQL URL and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _origins(env: dict[str, str]) -> tuple[str, ...]:
    """CORS_ORIGINS: comma-separated `scheme://host[:port]`; never `*` (we answer with
    credentials) and never `null` (sandboxed frames and file: pages all send it)."""
    raw = env.get("CORS_ORIGINS")
    if raw is None:
        raw = env.get("REFLEX_DEPLOY_URL") or "http://localhost:3000"
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin in ("*", "null") or "://" not in origin or origin.count("/") != 2:
            raise ConfigError(
                f"CORS_ORIGINS must list origins such as https://tickets.example.org, "
                f"got {origin!r} ('*' and 'null' are refused)."
            )
    return origins


def load(environ: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if environ is None else environ)
    mode = env.get("TICKETAPP_ENV", "development")
    secret = env.get("SECRET_KEY", "")
    if not secret:
        if mode == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production (TICKETAPP_ENV=production) the JWT "
                "signing key must come from the environment: export SECRET_KEY=<64 random chars>."
            )
        secret = _dev_secret()
    elif mode == "production" and len(secret) < 32:
        raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
    bcrypt_min = 12 if mode == "production" else 4
    mailer = env.get("TICKETAPP_MAILER") or "in-process"
    if mailer not in MAILER_MODES:
        raise ConfigError(
            f"TICKETAPP_MAILER must be one of {', '.join(MAILER_MODES)}, got {mailer!r}"
        )
    smtp_host = env.get("SMTP_HOST") or None
    return Settings(
        env=mode,
        database_url=normalize_database_url(
            env.get("DATABASE_URL") or f"sqlite:///{PROJECT_DIR / 'ticketapp.db'}"
        ),
        # Per process: workers x (pool + overflow) must stay below PostgreSQL's max_connections.
        db_pool_size=_int(env, "DB_POOL_SIZE", 10, minimum=1),
        db_max_overflow=_int(env, "DB_MAX_OVERFLOW", 20),
        # Overload is answered, not queued: a request that cannot get a connection soon gets
        # 503 + Retry-After, and no statement or lock wait can hold a worker for long.
        db_pool_timeout=_float(env, "DB_POOL_TIMEOUT", 1.0, minimum=0.01),
        db_statement_timeout_ms=_int(env, "DB_STATEMENT_TIMEOUT_MS", 10_000),
        db_lock_timeout_ms=_int(env, "DB_LOCK_TIMEOUT_MS", 3_000),
        max_requests_in_flight=_int(env, "MAX_REQUESTS_IN_FLIGHT", 64, minimum=1),
        # GRANIAN_WORKERS is the name Reflex itself reads; keep it so old commands still work.
        web_workers=_int(env, "GRANIAN_WORKERS", 0) or None,
        secret_key=secret,
        token_minutes=_int(env, "TOKEN_MINUTES", 60 * 24, minimum=1),
        bcrypt_rounds=_int(env, "BCRYPT_ROUNDS", 12, minimum=bcrypt_min),
        hold_seconds=_int(env, "HOLD_SECONDS", 600, minimum=5),
        max_seats_per_customer=_int(env, "MAX_SEATS_PER_CUSTOMER", 10, minimum=1),
        redis_url=env.get("REFLEX_REDIS_URL") or env.get("REDIS_URL") or None,
        smtp_host=smtp_host,
        smtp_port=_int(env, "SMTP_PORT", 587 if smtp_host else 25, minimum=1),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=env.get("SMTP_STARTTLS", "true").lower() in ("1", "true", "yes"),
        mail_from=env.get("MAIL_FROM", "ticketapp <tickets@localhost>"),
        mail_dir=Path(env.get("MAIL_DIR") or PROJECT_DIR / "var" / "mail"),
        mailer=mailer,
        cors_origins=_origins(env),
        api_docs=env.get("API_DOCS", "0" if mode == "production" else "1") == "1",
        max_body_bytes=_int(env, "MAX_BODY_BYTES", 1024 * 1024, minimum=1024),
        login_attempts_per_minute=_int(env, "LOGIN_ATTEMPTS_PER_MINUTE", 10, minimum=1),
        signups_per_hour=_int(env, "SIGNUPS_PER_HOUR", 5, minimum=1),
    )


settings = load()
