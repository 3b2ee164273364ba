"""SLA reminders on a controllable clock, and the feedback record."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.feedback import export_feedback
from bot.sla import SlaMonitor
from emulators import SlackEmulator
from storage.tables import utcnow
from tests.conftest import Bot
from tests.scenarios.test_actions import escalate


def monitor_at(bot: Bot, minutes_from_now: float) -> SlaMonitor:
    """The app's SLA monitor, seeing a clock moved forward."""
    runtime = bot.runtime
    return SlaMonitor(
        client=runtime.client,
        store=runtime.store,
        escalations=runtime.deps.desk.escalations,
        outbox=runtime.deps.responder._outbox,
        policy=runtime.sla._policy,
        clock=lambda: utcnow() + timedelta(minutes=minutes_from_now),
    )


async def test_untouched_escalation_gets_one_reminder_after_the_sla(
    bot: Bot, slack: SlackEmulator
) -> None:
    _, card_ts = await escalate(slack)
    await bot.idle()  # the card's ts is stored right after Slack answers the post

    assert await monitor_at(bot, 14).run_once() == 0
    assert await monitor_at(bot, 16).run_once() == 1
    assert await monitor_at(bot, 20).run_once() == 0

    reminders = slack.calls_to("chat.postMessage", channel="C_AGENTS", thread_ts=card_ts)
    assert len(reminders) == 1 and "waited 16 minutes" in reminders[0].params["text"]


async def test_held_customer_hears_from_us_before_the_silence_limit(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, _ = await escalate(slack)
    await bot.idle()

    await monitor_at(bot, 61).run_once()
    await monitor_at(bot, 62).run_once()

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
