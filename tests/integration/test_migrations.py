"""Alembic owns the schema: migrations apply on SQLite and PostgreSQL and match the tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlmodel import SQLModel

import warn.store.tables  # noqa: F401
from warn.store.db import check_schema, current_revision, table_names


def test_no_drift_between_tables_and_migrations(any_engine: Engine) -> None:
    with any_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_upgrade_creates_every_table_and_is_repeatable(any_engine: Engine) -> None:
    from warn.store.db import upgrade

    assert set(SQLModel.metadata.tables) <= set(table_names(any_engine))
    upgrade(any_engine)  # a second run is a no-op
    check_schema(any_engine)
    assert current_revision(any_engine) is not None


def test_sqlite_uses_wal(sqlite_engine: Engine) -> None:
    with sqlite_engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
