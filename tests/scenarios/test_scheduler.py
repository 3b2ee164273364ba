"""The periodic jobs run from the app's own scheduler, on a clock the test moves.

No test here calls a job: each moves the scheduler's clock (`bot.clock.advance`) and the
running app's scheduler does the rest, as it does every 30 seconds in production.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from emulators import SlackEmulator
from tests.conftest import Bot, StartBot
from tests.scenarios.test_actions import customer_posts, escalate
from tests.scenarios.test_escalation import ANGRY_CHURN

ROAMING_QUESTION = "How much does it cost to use my phone in France? Is there a roaming fee?"


async def test_scheduler_runs_every_periodic_job_each_round(bot: Bot) -> None:
    assert sorted(bot.runtime.scheduler.job_names) == ["escalations", "replies", "resume", "sla"]


async def test_sla_reminder_comes_from_the_scheduler_once_the_sla_has_passed(
    bot: Bot, slack: SlackEmulator
) -> None:
    _, card_ts = await escalate(slack)
    await bot.idle()

    await bot.clock.advance(timedelta(minutes=14))
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS", thread_ts=card_ts) == []

    await bot.clock.advance(timedelta(minutes=2))
    await bot.clock.advance(timedelta(minutes=1))

    [reminder] = slack.calls_to("chat.postMessage", channel="C_AGENTS", thread_ts=card_ts)
    assert "Escalation #1" in reminder.params["text"]
    assert "minutes with no action" in reminder.params["text"]


async def test_a_message_whose_worker_died_is_resumed_by_the_scheduler(
    bot: Bot, slack: SlackEmulator
) -> None:
    # Stored and claimed by a worker that then died: Slack has it, nothing answered it.
    message = slack.post_as_user("C_ACME", "U_DANA", ROAMING_QUESTION)
    store = bot.runtime.store
    recorded = await store.record_inbound(
        event_id="Ev_LOST",
        channel_id="C_ACME",
        ts=message["ts"],
        thread_ts=None,
        user_id="U_DANA",
        user_team_id="T_ACME",
        text=ROAMING_QUESTION,
        author_kind="customer",
        status="pending",
    )
    assert recorded.message is not None and recorded.message.id is not None
    assert await store.claim_message(message_id=recorded.message.id)

    await bot.clock.advance(timedelta(minutes=1))  # its claim is still fresh
    await bot.idle()
    assert slack.calls_to("chat.postMessage") == []

    await bot.clock.advance(timedelta(minutes=5))
    await bot.idle()

    [answer] = slack.calls_to("chat.postMessage", channel="C_ACME")
    assert answer.params["thread_ts"] == message["ts"]
    assert "Roaming in the EU and UK" in answer.params["text"]


@pytest.mark.expect_errors("agent channel C_AGENTS is shared with another organisation")
async def test_a_withheld_card_is_posted_by_the_scheduler_once_the_channel_is_safe(
    bot: Bot, slack: SlackEmulator
) -> None:
    agents = slack.workspace.channels["C_AGENTS"]
    agents.is_ext_shared, agents.connected_team_ids = True, ["T_ACME"]
    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    await bot.idle()
    await bot.clock.advance(timedelta(minutes=2))
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []

    agents.is_ext_shared, agents.connected_team_ids = False, []  # the operator fixes it
    await bot.clock.advance(timedelta(minutes=2))

    [card] = slack.calls_to("chat.postMessage", channel="C_AGENTS")
    assert card.params["blocks"][0]["type"] == "header"


async def test_an_approved_reply_slack_refused_is_sent_by_the_scheduler_once(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, card_ts = await escalate(slack)
    await bot.idle()
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()
    assert len(slack.thread("C_ACME", thread_ts)) == 2  # still only the holding reply

    await bot.clock.advance(timedelta(minutes=2))
    await bot.clock.advance(timedelta(minutes=2))
    await bot.idle()

    assert len(slack.thread("C_ACME", thread_ts)) == 3
    assert len(customer_posts(slack)) == 2
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and "Approved by <@U_ANA>" in json.dumps(card["blocks"])


async def test_the_daily_digest_is_posted_by_the_apps_own_loop_when_its_time_comes(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    now = [datetime(2026, 11, 24, 8, 55, tzinfo=UTC)]
    bot = await start_bot(digest_clock=lambda: now[0])
    digest = bot.runtime.deps.digest
    await asyncio.wait_for(digest.wait_looks(1), 10)
    assert slack.calls_to("chat.postMessage", channel="C_DIGEST") == []

    now[0] = datetime(2026, 11, 24, 9, 1, tzinfo=UTC)
    looked = digest.looks
    digest.wake()  # what the loop's own timer does at 09:00
    await asyncio.wait_for(digest.wait_looks(looked + 1), 10)

    [post] = slack.calls_to("chat.postMessage", channel="C_DIGEST")
    assert post.params["text"]
    await slack.wait_for("files.completeUploadExternal")
