"""Engine set-up (SQLite in WAL mode, or PostgreSQL) and schema migrations through Alembic."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from warn.errors import StorageError

log = logging.getLogger(__name__)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and use the psycopg 3 driver for them."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url.removeprefix(prefix)
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for ``url``: SQLite files get WAL mode and a busy timeout."""
    url = normalise_url(url)
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})
            event.listen(engine, "connect", _sqlite_pragmas)
        else:
            engine = create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)
    except (SQLAlchemyError, ImportError) as e:
        raise StorageError(f"cannot use database URL {redact(url)}: {e}") from e
    return engine


def redact(url: str) -> str:
    """The URL with any password hidden, for logs and errors."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable database URL>"


def alembic_dir() -> Path:
    """The migrations folder: the repo's ``alembic/`` or the copy packed into the wheel."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here.parent / "alembic", here / "_alembic"):
        if (candidate / "env.py").exists():
            return candidate
    raise StorageError("the Alembic migrations are missing from this installation")


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(alembic_dir()))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply migrations up to ``revision`` (what ``warn db upgrade`` and ``warn run`` do)."""
    from alembic import command

    try:
        command.upgrade(alembic_config(engine), revision)
    except OperationalError as e:
        raise StorageError(f"cannot migrate {redact(str(engine.url))}: {e.orig}") from e


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def check_schema(engine: Engine) -> None:
    """Raise StorageError unless the database is at the newest migration."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    try:
        current = current_revision(engine)
    except OperationalError as e:
        raise StorageError(f"cannot open {redact(str(engine.url))}: {e.orig}") from e
    if current != head:
        raise StorageError(
            f"database {redact(str(engine.url))} is at revision {current or 'none'}, "
            f"not {head}; run `warn db upgrade`"
        )


def table_names(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())
