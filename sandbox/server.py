"""Run the whole product against an emulated Slack workspace, with a web page to drive it.

One aiohttp app on one port serves both the bot (`/slack/events`, `/healthz`) and the sandbox
page, so `hitl sandbox` needs no accounts, no tunnel and no second terminal.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web
from pydantic import SecretStr

from bot import ids
from bot.app import EVENTS_PATH, Runtime, build_runtime, build_web_app
from bot.config import Settings
from emulators import ApiCall, EmulatorTimeout, SlackEmulator
from sandbox import web as sandbox_web
from sandbox.workspace import AGENT_CHANNEL, DIGEST_CHANNEL, MANAGER, seed

# Long enough to read a step in the terminal and see it land in the page.
DEMO_PAUSE_SECONDS = 4.0
# The offline engine answers in milliseconds; a chart-rendering digest can take a few seconds.
DEMO_STEP_TIMEOUT = 30.0

Say = Callable[[str], None]


@dataclass
class SandboxHandle:
    """A running sandbox: its page URL, the emulated workspace and the bot's runtime."""

    url: str
    emulator: SlackEmulator
    runtime: Runtime
    runner: web.AppRunner

    async def close(self) -> None:
        """Stop the page and the bot first (they may still call Slack), then the emulator."""
        await self.runner.cleanup()
        await self.emulator.stop()


def sandbox_settings(settings: Settings, emulator: SlackEmulator) -> Settings:
    """Point the bot at the emulator; keep the operator's database and Claude settings."""
    return settings.model_copy(
        update={
            "slack_bot_token": SecretStr(emulator.bot_token),
            # A fresh secret per run: the emulator signs every delivery, the bot verifies it.
            "slack_signing_secret": SecretStr(secrets.token_hex(32)),
            "slack_app_token": None,
            "slack_api_url": emulator.base_url,
            "hitl_agent_channel": AGENT_CHANNEL,
            "hitl_digest_channel": DIGEST_CHANNEL,
        }
    )


async def start_sandbox(
    settings: Settings, *, host: str = "127.0.0.1", port: int | None = None
) -> SandboxHandle:
    """Start the emulator, the bot and the page; port 0 picks a free port (for tests)."""
    emulator = SlackEmulator()
    seed(emulator)
    await emulator.start()
    try:
        bot_settings = sandbox_settings(settings, emulator)
        # The sandbox's workspace is the sample's, so the sample stands in for missing sources.
        runtime = build_runtime(bot_settings, sample_data=True)
        app = build_web_app(runtime)
        sandbox_web.install(app, emulator)
        runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        await web.TCPSite(runner, host, settings.port if port is None else port).start()
    except BaseException:
        await emulator.stop()
        raise
    bound = runner.addresses[0][1]
    secret = bot_settings.slack_signing_secret
    assert secret is not None  # set just above
    emulator.connect_app(f"http://127.0.0.1:{bound}{EVENTS_PATH}", secret.get_secret_value())
    url = f"http://127.0.0.1:{bound}"
    print(f"Sandbox ready: open {url} in your browser (Ctrl-C to stop)", flush=True)
    return SandboxHandle(url=url, emulator=emulator, runtime=runtime, runner=runner)


async def run_sandbox(settings: Settings, *, demo: bool = False) -> None:
    """Serve the sandbox until cancelled (Ctrl-C); with demo, play the scripted story once."""
    handle = await start_sandbox(settings)
    try:
        if demo:
            await play_demo(handle.emulator)
        await asyncio.Event().wait()
    finally:
        await handle.close()


# -- the scripted demo ---------------------------------------------------------------------------

INVOICE_QUESTION = "Where can I download last month's invoice?"
ANGRY_MESSAGE = (
    "This is the THIRD time this week our calls keep dropping at the Northgate depot. "
    "My drivers can't reach dispatch. Fix it today or we cancel the contract and switch provider."
)
EDITED_REPLY = (
    "Hi Dana, I'm sorry: dropped calls at the Northgate depot are not acceptable. A cell site "
    "near Northgate failed this week and our engineers are replacing the equipment on site; "
    "service should be back by tomorrow evening. For the disruption we've applied one month "
    "free of charge to your account, and I'll update you here as soon as it's fixed. Ana"
)


async def _acting(
    emulator: SlackEmulator, act: Awaitable[Any], wait: float, method: str, **match: Any
) -> ApiCall:
    """Do something, then wait for the next matching call it causes (not an earlier one)."""
    count = len(emulator.calls_to(method, **match)) + 1
    await act
    return await emulator.wait_for(method, timeout=wait, count=count, **match)


async def play_demo(
    emulator: SlackEmulator,
    *,
    pause: float = DEMO_PAUSE_SECONDS,
    wait: float = DEMO_STEP_TIMEOUT,
    say: Say = print,
) -> None:
    """Play the telecom story through the emulator's public API; a failed step is reported."""
    story = _Story(emulator, say, pause, wait)
    steps = [
        ("Initech asks a routine billing question", story.routine_question),
        ("Acme's Dana is angry about dropped calls and threatens to cancel", story.angry_customer),
        ("Agent Ana clicks Edit and rewrites the draft", story.agent_edits),
        ("The card is updated in place", story.card_updated),
        ("The manager posts the digest with /hitl digest", story.digest),
    ]
    say("Demo: watch the page; each step waits for the bot before the next one starts.")
    for number, (title, step) in enumerate(steps, start=1):
        await asyncio.sleep(pause)
        say(f"[{number}/{len(steps)}] {title}")
        try:
            await step()
        except (EmulatorTimeout, AssertionError, LookupError, aiohttp.ClientError) as error:
            # The sandbox stays usable: report what did not happen and carry on with the story.
            say(f"      step did not complete: {str(error).splitlines()[0]}")
    say("Demo finished. The sandbox keeps running: try it yourself (Ctrl-C to stop).")


class _Story:
    """The demo's steps, sharing what earlier steps produced (the card, the edit)."""

    def __init__(self, emulator: SlackEmulator, say: Say, pause: float, wait: float) -> None:
        self.emulator, self.say, self.pause, self.wait = emulator, say, pause, wait
        self.card_ts: str | None = None
        self.updates_before: int | None = None

    async def routine_question(self) -> None:
        self.say(f"      Grace (Initech): {INVOICE_QUESTION}")
        said = self.emulator.user_says("C_INITECH", "U_GRACE", INVOICE_QUESTION)
        answer = await _acting(
            self.emulator, said, self.wait, "chat.postMessage", channel="C_INITECH"
        )
        self.say(f"      bot answered in the thread: {_first_line(answer.params.get('text'))}")

    async def angry_customer(self) -> None:
        self.say(f"      Dana (Acme): {ANGRY_MESSAGE}")
        said = self.emulator.user_says("C_ACME", "U_DANA", ANGRY_MESSAGE)
        card = await _acting(
            self.emulator, said, self.wait, "chat.postMessage", channel=AGENT_CHANNEL
        )
        self.card_ts = card.response["ts"]
        self.say(f"      escalated to #support-escalations: {_first_line(card.params.get('text'))}")

    async def agent_edits(self) -> None:
        if self.card_ts is None:
            raise LookupError("no escalation card to act on")
        self.say("      Ana clicks Edit on the card; the modal opens with the draft")
        click = self.emulator.click("U_ANA", AGENT_CHANNEL, self.card_ts, ids.EDIT)
        opened = await _acting(self.emulator, click, self.wait, "views.open")
        await asyncio.sleep(self.pause / 2)  # the time it takes Ana to type
        self.say(f"      Ana submits: {EDITED_REPLY}")
        self.updates_before = len(self.emulator.calls_to("chat.update", ts=self.card_ts))
        answer = await self.emulator.submit_view(
            "U_ANA", opened.response["view"]["id"], {ids.EDIT_BLOCK: {ids.EDIT_INPUT: EDITED_REPLY}}
        )
        if answer.json and answer.json.get("response_action") == "errors":
            raise AssertionError(f"the modal refused the text: {answer.json.get('errors')}")

    async def card_updated(self) -> None:
        if self.updates_before is None:
            raise LookupError("nothing was submitted, so there is no update to show")
        update = await self.emulator.wait_for(
            "chat.update", timeout=self.wait, count=self.updates_before + 1, ts=self.card_ts
        )
        sections = [
            str((block.get("text") or {}).get("text") or "")
            for block in update.params.get("blocks") or []
            if block.get("type") == "section"
        ]
        status = [text for text in sections if " by <@" in text]
        self.say(f"      the card's buttons are gone: {_first_line(status[0] if status else '')}")
        sent = await self.emulator.wait_for(
            "chat.postMessage",
            timeout=self.wait,
            channel="C_ACME",
            text=lambda text: "one month free" in str(text),
        )
        self.say(f"      Dana got Ana's reply in her thread (ts {sent.response.get('ts')})")

    async def digest(self) -> None:
        emulator = self.emulator
        self.say(f"      {MANAGER.real_name} runs /hitl digest in #support-digest")
        waits = [
            _next_call(emulator, self.wait, "chat.postMessage", channel=DIGEST_CHANNEL),
            _next_call(
                emulator, self.wait, "files.completeUploadExternal", channel_id=DIGEST_CHANNEL
            ),
        ]
        try:
            reply = await emulator.slash_command(
                MANAGER.user_id, DIGEST_CHANNEL, ids.COMMAND, "digest"
            )
            ack = (reply.json or {}).get("text") if reply.json else reply.body
            if ack:
                self.say(f"      /hitl answered {MANAGER.name}: {_first_line(ack)}")
            done, _ = await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waits:
                task.cancel()
            await asyncio.gather(*waits, return_exceptions=True)
        if all(task.cancelled() or task.exception() is not None for task in done):
            raise EmulatorTimeout("the digest was never posted to #support-digest")
        self.say("      digest posted in #support-digest")


def _next_call(
    emulator: SlackEmulator, wait: float, method: str, **match: Any
) -> asyncio.Task[ApiCall]:
    """Start waiting for the next matching call from now on."""
    count = len(emulator.calls_to(method, **match)) + 1
    waiting = emulator.wait_for(method, timeout=wait, count=count, **match)
    return asyncio.create_task(waiting)


def _first_line(text: Any, limit: int = 100) -> str:
    """Return mrkdwn's first line as terminal text: links as their labels, people as ids."""
    plain = re.sub(r"<([^<>|]+)\|([^<>]+)>", r"\2", str(text or ""))
    plain = re.sub(r"<[@#!]?([^<>]+)>", r"\1", plain).replace("*", "")
    lines = plain.strip().splitlines()
    line = lines[0] if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"
