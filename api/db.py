"""The store's engine, created and migrated to the current schema whenever a command needs it."""

from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, exc
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool

MIGRATIONS = Path(__file__).parent / "migrations"
# Connections a process may hold on a server store: as many as threads that may need one at once (the web
# service's worker threads, see api.app.WORKER_THREADS, plus a few for the event loop and the sender), so that
# no request queues for a connection behind the pool's default of 5 + 10.
POOL_SIZE = 24
POOL_OVERFLOW = 16
POOL_TIMEOUT_S = 10.0
# A connection idle longer than this is pinged before use; one in steady use is not (a ping is a round trip).
PING_AFTER_IDLE_S = 1.0


def make_engine(url: str, connect_timeout: float = 5.0) -> Engine:
    """The store's engine. Its errors never quote a statement's parameters (hide_parameters): a failed write of a
    conversation must not put its session key or state into a log."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ":memory:"
        in_memory = database == ":memory:"
        if not in_memory:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        # An in-memory store lives in one connection; every thread must share it.
        engine = create_engine(url, connect_args={"check_same_thread": False},
                               poolclass=StaticPool if in_memory else None, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=5000")
            cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted content is zeroed, not left in free space
            cursor.close()

        return engine
    # connect_timeout: an unreachable server fails in seconds rather than hanging a request (libpq's minimum is 2).
    connect_args = {"connect_timeout": max(2, math.ceil(connect_timeout))} if parsed.get_backend_name() == \
        "postgresql" else {}
    engine = create_engine(url, pool_size=POOL_SIZE, max_overflow=POOL_OVERFLOW, pool_timeout=POOL_TIMEOUT_S,
                           connect_args=connect_args, hide_parameters=True)
    ping_when_idle(engine)
    return engine


def ping_when_idle(engine: Engine, idle_s: float = PING_AFTER_IDLE_S) -> None:
    """Pessimistic disconnect handling, without a round trip on every checkout: a connection that has sat in the
    pool for more than `idle_s` is pinged first, and a dead one (the server restarted) is replaced before it is
    handed out. A connection that breaks while in steady use fails its request (503, see api.health) and the
    pool replaces every connection older than the failure."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_conn: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        idle_since = record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since <= idle_s:
            return
        try:
            cursor = dbapi_conn.cursor()
            try:
                cursor.execute("SELECT 1")
            finally:
                cursor.close()
            if not getattr(dbapi_conn, "autocommit", True):
                dbapi_conn.rollback()  # end the transaction the ping began
        except Exception as error:
            raise exc.DisconnectionError(str(error)) from error  # the pool replaces it and tries again


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def migrate(engine: Engine) -> None:
    """Create the store, or bring it to the newest schema.

    On SQLite, foreign keys are off while it migrates: a batch migration rebuilds a table by copying it, and
    dropping the old copy of a parent table (subscribers) would otherwise cascade to its children (the outbox)."""
    config = alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as conn:
        if sqlite:
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
            conn.commit()  # pysqlite opened no transaction for the PRAGMA; SQLAlchemy's is closed before ours
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, "head")
                if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    raise RuntimeError("the migration left rows whose foreign keys point nowhere")
        finally:
            if sqlite:
                conn.rollback()
                conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                conn.commit()


def open_store(url: str, connect_timeout: float = 5.0) -> Engine:
    engine = make_engine(url, connect_timeout)
    migrate(engine)
    return engine


def is_store_outage(error: BaseException) -> bool:
    """Whether an error means the store cannot be reached or used just now (down, restarting, a dropped
    connection, every connection busy, SQLite locked), as opposed to a bad query or bad data."""
    if isinstance(error, exc.TimeoutError):  # no connection free in the pool in time
        return True
    if isinstance(error, exc.DBAPIError):
        return error.connection_invalidated or isinstance(error, exc.OperationalError | exc.InterfaceError)
    return False


def describe_store(url: str) -> str:
    """The store's URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def store_problem(error: BaseException) -> str:
    """The first line of the driver's message: 'connection refused', 'database is locked', …"""
    original = getattr(error, "orig", None) or error
    text = str(original).strip().splitlines()
    return (text[0] if text else type(original).__name__)[:200]
