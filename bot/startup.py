"""What the app needs before it serves, each failure turned into one line naming its variable."""

from __future__ import annotations

import os

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import ConfigError, Settings
from bot.knowledge import KnowledgeBase, default_kb_dir
from bot.policy import Policy, PolicyError, load_policy
from bot.sources import SourceError, Sources
from storage.db import create_schema, database_problem, sqlite_file


def configured_policy(settings: Settings) -> Policy:
    """The shipped policy overlaid with HITL_POLICY_FILE."""
    try:
        return load_policy(settings.hitl_policy_file)
    except PolicyError as error:
        raise ConfigError(f"HITL_POLICY_FILE: {error}") from None


def configured_knowledge(settings: Settings) -> KnowledgeBase:
    """The knowledge base in HITL_KB_DIR (or the sample), which must hold articles."""
    folder = settings.hitl_kb_dir or default_kb_dir()
    if not folder.is_dir():
        raise ConfigError(f"HITL_KB_DIR: no such folder: {folder}")
    try:
        knowledge = KnowledgeBase.from_folder(folder)
    except (OSError, ValueError) as error:
        raise ConfigError(f"HITL_KB_DIR: cannot read {folder}: {error}") from None
    if len(knowledge) == 0:
        raise ConfigError(f"HITL_KB_DIR: no Markdown articles (*.md) in {folder}")
    return knowledge


async def open_services(engine: AsyncEngine, sources: Sources) -> None:
    """Migrate the database and read the operator's sources, or say in one line what failed."""
    where = engine.url.render_as_string(hide_password=True)
    path = sqlite_file(where)
    if path is not None and not path.parent.is_dir():
        # Checked before connecting: a failed SQLite connect leaves a worker thread behind.
        raise ConfigError(f"DATABASE_URL: cannot use {where}: no folder {path.parent}")
    if path is not None and not os.access(path.parent, os.W_OK):
        raise ConfigError(f"DATABASE_URL: cannot use {where}: {path.parent} is not writable")
    try:
        await create_schema(engine)
    except Exception as error:
        raise ConfigError(f"DATABASE_URL: cannot use {where}: {database_problem(error)}") from None
    try:
        await sources.load()
    except SourceError as error:
        raise ConfigError(str(error)) from None
