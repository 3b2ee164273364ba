"""The migrations build exactly the schema the code declares, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

from storage.db import create_schema, make_engine


async def test_migrations_match_the_tables_and_run_twice_harmlessly(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        await create_schema(engine)
        await create_schema(engine)  # a restart: nothing left to do

        async with engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), SQLModel.metadata)
            )
    finally:
        await engine.dispose()

    assert differences == []
