"""Shared fixtures.

`pg_engine` is a real PostgreSQL database (one per test session, emptied after each test);
`sqlite_engine` a real SQLite file; `engine` runs a test once on each. Tests never mock our
own database.
"""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests import dbutil
from ticketapp.db import make_engine


@pytest.fixture(scope="session")
def pg_url():
    url = dbutil.create_pg_database()
    dbutil.migrate(url)
    yield url
    dbutil.drop_pg_database(url)


@pytest.fixture
def pg_engine(pg_url) -> Engine:
    engine = make_engine(pg_url)
    yield engine
    dbutil.truncate_all(engine)
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path) -> Engine:
    engine = dbutil.sqlite_engine(tmp_path / "ticketapp.db")
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def engine(request) -> Engine:
    """Run a functional (non-racing) test on both databases."""
    return request.getfixturevalue(
        {"sqlite": "sqlite_engine", "postgres": "pg_engine"}[request.param]
    )
