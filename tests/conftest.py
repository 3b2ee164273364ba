"""Shared fixtures: a scrubbed environment, real databases, the emulators and the running bot."""

from __future__ import annotations

import asyncio
import logging
import os
import re
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from aiohttp import web

from bot.app import Runtime, build_runtime, build_web_app
from bot.config import Settings
from emulators import AnthropicEmulator, SlackEmulator, StatuspageEmulator
from sandbox.workspace import AGENT_CHANNEL, DIGEST_CHANNEL, seed
from storage.tables import utcnow

SIGNING_SECRET = "test-signing-secret"
POSTGRES_DSN = os.environ.get("HITL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
SCRUBBED_PREFIXES = ("SLACK_", "ANTHROPIC_", "HITL_")
SCRUBBED_NAMES = ("DATABASE_URL", "PORT")

_postgres_state: dict[str, str | None] = {}


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker a test uses to say which product failures it expects."""
    config.addinivalue_line(
        "markers",
        "expect_errors(*patterns): failures matching these regexes (logged errors, Slack "
        "refusals as 'method refused: error', Slack warnings, acks after 3 s) do not fail the test",
    )


class _FailureLog(logging.Handler):
    """Collect every record logged at ERROR or above, or carrying an exception."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.ERROR or record.exc_info:
            self.records.append(record)


def _describe(record: logging.LogRecord) -> str:
    """A logged failure as one searchable text: logger, message and the exception."""
    text = f"{record.name}: {record.getMessage()}"
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        text += f" [{type(error).__name__}: {error}]"
    return text


class Strictness:
    """What counts as the product failing during one test, and what the test expects."""

    def __init__(self) -> None:
        self.expected: list[re.Pattern[str]] = []
        self.emulators: list[SlackEmulator] = []
        self.log = _FailureLog()

    def expect(self, *patterns: str) -> None:
        """Accept failures whose description matches any of these regexes."""
        self.expected.extend(re.compile(p) for p in patterns)

    def _unexpected(self, found: list[str]) -> list[str]:
        return [f for f in found if not any(p.search(f) for p in self.expected)]

    def failures(self) -> list[str]:
        """Every unexpected failure: logged errors, Slack refusals, Slack warnings."""
        found = [f"logged: {_describe(r)}" for r in self.log.records]
        for emulator in self.emulators:
            found += [
                f"Slack refused: {c.method} refused: {c.response.get('error')} "
                f"(status {c.status}) {_clip(c.response)}"
                for c in emulator.refusals()
            ]
            found += [
                f"Slack warned: {w['method']} warning: {w['warning']} in {w['channel']}"
                for w in emulator.warnings
            ]
            found += [
                f"Slack gave up: {late['kind']} acknowledged after {late['elapsed']:.1f} s "
                "(Slack waits 3 s)"
                for late in emulator.late_acks
            ]
        return self._unexpected(found)


def _clip(value: object, limit: int = 300) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


@pytest.fixture(autouse=True)
def strictness(request: pytest.FixtureRequest) -> Iterator[Strictness]:
    """Fail a test whose product failed, even in background work nobody awaited.

    An exception logged by the worker, the scheduler or a listener, a Slack call refused
    without the test injecting the refusal, and a Slack warning all fail the test unless it
    declares them with `@pytest.mark.expect_errors(...)` or the `expect_errors` fixture.
    """
    state = Strictness()
    for marker in request.node.iter_markers("expect_errors"):
        state.expect(*marker.args)
    root = logging.getLogger()
    root.addHandler(state.log)
    try:
        yield state
    finally:
        root.removeHandler(state.log)
    problems = state.failures()
    if problems:
        pytest.fail(
            "the product failed during this test:\n  " + "\n  ".join(problems), pytrace=False
        )


@pytest.fixture
def expect_errors(strictness: Strictness) -> Callable[..., None]:
    """Declare failures this test provokes on purpose: `expect_errors("pattern", ...)`."""
    return strictness.expect


@pytest.fixture(autouse=True)
def scrubbed_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No developer's tokens or .env leak into a test; each test runs in its own folder."""
    for name in list(os.environ):
        if name.startswith(SCRUBBED_PREFIXES) or name in SCRUBBED_NAMES:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def running_in_ci() -> bool:
    """CI counts as set for any non-empty value but `false` or `0` (`CI=1`, `CI=True`, ...)."""
    value = os.environ.get("CI", "").strip().lower()
    return value not in ("", "false", "0")


async def _postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it answers (checked once)."""
    if "problem" not in _postgres_state:
        try:
            connection = await asyncpg.connect(POSTGRES_DSN, timeout=3)
            await connection.close()
            _postgres_state["problem"] = None
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            _postgres_state["problem"] = f"{type(error).__name__}: {error}"
    return _postgres_state["problem"]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say plainly whether the PostgreSQL suite ran."""
    if "problem" not in _postgres_state:
        return
    problem = _postgres_state["problem"]
    if problem is None:
        terminalreporter.write_line("PostgreSQL suite: ran against " + POSTGRES_DSN.split("@")[-1])
    else:
        terminalreporter.write_line(f"PostgreSQL suite: SKIPPED ({problem})", yellow=True)


@pytest.fixture(params=["sqlite", "postgres"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL database made for this test."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'hitl.db'}"
        return
    problem = await _postgres_problem()
    if problem is not None:
        if running_in_ci():
            pytest.fail(f"PostgreSQL is required in CI and is not reachable: {problem}")
        pytest.skip(f"PostgreSQL suite skipped: {problem}")
    name = f"hitl_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(POSTGRES_DSN)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base = POSTGRES_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    yield f"{base}/{name}"
    admin = await asyncpg.connect(POSTGRES_DSN)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
async def slack(strictness: Strictness) -> AsyncIterator[SlackEmulator]:
    """The Slack emulator with the sample workspace; what it refuses fails the test."""
    emulator = SlackEmulator()
    strictness.emulators.append(emulator)
    seed(emulator)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
async def claude() -> AsyncIterator[AnthropicEmulator]:
    """The Messages API emulator; every scripted reply must be used, and nothing more."""
    emulator = AnthropicEmulator()
    await emulator.start()
    yield emulator
    await emulator.stop()
    emulator.assert_all_used()


NORTHGATE_INCIDENT = "Dropped calls and slow mobile data around Northgate"
NORTHGATE_UPDATE = (
    "A cell site failure near Northgate is causing dropped calls and slow or no mobile data "
    "around Northgate; engineers are replacing the damaged equipment on site."
)


@pytest.fixture
async def statuspage() -> AsyncIterator[StatuspageEmulator]:
    """The operator's status page, with a live incident in the north region (Acme's)."""
    emulator = StatuspageEmulator("Brightwave Status")
    voice = emulator.add_component("Mobile voice", group="north")
    data = emulator.add_component("Mobile data", group="north")
    emulator.add_component("Broadband", group="south")
    emulator.open_incident(
        NORTHGATE_INCIDENT, NORTHGATE_UPDATE, components=(voice, data), status="identified"
    )
    await emulator.start()
    yield emulator
    await emulator.stop()


def before_digest_time() -> datetime:
    """A moment early in a day, so the daily digest is not due while a scenario runs."""
    return datetime(2026, 11, 24, 0, 1, tzinfo=UTC)


class SchedulerClock:
    """The scheduler's time and rounds in a test: both move only when the test moves them.

    The running app's scheduler waits on this instead of a 30-second timer; `advance` moves
    the time the jobs see, lets one round run, and returns once that round has finished.
    """

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._parked = 0  # how many times the loop has come back to wait for a round
        self._changed = asyncio.Condition()
        self._go = asyncio.Event()

    def __call__(self) -> datetime:
        return self.now

    async def wait(self, interval: float, stopping: asyncio.Event) -> bool:
        """The scheduler's wait between rounds: until the test advances, or the app stops."""
        async with self._changed:
            self._parked += 1
            self._changed.notify_all()
        go = asyncio.ensure_future(self._go.wait())
        stop = asyncio.ensure_future(stopping.wait())
        await asyncio.wait({go, stop}, return_when=asyncio.FIRST_COMPLETED)
        go.cancel()
        stop.cancel()
        if stopping.is_set():
            return False
        self._go.clear()
        return True

    async def advance(self, delta: timedelta = timedelta(0), *, timeout: float = 10) -> None:  # noqa: ASYNC109
        """Move the time forward, run one scheduler round, and wait until it is over."""

        async def parked(count: int) -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: self._parked >= count)

        await asyncio.wait_for(parked(1), timeout)
        self.now += delta
        done_at = self._parked + 1
        self._go.set()
        await asyncio.wait_for(parked(done_at), timeout)


@dataclass
class Bot:
    """The running app as Slack sees it: an HTTP URL, plus its runtime for assertions."""

    url: str
    runtime: Runtime
    settings: Settings
    clock: SchedulerClock

    async def idle(self) -> None:
        """Wait until the background work started by earlier requests has finished.

        Work still running after the wait is a hang, not silence: the test fails.
        """
        cancelled = await self.runtime.deps.worker.drain(timeout=10)
        assert not cancelled, f"background work still running after 10 s: {cancelled}"


StartBot = Callable[..., Awaitable[Bot]]


@pytest.fixture
async def start_bot(slack: SlackEmulator, database_url: str) -> AsyncIterator[StartBot]:
    """Start the real app over HTTP against the emulators, with settings overrides."""
    runners: list[web.AppRunner] = []

    async def start(
        *,
        digest_clock: Callable[[], datetime] = before_digest_time,
        sample_data: bool = True,
        **overrides: Any,
    ) -> Bot:
        values: dict[str, Any] = {
            "slack_bot_token": slack.bot_token,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": slack.base_url,
            "hitl_agent_channel": AGENT_CHANNEL,
            "hitl_digest_channel": DIGEST_CHANNEL,
            "database_url": database_url,
        }
        values.update(overrides)
        settings = Settings(_env_file=None, **values)  # type: ignore[call-arg]
        # The emulated workspace is the sample's, so its accounts and outages stand in for
        # sources by default; tests of a real workspace's defaults pass sample_data=False.
        runtime = build_runtime(settings, digest_clock=digest_clock, sample_data=sample_data)
        clock = SchedulerClock(utcnow())
        runtime.scheduler.ticks = clock
        runtime.scheduler.clock = clock
        runner = web.AppRunner(build_web_app(runtime))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        runners.append(runner)
        port = runner.addresses[0][1]
        url = f"http://127.0.0.1:{port}"
        slack.connect_app(f"{url}/slack/events", SIGNING_SECRET)
        return Bot(url=url, runtime=runtime, settings=settings, clock=clock)

    yield start
    for runner in reversed(runners):
        await runner.cleanup()


@pytest.fixture
async def bot(start_bot: StartBot, statuspage: StatuspageEmulator) -> Bot:
    """The app with the offline engine, reading the operator's status page."""
    return await start_bot(hitl_status_source=statuspage.base_url)


@pytest.fixture
async def claude_bot(
    start_bot: StartBot, claude: AnthropicEmulator, statuspage: StatuspageEmulator
) -> Bot:
    """The app with Claude (the Messages API emulator) as its engine."""
    return await start_bot(
        anthropic_api_key="test-key",
        anthropic_base_url=claude.base_url,
        hitl_status_source=statuspage.base_url,
    )


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """The shared reference folder beside the repository (payloads, schema, data)."""
    yield Path(__file__).resolve().parents[2] / "shared"
