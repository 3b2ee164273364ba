"""Write a new migration from the difference between the tables and the latest revision.

python -m storage.migrations.revise "add a column for X"
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from storage.db import alembic_config


def main() -> None:
    """Build a scratch SQLite database at head, then autogenerate the next revision."""
    if len(sys.argv) != 2:
        raise SystemExit('usage: python -m storage.migrations.revise "what changed"')
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            command.revision(config, message=sys.argv[1], autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()
