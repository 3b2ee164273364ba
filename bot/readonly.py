"""Read-only commands: open the database without creating it, and write output files safely."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, UsageError
from storage.db import database_problem, head_revision, make_engine, schema_revision, sqlite_file


def write_output(path: Path, data: bytes, *, option: str) -> None:
    """Write a command's output file, creating its folder; UsageError naming the option."""
    if path.is_dir():
        raise UsageError(f"{option}: {path} is a folder; name a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    except OSError as error:
        raise UsageError(f"{option}: cannot write {path}: {error.strerror or error}") from None


async def open_existing(database_url: str) -> AsyncEngine:
    """An engine on a database that exists and is migrated; ConfigError naming DATABASE_URL."""
    path = sqlite_file(database_url)
    if path is not None and not path.is_file():
        # Opening a missing SQLite file would create an empty one beside the operator's data.
        raise ConfigError(
            f"DATABASE_URL: no database at {path} (it is created when `hitl serve` first runs)"
        )
    engine = make_engine(database_url)
    where = engine.url.render_as_string(hide_password=True)
    try:
        revision = await schema_revision(engine)
    except Exception as error:
        await engine.dispose()
        raise ConfigError(f"DATABASE_URL: cannot use {where}: {database_problem(error)}") from None
    head = head_revision()
    if revision != head:
        await engine.dispose()
        state = "holds no support data" if revision is None else f"is at revision {revision}"
        raise ConfigError(
            f"DATABASE_URL: {where} {state}; this version needs {head} "
            "(`hitl serve` migrates it when it starts)"
        )
    return engine
