"""Alembic environment: the engine comes from warn (``config.attributes['engine']``) or from
``sqlalchemy.url`` / WARN_DATABASE_URL when alembic is run by hand."""

import os

from alembic import context
from sqlmodel import SQLModel

import warn.store.tables  # noqa: F401  (registers the tables on SQLModel.metadata)
from warn.store.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def _engine():
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    url = os.environ.get("WARN_DATABASE_URL") or config.get_main_option("sqlalchemy.url")
    return make_engine(url or "sqlite:///warn.db")


def run_migrations_offline() -> None:
    context.configure(
        url=str(_engine().url),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
