"""Failures part-way leave nothing stuck: every half-done step is finished later, once."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from emulators import SlackEmulator
from storage.tables import utcnow
from tests.conftest import Bot
from tests.scenarios.test_actions import customer_posts, escalate
from tests.scenarios.test_escalation import ANGRY_CHURN

LATER = timedelta(minutes=2)


async def test_a_message_being_answered_is_not_resumed_twice(bot: Bot) -> None:
    store = bot.runtime.store
    recorded = await store.record_inbound(
        event_id="Ev1",
        channel_id="C_ACME",
        ts="5.1",
        thread_ts=None,
        user_id="U_DANA",
        user_team_id="T_ACME",
        text="hello",
        author_kind="customer",
        status="pending",
    )
    assert recorded.message is not None and recorded.message.id is not None
    message_id = recorded.message.id
    assert await store.claim_message(message_id=message_id)

    stuck_before = utcnow() - timedelta(minutes=5)
    pending = await store.pending_inbound(
        since=utcnow() - timedelta(hours=1), stuck_before=stuck_before
    )

    assert pending == []  # it arrived long ago or not: its claim is fresh
    assert not await store.release_stuck(message_id=message_id, claimed_before=stuck_before)


async def test_a_colleague_outside_the_agent_channel_does_not_take_over(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, card_ts = await escalate(slack)

    await slack.user_says("C_ACME", "U_MAYA", "Looping in the team here.", thread_ts=thread_ts)
    await bot.idle()

    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and "Taken over" not in json.dumps(card["blocks"])


async def test_an_agent_writing_after_an_approved_reply_gets_a_card_to_hand_back(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, card_ts = await escalate(slack)
    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()

    await slack.user_says("C_ACME", "U_ANA", "Let me know if that helps!", thread_ts=thread_ts)
    await bot.idle()

    cards = slack.calls_to("chat.postMessage", channel="C_AGENTS")
    assert len(cards) == 2
    buttons = next(b for b in cards[-1].params["blocks"] if b["type"] == "actions")["elements"]
    assert [e["text"]["text"] for e in buttons] == ["Hand back to bot", "Resolve"]


@pytest.mark.expect_errors("background work answer failed.*chat.postMessage, status: 500")
async def test_a_failed_holding_reply_is_sent_later_with_the_card(
    bot: Bot, slack: SlackEmulator
) -> None:
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)

    delivery = await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    await bot.idle()
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []

    assert await bot.runtime.deps.desk.deliver_pending(now=utcnow() + LATER) == 1

    assert len(slack.thread("C_ACME", str(delivery.ts))) == 2  # the holding reply
    assert len(slack.calls_to("chat.postMessage", channel="C_AGENTS")) == 1  # the card


async def test_an_approved_reply_slack_refused_is_sent_later_once(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, card_ts = await escalate(slack)
    await bot.idle()
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)

    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()
    notice = slack.calls_to("chat.postEphemeral", user="U_ANA")[-1].params["text"]
    assert "will be sent automatically" in notice
    assert len(slack.thread("C_ACME", thread_ts)) == 2  # still only the holding reply

    actions = bot.runtime.deps.actions
    assert await actions.deliver_unsent(now=utcnow() + LATER) == 1
    assert await actions.deliver_unsent(now=utcnow() + LATER) == 0
    assert len(slack.thread("C_ACME", thread_ts)) == 3
    assert len(customer_posts(slack)) == 2
