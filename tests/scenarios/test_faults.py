"""Faults outside the app lose nothing: every acknowledged message is stored and answered."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from emulators import AnthropicEmulator, SlackEmulator, json_reply
from emulators.delivery import Delivery
from tests.conftest import Bot, StartBot

ROUTINE_ANSWER = {
    "reply": "Open Billing, then Invoices, and press Download.",
    "summary": "Asks how to download an invoice.",
    "grounded": True,
    "confidence": 0.9,
    "risk_score": 0.1,
    "risk_reasons": [],
    "offers": [],
}
MESSAGES = (
    ("C_ACME", "U_DANA", "How do I download my invoice?"),
    ("C_ACME", "U_ERIK", "Where can I change my billing address?"),
    ("C_GLOBEX", "U_FIONA", "How do I reset my voicemail PIN?"),
    ("C_INITECH", "U_GRACE", "How do I download my invoice for last month?"),
    ("C_ACME", "U_DANA", "Can I pay by direct debit?"),
    ("C_ACME", "U_ERIK", "How do I set up roaming before a trip to Spain?"),
    ("C_GLOBEX", "U_FIONA", "What are the opening hours of your support line?"),
    ("C_INITECH", "U_GRACE", "How do I add a user to our account?"),
)


async def stored_and_answered(bot: Bot, slack: SlackEmulator, channel: str, ts: str) -> None:
    """Assert the message is stored and has a reply from the bot in its thread."""
    conversation = await bot.runtime.store.conversation_at(channel_id=channel, thread_ts=ts)
    assert conversation is not None and conversation.id is not None, f"{channel} {ts} lost"
    rows = await bot.runtime.store.thread(conversation_id=conversation.id)
    assert any(row.ts == ts for row in rows)
    replies = [m for m in slack.thread(channel, ts)[1:] if m.get("bot_id")]
    assert replies, f"{channel} {ts} stored but never answered"


async def acknowledged(slack: SlackEmulator, delivery: Delivery) -> Delivery:
    """Redeliver a refused event like Slack does, until the app takes it (at most 3 retries)."""
    for retry in range(1, 4):
        if delivery.ok:
            return delivery
        assert delivery.status >= 500, f"a refusal Slack does not retry: {delivery.status}"
        delivery = await slack.delivery.redeliver(delivery, retry_num=retry)
    return delivery


async def test_auth_test_failing_after_start_loses_no_message(
    bot: Bot, slack: SlackEmulator
) -> None:
    slack.fail_next("auth.test", status=500, error="internal_error", retry_after=None, times=50)
    slack.fail_next("auth.test", status=200, error="invalid_auth", retry_after=None, times=50)

    deliveries = [await slack.user_says(c, u, text) for c, u, text in MESSAGES]
    await bot.idle()

    assert [d.status for d in deliveries] == [200] * len(MESSAGES)
    for (channel, _, _), delivery in zip(MESSAGES, deliveries, strict=True):
        await stored_and_answered(bot, slack, channel, delivery.ts or "")
    assert slack.calls_to("auth.test") == slack.calls_to("auth.test")[:1]  # only at start


@pytest.mark.expect_errors("auth.test failed at start", "auth.test has not answered yet")
async def test_auth_test_failing_at_start_answers_5xx_until_it_recovers(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    # Three refusals at start-up, one more for the first request: Slack's retry then succeeds.
    slack.fail_next("auth.test", status=200, error="invalid_auth", retry_after=None, times=4)
    bot = await start_bot()

    channel, user, text = MESSAGES[0]
    first = await slack.user_says(channel, user, text)
    final = await acknowledged(slack, first)
    await bot.idle()

    assert final.ok
    await stored_and_answered(bot, slack, channel, first.ts or "")
    assert len(slack.thread(channel, first.ts or "")) == 2  # answered once, not per delivery


async def test_a_slow_model_gets_the_holding_reply_within_the_deadline(
    start_bot: StartBot, slack: SlackEmulator, claude: AnthropicEmulator, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("answering:\n  deadline_seconds: 2\n")
    bot = await start_bot(
        anthropic_api_key="test-key",
        anthropic_base_url=claude.base_url,
        hitl_policy_file=policy,
    )
    claude.set_default(lambda request: json_reply(ROUTINE_ANSWER, latency=30))
    started = time.monotonic()

    delivery = await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    holding = await slack.wait_for("chat.postMessage", channel="C_ACME", timeout=10)
    waited = time.monotonic() - started
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS", timeout=10)
    await bot.idle()

    assert holding.params["thread_ts"] == delivery.ts
    assert waited < 2 + 2.5, f"the customer waited {waited:.1f} s"
    rendered = json.dumps(card.params["blocks"])
    assert "AI unavailable" in rendered and "no answer within 2 s" in rendered
    assert "Billing cycle and downloading invoices" in rendered  # the offline draft
    assert 1 <= len(claude.requests) <= 3  # the SDK's retries ended inside the deadline
