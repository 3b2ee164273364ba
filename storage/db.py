"""The async engine: one per process, SQLite by default, PostgreSQL (asyncpg) in production."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, CursorResult, Result
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from storage import tables  # noqa: F401  (registers every table on SQLModel.metadata)


def make_engine(url: str, *, search_path: str | None = None, echo: bool = False) -> AsyncEngine:
    """Create the engine; `search_path` confines a PostgreSQL engine to one schema (tests)."""
    connect_args: dict[str, Any] = {}
    if url.startswith("postgresql"):
        if search_path:
            connect_args["server_settings"] = {"search_path": search_path}
        return create_async_engine(
            url,
            echo=echo,
            pool_size=10,
            max_overflow=20,
            pool_pre_ping=True,
            connect_args=connect_args,
        )
    # SQLite has one writer at a time and its busy handler sleeps in growing steps, which
    # turns contention into latency spikes; one pooled connection queues work in order instead.
    engine = create_async_engine(
        url,
        echo=echo,
        connect_args={"timeout": 30},
        pool_size=1,
        max_overflow=0,
        pool_timeout=60,
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
    # WAL lets readers run beside the one writer; busy_timeout makes writers queue instead of fail.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


MIGRATIONS = Path(__file__).parent / "migrations"
MIGRATION_LOCK = 4_811_203  # any fixed number, the same in every replica


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, pointed at the shipped migrations (no alembic.ini needed)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


async def create_schema(engine: AsyncEngine) -> None:
    """Bring the schema to the latest migration; an up-to-date database is left as it is."""
    async with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together take turns; the lock ends with the transaction.
            await connection.execute(
                text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK}
            )
        await connection.run_sync(lambda sync: command.upgrade(alembic_config(sync), "head"))


def head_revision() -> str | None:
    """The latest migration this version of the code ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def schema_revision(engine: AsyncEngine) -> str | None:
    """The migration a database is at, None when it holds no schema; it changes nothing."""
    async with engine.connect() as connection:
        return await connection.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


def sqlite_file(url: str) -> Path | None:
    """The file behind a SQLite URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite"):
        return None
    name = url.split(":///", 1)[1].split("?", 1)[0] if ":///" in url else ""
    if not name or name == ":memory:" or name.startswith("file::memory:"):
        return None
    return Path(name.removeprefix("file:"))


def database_problem(error: BaseException) -> str:
    """The first line of what the driver said, without SQLAlchemy's statement and link."""
    cause: BaseException = getattr(error, "orig", None) or error
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


async def ping(engine: AsyncEngine) -> None:
    """Run a trivial query so a health check proves the database answers."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded rows usable after commit (they leave the store detached)."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


def rows_changed(result: Result[Any]) -> int:
    """How many rows an INSERT, UPDATE or DELETE changed (what compare-and-set reads)."""
    return int(cast(CursorResult[Any], result).rowcount)
