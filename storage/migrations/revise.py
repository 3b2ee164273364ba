"""Write a new migration from the difference between the tables and the latest revision.

python -m storage.migrations.revise "add a column for X"

The revision is numbered after the latest one, refused when the tables did not change, and
written lint-clean (ruff check --fix, ruff format), so it can be committed as it is after reading.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from alembic import command
from alembic.operations.ops import MigrationScript
from alembic.script import Script, ScriptDirectory
from sqlalchemy import create_engine

from storage.db import alembic_config


def _next_id(scripts: ScriptDirectory) -> str:
    numbers = [int(s.revision) for s in scripts.walk_revisions() if s.revision.isdigit()]
    return f"{max(numbers, default=0) + 1:04d}"


def _refuse_empty(_context: Any, _revision: Any, directives: list[MigrationScript]) -> None:
    """Drop a revision whose upgrade does nothing, so no empty file is written."""
    script = directives[0]
    if all(ops.is_empty() for ops in script.upgrade_ops_list):
        directives.clear()


def _lint(path: Path) -> None:
    for args in (["check", "--fix", "--quiet"], ["format", "--quiet"]):
        subprocess.run([sys.executable, "-m", "ruff", *args, str(path)], check=True)


def main(argv: Iterable[str] | None = None) -> int:
    """Build a scratch SQLite database at head, then autogenerate the next revision."""
    parser = argparse.ArgumentParser(
        prog="python -m storage.migrations.revise",
        description="Write the next migration from the changes in storage/tables.py.",
    )
    parser.add_argument("message", help='what changed, e.g. "add a column for X"')
    message = parser.parse_args(None if argv is None else list(argv)).message.strip()
    if not message:
        parser.error("the message must say what changed")
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite:///{Path(folder) / 'scratch.db'}")
        with engine.begin() as connection:
            config = alembic_config(connection)
            command.upgrade(config, "head")
            written = command.revision(
                config,
                message=message,
                autogenerate=True,
                rev_id=_next_id(ScriptDirectory.from_config(config)),
                process_revision_directives=_refuse_empty,
            )
        engine.dispose()
    scripts = [s for s in (written if isinstance(written, list) else [written]) if s is not None]
    if not scripts:
        print("no change in storage/tables.py since the latest migration: nothing written")
        return 1
    for script in scripts:
        assert isinstance(script, Script)
        path = Path(script.path)
        _lint(path)
        print(f"wrote {path}: read it before committing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
