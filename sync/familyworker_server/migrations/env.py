"""Alembic environment: runs against the engine the server hands over (no URL in a file)."""

from alembic import context
from sqlalchemy import Engine

from familyworker_server.models import metadata

engine: Engine = context.config.attributes["engine"]
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=metadata)
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
