"""Forgetting that reaches the disk, and logs that never hold a conversation.

A DELETE removes rows from what queries see, not from the disk: SQLite keeps the old pages in its write-ahead log
(`-wal`) until a checkpoint, and PostgreSQL keeps dead row versions in the table's pages until VACUUM. So after
`/forget` (the bot, WeChat, the web chat, `carecircle chat`: every way in goes through the dialogue engine, whose last
step is deleting the conversation):

- SQLite: every connection runs with `PRAGMA secure_delete=ON` (api/db.py), so deleted content is overwritten with
  zeros in the pages it leaves; then `PRAGMA wal_checkpoint(TRUNCATE)` copies the log into the database and cuts the
  log to zero bytes. Neither the `.db` nor the `-wal` (nor a `-journal`) file then holds the chat id or the birth
  date (tests/api/test_privacy.py scans the raw files).
- PostgreSQL: the tables a forget touches are vacuumed (outside a transaction), on a background thread, one vacuum
  at a time however many forgets arrive. VACUUM marks the dead rows' space free but does not zero it, and the WAL
  segments keep the deleted rows until they are recycled: the README's "People's data" says how long.

Logs name a conversation by `session_tag(key)`, a short hash, never by its key; the store's engines hide statement
parameters from their errors (api/db.py), so a database error's log holds neither the session key nor the state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

from sqlalchemy import Engine

from common import person_tag

log = logging.getLogger(__name__)

# What a forget deletes or updates: the subscriber and its messages, what WeChat kept about the user, the
# conversation, and the contact on complaint cases.
TOUCHED_TABLES = ("subscribers", "outbox", "wechat_users", "conversations", "cases")


session_tag = person_tag  # a conversation as logs may name it (common.person_tag)


class Scrubber:
    """Called after personal data is deleted; makes the deletion reach the disk (see the module's notes)."""

    def __init__(self, engine: Engine, tables: Sequence[str] = TOUCHED_TABLES,
                 on_done: Callable[[], None] | None = None):
        self.engine = engine
        self.tables = tuple(tables)
        self.on_done = on_done
        self._wanted = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._lock = threading.Lock()
        self._worker: threading.Thread | None = None

    def __call__(self, *_: object) -> None:
        """Usable as a Subscriptions forgetter (it is given the recipient, which it does not need)."""
        self.scrub()

    def scrub(self) -> None:
        dialect = self.engine.dialect.name
        if dialect == "sqlite":
            self.checkpoint()  # milliseconds: at once, so the answer to /forget leaves after it
        elif dialect == "postgresql":
            self._vacuum_soon()

    def checkpoint(self) -> None:
        """SQLite: the log into the database, and the log cut to zero bytes."""
        if (self.engine.url.database or ":memory:") == ":memory:":
            return
        with self.engine.connect() as conn:
            busy, _, _ = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:  # a reader held the log past the busy timeout: the next forget (or checkpoint) finishes it
            log.warning("the store's log could not be truncated after a forget: a reader was busy")
        if self.on_done:
            self.on_done()

    def wait(self, timeout: float = 30.0) -> bool:
        """Until no vacuum is wanted or running (tests; a clean shutdown)."""
        return self._idle.wait(timeout)

    def _vacuum_soon(self) -> None:
        with self._lock:
            self._idle.clear()
            self._wanted.set()
            if self._worker is None or not self._worker.is_alive():
                self._worker = threading.Thread(target=self._vacuum_while_wanted, name="vacuum", daemon=True)
                self._worker.start()

    def _vacuum_while_wanted(self) -> None:
        while True:
            with self._lock:
                if not self._wanted.is_set():
                    self._idle.set()
                    return
                self._wanted.clear()
            try:
                self.vacuum()
            except Exception as error:  # logged; the forget itself has happened, and autovacuum follows
                log.warning("VACUUM after a forget failed: %s", type(error).__name__)

    def vacuum(self) -> None:
        """PostgreSQL: VACUUM the touched tables; it cannot run inside a transaction block."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            present = set(conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()").scalars())
            for table in self.tables:
                if table in present:
                    conn.exec_driver_sql(f'VACUUM "{table}"')
        if self.on_done:
            self.on_done()
