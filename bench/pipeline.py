"""Latency, throughput and model calls per message of the whole app, over real HTTP.

Starts the Slack emulator with the sample workspace, the real app on a free port (SQLite in a
temporary folder unless --database-url is given), optionally the Messages API emulator with a
fixed model latency, then sends customer messages as signed Events API requests and times:

- the ack (Slack's 3-second budget),
- the time until the bot's first post in the message's thread (answer or holding reply),
- throughput, and Claude calls and tokens per message;
- with --claude, the share of input tokens read from the prompt cache from the second call on
  (the first call writes the cache), from the usage the Messages API returns.

    python bench/pipeline.py [--messages 300] [--concurrency 20] [--claude --model-latency 0.4]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import asyncpg
from aiohttp import web

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_runtime, build_web_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from emulators import AnthropicEmulator, SlackEmulator, json_reply  # noqa: E402
from sandbox.workspace import AGENT_CHANNEL, CUSTOMERS, DIGEST_CHANNEL, seed  # noqa: E402

MESSAGES = (
    "How do I download last month's invoice?",
    "What does roaming cost in Spain?",
    "My SIM says no service since this morning, what should I check?",
    "How do I add a new user to our account?",
    "Our calls keep dropping at the depot, this is the third time today!!",
    "I want to cancel our contract, we're moving to another provider.",
    "You charged us twice this month, I want a refund.",
    "Can I talk to a real person please?",
)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


async def scratch_database(url: str) -> str:
    """A fresh PostgreSQL database beside the one given, so the bench leaves nothing behind."""
    name = f"hitl_bench_{os.getpid()}"
    admin = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    return url.rsplit("/", 1)[0] + "/" + name


async def drop_database(url: str) -> None:
    """Drop the scratch database made by `scratch_database`."""
    base, name = url.rsplit("/", 1)
    admin = await asyncpg.connect(
        base.replace("postgresql+asyncpg://", "postgresql://") + "/postgres"
    )
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


def spread(seconds: list[float]) -> str:
    """p50, p90, p99 and max of durations, in milliseconds."""
    points = [percentile(seconds, 0.5), percentile(seconds, 0.9), percentile(seconds, 0.99)]
    p50, p90, p99 = (1000 * v for v in points)
    top = 1000 * max(seconds)
    return f"p50 {p50:6.1f} ms  p90 {p90:6.1f} ms  p99 {p99:6.1f} ms  max {top:6.1f} ms"


def cached_share(responses: list[dict[str, Any]]) -> float:
    """The share of prompt tokens served from the cache, over the given Messages API answers."""
    read = sum(r["usage"].get("cache_read_input_tokens") or 0 for r in responses)
    total = sum(
        (r["usage"].get("input_tokens") or 0)
        + (r["usage"].get("cache_read_input_tokens") or 0)
        + (r["usage"].get("cache_creation_input_tokens") or 0)
        for r in responses
    )
    return read / total if total else 0.0


def model_reply(latency: float) -> Any:
    """A Messages API responder answering every draft request the same way."""

    def reply(_request: dict[str, Any]) -> Any:
        return json_reply(
            {
                "reply": "Here is how: open the portal, go to Billing, pick the month.",
                "summary": "Routine question.",
                "grounded": True,
                "confidence": 0.9,
                "risk_score": 0.1,
                "risk_reasons": [],
                "offers": [],
            },
            latency=latency,
        )

    return reply


async def run(args: argparse.Namespace) -> None:
    slack = SlackEmulator()
    seed(slack)
    # Distinct customers, so routine questions are not "repeated contacts" of a few people.
    for i in range(args.messages):
        org = CUSTOMERS[i % len(CUSTOMERS)]
        slack.add_user(f"U_BENCH{i}", f"customer{i}", team_id=org.team_id)
    await slack.start()
    claude = AnthropicEmulator() if args.claude else None
    if claude is not None:
        await claude.start()
        claude.set_default(model_reply(args.model_latency))
    folder = tempfile.mkdtemp(prefix="hitl-bench-")
    scratch = await scratch_database(args.database_url) if args.database_url else None
    values: dict[str, Any] = {
        "slack_bot_token": slack.bot_token,
        "slack_signing_secret": "bench-secret",
        "slack_api_url": slack.base_url,
        "hitl_agent_channel": AGENT_CHANNEL,
        "hitl_digest_channel": DIGEST_CHANNEL,
        "database_url": scratch or f"sqlite+aiosqlite:///{folder}/bench.db",
    }
    if claude is not None:
        values |= {"anthropic_api_key": "bench-key", "anthropic_base_url": claude.base_url}
    runtime = build_runtime(Settings(_env_file=None, **values))  # type: ignore[call-arg]
    runner = web.AppRunner(build_web_app(runtime))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    slack.connect_app(f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events", "bench-secret")

    acks: list[float] = []
    answers: list[float] = []
    gate = asyncio.Semaphore(args.concurrency)

    async def one(i: int) -> None:
        org = CUSTOMERS[i % len(CUSTOMERS)]
        async with gate:
            started = time.perf_counter()
            text = MESSAGES[i % len(MESSAGES)]
            delivery = await slack.user_says(org.channel_id, f"U_BENCH{i}", text)
            acks.append(delivery.elapsed)
            await slack.wait_for(
                "chat.postMessage", channel=org.channel_id, thread_ts=delivery.ts, timeout=120
            )
            answers.append(time.perf_counter() - started)

    began = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(args.messages)))
    elapsed = time.perf_counter() - began
    await runtime.deps.worker.drain(timeout=60)

    engine = f"claude (emulated, {args.model_latency:.2f} s per call)" if claude else "offline"
    print(f"engine: {engine}; database: {runtime.engine.url.get_backend_name()}")
    print(f"messages: {args.messages}, concurrency: {args.concurrency}")
    print(f"ack latency       {spread(acks)}")
    print(f"time to reply     {spread(answers)}")
    print(f"throughput        {args.messages / elapsed:.1f} messages/s end to end")
    cards = [
        c.params["blocks"][0]["text"]["text"].split(" · ")[-1]
        for c in slack.calls_to("chat.postMessage", channel=AGENT_CHANNEL)
        if c.params.get("blocks") and c.params["blocks"][0]["type"] == "header"
    ]
    if args.verbose:
        for c in slack.calls_to("chat.postMessage", channel=AGENT_CHANNEL)[:3]:
            print(c.params["blocks"][3]["text"]["text"])
    by_reason = ", ".join(f"{r} {n}" for r, n in Counter(cards).most_common())
    print(f"escalated         {len(cards)} of {args.messages} ({by_reason})")
    if claude is not None:
        usage = claude.total_usage()
        calls = len(claude.requests)
        print(f"claude calls      {calls / args.messages:.2f} per message ({calls} in all)")
        prompt = sum(usage.get(k, 0) for k in ("input_tokens", "cache_read_input_tokens"))
        prompt += usage.get("cache_creation_input_tokens", 0)
        tokens_in = prompt / args.messages
        tokens_out = usage.get("output_tokens", 0) / args.messages
        print(f"tokens/message    in {tokens_in:.0f}  out {tokens_out:.0f}")
        print(f"cached input      {cached_share(claude.responses[1:]):.1%} from the second call on")
    print(f"mean ack          {statistics.fmean(acks) * 1000:.1f} ms")
    await runner.cleanup()
    if scratch is not None:
        await drop_database(scratch)
    if claude is not None:
        await claude.stop()
    await slack.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--claude", action="store_true", help="use the Messages API emulator")
    parser.add_argument("--model-latency", type=float, default=0.4)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--verbose", action="store_true", help="show the first cards' reasons")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
