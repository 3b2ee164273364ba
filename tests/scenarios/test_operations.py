"""What an operator sees: /healthz answers in time, /metrics counts what happened."""

from __future__ import annotations

import time
from contextlib import AsyncExitStack

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from emulators import AnthropicEmulator, SlackEmulator, json_reply
from tests.conftest import Bot
from tests.scenarios.test_escalation import ANGRY_CHURN
from tests.scenarios.test_faults import ROUTINE_ANSWER


async def scrape(bot: Bot) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of GET /metrics, by name and labels."""
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/metrics") as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/plain")
        text = await answer.text()
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_healthz_answers_503_within_two_seconds_when_the_database_does_not(
    bot: Bot,
) -> None:
    engine = bot.runtime.engine
    async with AsyncExitStack() as held, aiohttp.ClientSession() as session:
        # Every pooled connection busy: to the app, the database no longer answers.
        size = engine.pool.size() + max(0, engine.pool._max_overflow)  # type: ignore[attr-defined]
        for _ in range(size):
            await held.enter_async_context(engine.connect())
        started = time.monotonic()
        async with session.get(f"{bot.url}/healthz") as down:
            waited = time.monotonic() - started
            assert down.status == 503
            assert (await down.json())["database"] == "down"
        assert waited < 2.0, f"/healthz took {waited:.1f} s"
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as up:
        assert up.status == 200


async def test_metrics_count_events_escalations_and_slack_retries(
    bot: Bot, slack: SlackEmulator
) -> None:
    slack.fail_next("chat.postMessage", status=429, error="ratelimited", retry_after=1)

    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    await slack.user_says("C_GLOBEX", "U_FIONA", ANGRY_CHURN)
    await slack.wait_for("chat.postMessage", channel="C_AGENTS", timeout=10)
    await bot.idle()
    samples = await scrape(bot)

    assert samples[("hitl_events_total", (("outcome", "stored"),))] == 2
    assert samples[("hitl_slack_requests_total", (("outcome", "acked"),))] >= 2
    assert samples[("hitl_ack_latency_seconds_count", ())] >= 2
    escalated = [k for k in samples if k[0] == "hitl_escalations_total"]
    assert escalated and all(samples[k] >= 1 for k in escalated)
    errors = (("error", "ratelimited"), ("method", "chat.postMessage"))
    assert samples[("hitl_slack_api_errors_total", errors)] == 1
    assert samples[("hitl_slack_api_retries_total", (("reason", "rate_limited"),))] == 1
    assert ("hitl_worker_tasks", ()) in samples


async def test_metrics_count_model_calls(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(json_reply(ROUTINE_ANSWER))

    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    await slack.wait_for("chat.postMessage", channel="C_ACME", timeout=10)
    await claude_bot.idle()
    samples = await scrape(claude_bot)

    assert samples[("hitl_model_calls_total", (("outcome", "ok"),))] == 1
    assert samples[("hitl_model_call_seconds_count", ())] == 1


async def test_forged_requests_are_counted_as_refused(bot: Bot, slack: SlackEmulator) -> None:
    await slack.send_raw(b"{}", content_type="application/json", signature="v0=" + "0" * 64)

    samples = await scrape(bot)

    assert samples[("hitl_slack_requests_total", (("outcome", "refused"),))] == 1
