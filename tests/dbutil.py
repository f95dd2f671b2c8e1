"""Throw-away databases for tests: a fresh PostgreSQL database per test session (migrated with
Alembic, so the migration itself is exercised), a fresh SQLite file per test."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from pathlib import Path

import psycopg
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from alembic import command
from ticketapp.db import make_engine

PROJECT_DIR = Path(__file__).resolve().parent.parent
PG_SERVER = os.environ.get("TEST_PG_SERVER", "postgresql://postgres@127.0.0.1:5432")


def alembic_config(url: str) -> Config:
    cfg = Config(str(PROJECT_DIR / "alembic.ini"))
    cfg.attributes["database_url"] = url
    cfg.attributes["configure_logger"] = False
    return cfg


def create_pg_database(prefix: str = "ticketapp_test", server: str = PG_SERVER) -> str:
    """Create an empty database and return its SQLAlchemy URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"postgresql+psycopg://{server.split('://', 1)[1]}/{name}"


def drop_pg_database(url: str, server: str = PG_SERVER) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    command.upgrade(alembic_config(url), "head")


def truncate_all(engine: Engine) -> None:
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))
        else:
            for t in reversed(tables):
                conn.execute(text(f'DELETE FROM "{t}"'))


_sqlite_template: Path | None = None


def sqlite_engine(path: Path) -> Engine:
    """A fresh SQLite file at `path`, migrated by Alembic.

    The migration runs once per test session into a template file; each test gets a copy,
    which is the same schema for a fraction of the time.
    """
    global _sqlite_template
    if _sqlite_template is None:
        template = Path(tempfile.mkdtemp(prefix="ticketapp-sqlite-")) / "template.db"
        migrate(f"sqlite:///{template}")
        _sqlite_template = template
    shutil.copyfile(_sqlite_template, path)
    return make_engine(f"sqlite:///{path}")
