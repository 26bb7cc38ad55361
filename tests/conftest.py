"""Shared fixtures: a fresh store per test, on SQLite and (where reachable) PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, create_engine, text

from api.db import open_store

PG_ADMIN_URL = os.environ.get("CARECIRCLE_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
IN_CI = os.environ.get("CI", "").lower() == "true"


def skip_or_fail(reason: str) -> None:
    """Tests needing a missing service skip locally, but fail under CI=true."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Engine]:
    engine = open_store(f"sqlite:///{tmp_path / 'store.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """The URL of a throw-away (empty) schema on the local PostgreSQL server."""
    try:
        admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            schema = f"t_{uuid.uuid4().hex[:12]}"
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        skip_or_fail(f"PostgreSQL at {PG_ADMIN_URL} is not reachable: {type(exc).__name__}")
        return
    sep = "&" if "?" in PG_ADMIN_URL else "?"
    yield f"{PG_ADMIN_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def pg_store(pg_url: str) -> Iterator[Engine]:
    """A throw-away schema on the local PostgreSQL server, migrated."""
    engine = open_store(pg_url)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def pg_or_sqlite_url(request, tmp_path) -> str:
    """An empty store's URL, on SQLite and on PostgreSQL."""
    return f"sqlite:///{tmp_path / 'empty.db'}" if request.param == "sqlite" else request.getfixturevalue("pg_url")


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request) -> Engine:
    """Runs a store test on both SQLite and PostgreSQL."""
    return request.getfixturevalue("sqlite_store" if request.param == "sqlite" else "pg_store")


class Cli:
    """Runs `carecircle …` in-process on its own store, as a user would from the shell."""

    def __init__(self, database_url: str):
        self.database_url = database_url

    def __call__(self, *args: str, input: str | None = None):  # type: ignore[no-untyped-def]
        from typer.testing import CliRunner

        from api.cli import app
        from api.cli.common import reset

        reset()
        runner = CliRunner(env={"CARECIRCLE_DATABASE_URL": self.database_url})
        try:
            return runner.invoke(app, list(args), input=input, catch_exceptions=False)
        finally:
            reset()


@pytest.fixture
def cli(tmp_path) -> Cli:
    return Cli(f"sqlite:///{tmp_path / 'cli.db'}")
