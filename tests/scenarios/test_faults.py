"""Faults outside the app lose nothing: every acknowledged message is stored and answered."""

from __future__ import annotations

from emulators import SlackEmulator
from emulators.delivery import Delivery
from tests.conftest import Bot, StartBot

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
