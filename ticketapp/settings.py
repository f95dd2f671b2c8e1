"""Every setting of ticketapp: one typed, validated class, read once from the environment.

Import `settings` and read attributes; nothing else in the code base reads `os.environ`
(Reflex's own REFLEX_* variables aside). Each field names its environment variable (its
alias) and says what it means; `load(environ)` builds a `Settings` from any mapping, which is
how tests configure one. A wrong value fails at start with a `ConfigError` naming the
variable, never later in a request.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_DIR = Path(__file__).resolve().parent.parent
SECRET_FILE = PROJECT_DIR / ".secret_key"
MAILER_MODES = ("in-process", "external")


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


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


def _origins(raw: str) -> tuple[str, ...]:
    """CORS_ORIGINS: comma-separated `scheme://host[:port]`; never `*` (we answer with
    credentials) and never `null` (sandboxed frames and file: pages all send it)."""
    origins = tuple(o.strip().rstrip("/") for o in raw.split(",") if o.strip())
    for origin in origins:
        if origin in ("*", "null") or "://" not in origin or origin.count("/") != 2:
            raise ConfigError(
                f"CORS_ORIGINS must list origins such as https://tickets.example.org, "
                f"got {origin!r} ('*' and 'null' are refused)."
            )
    return origins


class Settings(BaseSettings):
    model_config = SettingsConfigDict(frozen=True, extra="ignore")

    env: str = Field(
        "development",
        alias="TICKETAPP_ENV",
        description="`production` makes SECRET_KEY mandatory and bcrypt cost >= 12",
    )
    database_url: str = Field(
        f"sqlite:///{PROJECT_DIR / 'ticketapp.db'}",
        alias="DATABASE_URL",
        description="SQLAlchemy URL; postgresql://user@host/db uses psycopg 3",
    )
    # Per process: workers x (pool + overflow) must stay below PostgreSQL's max_connections.
    db_pool_size: int = Field(10, ge=1, alias="DB_POOL_SIZE")
    db_max_overflow: int = Field(20, ge=0, alias="DB_MAX_OVERFLOW")
    # Overload is answered, not queued: a request that cannot get a connection soon gets
    # 503 + Retry-After, and no statement or lock wait can hold a worker for long.
    db_pool_timeout: float = Field(
        1.0,
        ge=0.01,
        alias="DB_POOL_TIMEOUT",
        description="seconds a request waits for a pooled connection before a 503",
    )
    db_statement_timeout_ms: int = Field(
        10_000, ge=0, alias="DB_STATEMENT_TIMEOUT_MS", description="PostgreSQL statement_timeout"
    )
    db_lock_timeout_ms: int = Field(
        3_000, ge=0, alias="DB_LOCK_TIMEOUT_MS", description="PostgreSQL lock_timeout"
    )
    max_requests_in_flight: int = Field(
        64, ge=1, alias="MAX_REQUESTS_IN_FLIGHT", description="per worker; beyond it: 503"
    )
    # GRANIAN_WORKERS is the name Reflex itself reads; keep it so old commands still work.
    web_workers: int | None = Field(
        None, alias="GRANIAN_WORKERS", description="backend workers of `python -m ticketapp.server`"
    )
    secret_key: str = Field(
        "", alias="SECRET_KEY", description="JWT HS256 signing key; required in production"
    )
    token_minutes: int = Field(60 * 24, ge=1, alias="TOKEN_MINUTES")
    bcrypt_rounds: int = Field(12, ge=4, le=31, alias="BCRYPT_ROUNDS")
    hold_seconds: int = Field(
        600, ge=5, alias="HOLD_SECONDS", description="default hold time of new shows"
    )
    max_seats_per_customer: int = Field(
        10, ge=1, alias="MAX_SEATS_PER_CUSTOMER", description="default per-show seat cap"
    )
    redis_url: str | None = Field(
        None, alias="REFLEX_REDIS_URL", description="Redis (REDIS_URL is read too)"
    )
    smtp_host: str | None = Field(None, alias="SMTP_HOST")
    smtp_port: int = Field(0, ge=0, alias="SMTP_PORT", description="587 with SMTP_HOST, else 25")
    smtp_user: str | None = Field(None, alias="SMTP_USER")
    smtp_password: str | None = Field(None, alias="SMTP_PASSWORD")
    smtp_starttls: bool = Field(True, alias="SMTP_STARTTLS")
    mail_from: str = Field("ticketapp <tickets@localhost>", alias="MAIL_FROM")
    mail_dir: Path = Field(PROJECT_DIR / "var" / "mail", alias="MAIL_DIR")
    public_url: str = Field(
        "http://localhost:3000",
        alias="PUBLIC_URL",
        description="the app's public address, for links in mails (REFLEX_DEPLOY_URL if unset)",
    )
    # in-process: the app runs the mail sender; external: `python -m ticketapp.mailer`
    mailer: str = Field("in-process", alias="TICKETAPP_MAILER")
    cors_origins: tuple[str, ...] = Field(
        ("http://localhost:3000",),
        alias="CORS_ORIGINS",
        description="other origins that may call us (comma-separated); the app's own always may",
    )
    api_docs: bool = Field(True, alias="API_DOCS", description="serve /api/docs (1 or 0)")
    max_body_bytes: int = Field(
        1024 * 1024, ge=1024, alias="MAX_BODY_BYTES", description="API bodies beyond get 413"
    )
    login_attempts_per_minute: int = Field(
        10, ge=1, alias="LOGIN_ATTEMPTS_PER_MINUTE", description="per address and e-mail"
    )
    signups_per_hour: int = Field(5, ge=1, alias="SIGNUPS_PER_HOUR", description="per address")

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @model_validator(mode="before")
    @classmethod
    def _environment(cls, raw: Any) -> Any:
        """Read the environment's spelling: an empty variable is an unset one, REDIS_URL
        stands in for REFLEX_REDIS_URL, and development generates its own secret."""
        raw = dict(raw)
        data = {k: v for k, v in raw.items() if v not in ("", None)}
        production = raw.get("TICKETAPP_ENV") == "production"
        # These two tell "set but empty" from "unset": an empty list, documentation off.
        cors = raw.get("CORS_ORIGINS")
        if cors is None:
            cors = raw.get("REFLEX_DEPLOY_URL") or "http://localhost:3000"
        data["CORS_ORIGINS"] = _origins(cors)
        if "PUBLIC_URL" not in data and raw.get("REFLEX_DEPLOY_URL"):
            data["PUBLIC_URL"] = raw["REFLEX_DEPLOY_URL"]
        data["API_DOCS"] = raw.get("API_DOCS", "0" if production else "1") == "1"
        if str(data.get("GRANIAN_WORKERS", "0")) == "0":
            data["GRANIAN_WORKERS"] = None
        if "REFLEX_REDIS_URL" not in data and "REDIS_URL" in data:
            data["REFLEX_REDIS_URL"] = data["REDIS_URL"]
        secret = data.get("SECRET_KEY", "")
        if not secret:
            if production:
                raise ConfigError(
                    "SECRET_KEY is not set. In production (TICKETAPP_ENV=production) the JWT "
                    "signing key must come from the environment: "
                    "export SECRET_KEY=<64 random chars>."
                )
            data["SECRET_KEY"] = _dev_secret()
        elif production and len(secret) < 32:
            raise ConfigError("SECRET_KEY must be at least 32 characters in production.")
        if "SMTP_PORT" not in data:
            data["SMTP_PORT"] = 587 if data.get("SMTP_HOST") else 25
        return data

    @field_validator("database_url")
    @classmethod
    def _psycopg(cls, url: str) -> str:
        return normalize_database_url(url)

    @field_validator("smtp_starttls", mode="before")
    @classmethod
    def _yes(cls, value: Any) -> bool:
        return str(value).lower() in ("1", "true", "yes")

    @model_validator(mode="after")
    def _rules(self) -> Settings:
        if self.mailer not in MAILER_MODES:
            raise ConfigError(
                f"TICKETAPP_MAILER must be one of {', '.join(MAILER_MODES)}, got {self.mailer!r}"
            )
        if self.is_production and self.bcrypt_rounds < 12:
            raise ConfigError(f"BCRYPT_ROUNDS must be at least 12, got {self.bcrypt_rounds}")
        if self.smtp_port < 1:
            raise ConfigError(f"SMTP_PORT must be at least 1, got {self.smtp_port}")
        return self


def load(environ: Mapping[str, str] | None = None) -> Settings:
    """The settings of `environ` (default: this process's environment)."""
    env = dict(os.environ if environ is None else environ)
    try:
        return Settings.model_validate(env)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'])} {error['msg']}, "
            f"got {error.get('input')!r}"
            for error in exc.errors()
        )
        raise ConfigError(problems) from None


settings = load()
