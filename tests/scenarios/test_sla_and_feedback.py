"""SLA reminders on a controllable clock, and the feedback record."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.feedback import export_feedback
from emulators import SlackEmulator
from storage.tables import utcnow
from tests.conftest import Bot
from tests.scenarios.test_actions import escalate


async def sla_round(bot: Bot, minutes_from_now: float) -> int:
    """One SLA round of the running app, as if the clock had moved forward."""
    return await bot.runtime.sla.run_once(now=utcnow() + timedelta(minutes=minutes_from_now))


async def test_untouched_escalation_gets_one_reminder_after_the_sla(
    bot: Bot, slack: SlackEmulator
) -> None:
    _, card_ts = await escalate(slack)
    await bot.idle()  # the card's ts is stored right after Slack answers the post

    assert await sla_round(bot, 14) == 0
    assert await sla_round(bot, 16) == 1
    assert await sla_round(bot, 20) == 0

    reminders = slack.calls_to("chat.postMessage", channel="C_AGENTS", thread_ts=card_ts)
    assert len(reminders) == 1 and "waited 16 minutes" in reminders[0].params["text"]


async def test_held_customer_hears_from_us_before_the_silence_limit(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, _ = await escalate(slack)
    await bot.idle()

    await sla_round(bot, 61)
    await sla_round(bot, 62)

    updates = [m["text"] for m in slack.thread("C_ACME", thread_ts)[1:]]
    assert len(updates) == 2 and "still with our support team" in updates[1]


async def test_feedback_record_has_draft_final_text_agent_times_and_edit_distance(
    bot: Bot, slack: SlackEmulator
) -> None:
    _, card_ts = await escalate(slack)
    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()

    [line] = await export_feedback(bot.runtime.engine)
    record = json.loads(line)

    assert record["action"] == "approved" and record["agent"] == "U_ANA"
    assert record["final_text"] == record["draft"] and record["edit_distance"] == 0
    assert record["escalated_at"] <= record["first_action_at"] <= record["sent_at"]
    assert [e["action"] for e in record["audit"]] == ["escalated", "approved", "sent"]
