"""Alembic environment: migrations run on the connection handed over by api.db.migrate."""

from alembic import context

import api.store  # noqa: F401  (registers the api tables)
import bot.store  # noqa: F401  (registers the bot tables)
import geodata.cases
import geodata.store  # noqa: F401  (registers the registry tables)
import messaging.store  # noqa: F401  (registers the messaging tables)
from common import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through api.db.migrate(engine)")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
