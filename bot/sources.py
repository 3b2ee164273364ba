"""The operator's data sources (accounts, status page): read, cached, refreshed in the background.

A source is a file or an HTTPS URL. The first read happens at start-up and must succeed; later
refreshes that fail keep the last good copy and say so in /healthz.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Generic, TypeVar
from urllib.parse import urlsplit

import aiohttp
import yaml

from bot.accounts import AccountIndex, parse_accounts
from bot.status import STATUSPAGE_PATHS, Clock, OutageList, parse_statuspage, utcnow
from bot.tools import (
    AccountDirectory,
    IndexedAccounts,
    ListedOutages,
    OutageFeed,
    TeamDomains,
    Toolbox,
    YamlAccountDirectory,
    YamlOutageFeed,
    default_accounts_path,
    default_outages_path,
)

log = logging.getLogger(__name__)

ACCOUNTS_TTL_SECONDS = 300.0
STATUS_TTL_SECONDS = 60.0
FETCH_TIMEOUT_SECONDS = 10.0

T = TypeVar("T")


class SourceError(Exception):
    """A source cannot be read or parsed; the message is one line naming the variable."""


def is_url(location: str) -> bool:
    """Whether a source setting is a URL rather than a file path."""
    return "://" in location


def shown(location: str) -> str:
    """The location without credentials or query string, fit for logs and /healthz."""
    if not is_url(location):
        return location
    parts = urlsplit(location)
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname}{port}{parts.path}"


async def _fetch_json(session: aiohttp.ClientSession, url: str) -> Any:
    async with session.get(url, headers={"Accept": "application/json"}) as response:
        if response.status != 200:
            raise SourceError(f"{shown(url)} answered HTTP {response.status}")
        try:
            return await response.json(content_type=None)
        except ValueError:
            raise SourceError(f"{shown(url)} did not return JSON") from None


def _session() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS))


def _read_file(path: Path) -> str:
    if not path.is_file():
        raise SourceError(f"no such file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SourceError(f"cannot read {path}: {error}") from None


def _parse_document(text: str, fmt: str) -> Any:
    try:
        return json.loads(text) if fmt == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise ValueError(f"not valid {fmt.upper()}: {str(error).splitlines()[0]}") from None


def _file_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".yaml", ".yml"):
        return "yaml"
    if suffix in (".csv", ".json"):
        return suffix[1:]
    raise SourceError(f"{path}: expected a .csv, .yaml, .yml or .json file")


async def read_accounts(location: str) -> AccountIndex:
    """Read the operator's accounts from a CSV, YAML or JSON file, or a URL returning JSON."""
    try:
        if is_url(location):
            async with _session() as session:
                data = await _fetch_json(session, location)
            return AccountIndex(parse_accounts(json.dumps(data), fmt="json"))
        path = Path(location)
        fmt = _file_format(path)
        text = await asyncio.to_thread(_read_file, path)
        return AccountIndex(parse_accounts(text, fmt=fmt))
    except ValueError as error:
        raise SourceError(f"{shown(location)}: {error}") from None


async def read_status(location: str, *, clock: Clock = utcnow) -> OutageList:
    """Read a Statuspage v2 page (its base URL), one of its JSON documents, or a file like it."""
    try:
        if is_url(location) and not urlsplit(location).path.endswith(".json"):
            base = location if location.endswith("/") else location + "/"
            async with _session() as session:
                parts = await asyncio.gather(
                    *(_fetch_json(session, base + path) for path in STATUSPAGE_PATHS.values())
                )
            data: Any = {}
            for key, part in zip(STATUSPAGE_PATHS, parts, strict=True):
                data[key] = part.get(key, []) if isinstance(part, dict) else []
        elif is_url(location):
            async with _session() as session:
                data = await _fetch_json(session, location)
        else:
            path = Path(location)
            fmt = _file_format(path)
            if fmt == "csv":
                raise SourceError(f"{path}: expected a .json, .yaml or .yml file")
            data = _parse_document(await asyncio.to_thread(_read_file, path), fmt)
        if not isinstance(data, dict):
            raise ValueError("expected a Statuspage document (a mapping with incidents)")
        return OutageList(parse_statuspage(data), clock=clock)
    except ValueError as error:
        raise SourceError(f"{shown(location)}: {str(error).splitlines()[0]}") from None


def _one_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


@dataclass
class Source(Generic[T]):
    """One source's last good copy, refreshed every `ttl` seconds by `run_forever`."""

    variable: str
    location: str
    read: Callable[[], Awaitable[T]]
    ttl: float
    value: T | None = None
    loaded_at: datetime | None = None
    error: str | None = None
    failed_at: datetime | None = None
    _attempted: float = field(default=0.0, repr=False)

    async def load(self) -> T:
        """Read the source now; raise SourceError naming the variable when it cannot be read."""
        self._attempted = time.monotonic()
        try:
            value = await self.read()
        except (SourceError, OSError, aiohttp.ClientError, TimeoutError) as error:
            raise SourceError(f"{self.variable}: {_one_line(error)}") from None
        self.value = value
        self.loaded_at = datetime.now(UTC)
        self.error = None
        self.failed_at = None
        return value

    async def refresh(self) -> bool:
        """Read again; on failure keep the last good copy and remember why."""
        try:
            await self.load()
        except SourceError as error:
            self.error = str(error)
            self.failed_at = datetime.now(UTC)
            log.warning("%s; keeping the copy loaded at %s", error, self.loaded_at)
            return False
        return True

    def due_in(self) -> float:
        """Seconds until the next read: `ttl` after the last attempt, failed or not."""
        return max(0.0, self.ttl - (time.monotonic() - self._attempted))

    async def run_forever(self) -> None:
        """Refresh every `ttl` seconds until cancelled."""
        while True:
            await asyncio.sleep(self.due_in())
            await self.refresh()

    def health(self) -> dict[str, Any]:
        """What /healthz says about this source."""
        body: dict[str, Any] = {
            "source": shown(self.location),
            "ok": self.error is None,
            "loaded_at": self.loaded_at.isoformat() if self.loaded_at else None,
        }
        if self.error is not None:
            body["error"] = self.error
            body["note"] = "serving the last good copy"
        return body


@dataclass
class Sources:
    """The operator's sources that are configured, keyed by what they hold."""

    accounts: Source[AccountIndex] | None = None
    status: Source[OutageList] | None = None

    def all(self) -> dict[str, Source[Any]]:
        """The configured sources by name."""
        found: dict[str, Source[Any]] = {}
        if self.accounts is not None:
            found["accounts"] = self.accounts
        if self.status is not None:
            found["status"] = self.status
        return found

    async def load(self) -> None:
        """First read of every source (start-up); the first failure is raised."""
        for source in self.all().values():
            await source.load()

    async def refresh(self) -> None:
        """Read every source again now, keeping last good copies on failure."""
        for source in self.all().values():
            await source.refresh()

    @contextlib.asynccontextmanager
    async def refreshing(self) -> Any:
        """Refresh every source in the background while the context is open."""
        tasks = [
            asyncio.create_task(source.run_forever(), name=f"refresh-{name}")
            for name, source in self.all().items()
        ]
        try:
            yield self
        finally:
            for task in tasks:
                task.cancel()
            for task in tasks:
                with contextlib.suppress(asyncio.CancelledError):
                    await task

    def health(self) -> dict[str, Any]:
        """Each source's state for /healthz."""
        return {name: source.health() for name, source in self.all().items()}


def build_toolbox(
    *,
    accounts_source: str | None,
    status_source: str | None,
    sample_data: bool,
    team_domains: TeamDomains | None = None,
    clock: Clock = utcnow,
) -> tuple[Toolbox, Sources]:
    """The tools over the operator's sources; the sample only where `sample_data` allows it.

    Nothing is read here: `Sources.load` reads the operator's sources at start-up.
    """
    sources = Sources()
    accounts: AccountDirectory
    outages: OutageFeed
    if accounts_source is not None:
        location = accounts_source
        source_a = Source(
            "HITL_ACCOUNTS_SOURCE", location, lambda: read_accounts(location), ACCOUNTS_TTL_SECONDS
        )
        sources.accounts = source_a
        accounts = IndexedAccounts(lambda: source_a.value)
    elif sample_data:
        accounts = YamlAccountDirectory.from_file(default_accounts_path())
    else:
        accounts = IndexedAccounts(lambda: None)
    if status_source is not None:
        status_location = status_source
        source_s = Source(
            "HITL_STATUS_SOURCE",
            status_location,
            lambda: read_status(status_location, clock=clock),
            STATUS_TTL_SECONDS,
        )
        sources.status = source_s
        outages = ListedOutages(lambda: source_s.value)
    elif sample_data:
        outages = YamlOutageFeed.from_file(default_outages_path(), clock=clock)
    else:
        outages = ListedOutages(lambda: None)
    toolbox = Toolbox(
        accounts,
        outages,
        # Only the operator's records name domains; the sample maps every org by its team id.
        team_domains=team_domains if accounts_source is not None else None,
        accounts_configured=accounts_source is not None or sample_data,
        status_configured=status_source is not None or sample_data,
    )
    return toolbox, sources
