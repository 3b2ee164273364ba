"""Every entry point run as a real process: scrubbed environment, free port, /healthz polled.

`hitl eval` is run the same way in tests/bot/test_eval_cli.py.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from emulators import SlackEmulator
from storage.db import create_schema, make_engine
from tests.conftest import SIGNING_SECRET, Bot
from tests.scenarios.test_actions import escalate

ROAMING_QUESTION = "How much does it cost to use my phone in France? Is there a roaming fee?"
SCRUBBED = ("SLACK_", "ANTHROPIC_", "HITL_", "DATABASE_URL", "PORT")
START_TIMEOUT = 90.0  # a cold start imports the model and builds the search index


def hitl_command() -> list[str]:
    """The installed `hitl` script of this environment."""
    script = Path(sys.executable).parent / "hitl"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())"]


def scrubbed_env(**values: str) -> dict[str, str]:
    """This process's environment without any Slack, Claude or app setting, plus `values`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    env.update(values)
    return env


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Finished:
    """What a process that ran to its end said."""

    code: int
    stdout: str
    stderr: str


async def run(command: list[str], env: dict[str, str], cwd: Path) -> Finished:
    """Run a command to its end (at most two minutes)."""
    process = await asyncio.create_subprocess_exec(
        *command,
        env=env,
        cwd=cwd,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return Finished(process.returncode, out.decode(), err.decode())


@dataclass
class Server:
    """A server process and where it listens."""

    process: asyncio.subprocess.Process
    url: str


StartServer = Callable[[list[str], dict[str, str]], Awaitable[Server]]


@pytest.fixture
async def serve(tmp_path: Path) -> AsyncIterator[StartServer]:
    """Start a server process; stop it (SIGTERM) at the end and check it stopped cleanly."""
    started: list[Server] = []

    async def start(command: list[str], env: dict[str, str]) -> Server:
        port = free_port()
        log = tmp_path / f"server-{len(started)}.log"
        with log.open("wb") as output:
            process = await asyncio.create_subprocess_exec(
                *command,
                env={**env, "PORT": str(port)},
                cwd=tmp_path,
                stdout=output,
                stderr=output,
            )
        server = Server(process, f"http://127.0.0.1:{port}")
        started.append(server)
        await wait_healthy(server, log)
        return server

    yield start
    for server in started:
        if server.process.returncode is None:
            server.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(server.process.wait(), 30)
            except TimeoutError:
                server.process.kill()
                await server.process.wait()
                pytest.fail("the server did not stop within 30 s of SIGTERM")


def server_log(path: Path) -> str:
    """What the server wrote so far (for a failure message)."""
    return path.read_text(errors="replace")


async def wait_healthy(server: Server, log: Path) -> None:
    """Poll /healthz until it answers 200; fail early if the process dies."""
    deadline = time.monotonic() + START_TIMEOUT
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            if server.process.returncode is not None:
                pytest.fail(f"server exited with {server.process.returncode}:\n{server_log(log)}")
            try:
                async with session.get(f"{server.url}/healthz") as response:
                    if response.status == 200:
                        return
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.2)  # polling a condition, not waiting for time to pass
    pytest.fail(f"/healthz never answered 200 within {START_TIMEOUT} s:\n{server_log(log)}")


def http_env(slack: SlackEmulator, tmp_path: Path) -> dict[str, str]:
    """A real workspace configuration pointed at the Slack emulator."""
    return scrubbed_env(
        SLACK_BOT_TOKEN=slack.bot_token,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.base_url,
        HITL_AGENT_CHANNEL="C_AGENTS",
        HITL_DIGEST_CHANNEL="C_DIGEST",
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'served.db'}",
    )


async def test_hitl_serve_answers_a_customer_over_http(
    serve: StartServer, slack: SlackEmulator, tmp_path: Path
) -> None:
    server = await serve([*hitl_command(), "serve"], http_env(slack, tmp_path))
    slack.connect_app(f"{server.url}/slack/events", SIGNING_SECRET)

    delivery = await slack.user_says("C_ACME", "U_DANA", ROAMING_QUESTION)

    assert delivery.status == 200
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME", timeout=30)
    assert answer.params["thread_ts"] == delivery.ts
    assert "Roaming in the EU and UK" in answer.params["text"]


async def test_hitl_serve_in_socket_mode_answers_a_customer_over_the_socket(
    serve: StartServer, slack: SlackEmulator, tmp_path: Path
) -> None:
    env = http_env(slack, tmp_path)
    del env["SLACK_SIGNING_SECRET"]  # Socket Mode requests are not signed
    env["SLACK_APP_TOKEN"] = slack.app_token
    server = await serve([*hitl_command(), "serve"], env)
    await slack.socket_mode.wait_connected()

    message, ack = await slack.user_says_over_socket("C_ACME", "U_DANA", ROAMING_QUESTION)

    assert ack.get("envelope_id")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME", timeout=30)
    assert answer.params["thread_ts"] == message["ts"]
    assert "Roaming in the EU and UK" in answer.params["text"]
    # No HTTP route takes Slack requests in Socket Mode: only /healthz is served.
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{server.url}/slack/events", data=b"{}") as response,
    ):
        assert response.status == 404


async def test_python_m_bot_serves_like_hitl_serve(
    serve: StartServer, slack: SlackEmulator, tmp_path: Path
) -> None:
    server = await serve([sys.executable, "-m", "bot"], http_env(slack, tmp_path))

    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{server.url}/healthz") as response,
    ):
        assert response.status == 200
        assert (await response.json())["database"] == "up"


async def test_hitl_export_feedback_writes_what_agents_did(
    bot: Bot, slack: SlackEmulator, database_url: str, tmp_path: Path
) -> None:
    _, card_ts = await escalate(slack)
    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()

    done = await run(
        [*hitl_command(), "export-feedback"], scrubbed_env(DATABASE_URL=database_url), tmp_path
    )

    assert done.code == 0, done.stderr
    [line] = done.stdout.splitlines()
    record = json.loads(line)
    assert record["action"] == "approved" and record["agent"] == "U_ANA"


async def test_hitl_digest_print_prints_the_digest_and_writes_its_chart(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'digest.db'}"
    engine = make_engine(url)  # the database `hitl serve` leaves; the digest never creates one
    await create_schema(engine)
    await engine.dispose()
    env = scrubbed_env(DATABASE_URL=url)

    done = await run([*hitl_command(), "digest", "--print", "--chart", "chart.png"], env, tmp_path)

    assert done.code == 0, done.stderr
    assert done.stdout.startswith("Period: ")  # which period it covers, then the digest
    assert "Support digest · " in done.stdout
    assert "Escalations:" in done.stdout
    assert (tmp_path / "chart.png").read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("command", [["serve"], ["export-feedback"]])
async def test_a_configuration_error_exits_non_zero_with_one_line_naming_the_variable(
    tmp_path: Path, command: list[str]
) -> None:
    env = scrubbed_env(SLACK_BOT_TOKEN="xoxb-configured-without-a-secret")

    done = await run([*hitl_command(), *command], env, tmp_path)

    assert done.code != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "SLACK_SIGNING_SECRET" in lines[0]
    assert "Traceback" not in done.stderr
