"""Agents act on the card: once, by the right people, and nothing reaches the customer before."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta

import aiohttp
import pytest

from emulators import SlackEmulator
from storage.tables import utcnow
from tests.conftest import Bot
from tests.scenarios.conftest import button_labels
from tests.scenarios.test_escalation import ANGRY_CHURN


async def escalate(slack: SlackEmulator) -> tuple[str, str]:
    """Post a risky customer message; return its thread ts and the card's ts."""
    delivery = await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    return str(delivery.ts), str(card.response["ts"])


def customer_posts(slack: SlackEmulator) -> list[str]:
    """Texts the bot posted into the customer's channel."""
    return [c.params["text"] for c in slack.calls_to("chat.postMessage", channel="C_ACME") if c.ok]


async def test_approve_sends_the_draft_and_updates_the_card(bot: Bot, slack: SlackEmulator) -> None:
    thread_ts, card_ts = await escalate(slack)
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None
    draft = next(b for b in card["blocks"] if "Drafted reply" in json.dumps(b))

    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve")
    await bot.idle()

    reply = slack.thread("C_ACME", thread_ts)[-1]
    assert reply["text"][:40] in json.dumps(draft).replace("\\n", "\n").replace("> ", "")
    updated = slack.message("C_AGENTS", card_ts)
    assert updated is not None
    assert "Approved by <@U_ANA>" in json.dumps(updated["blocks"])
    assert button_labels(updated["blocks"]) == []


async def test_two_agents_approving_at_once_send_one_message(
    bot: Bot, slack: SlackEmulator
) -> None:
    _, card_ts = await escalate(slack)
    before = len(customer_posts(slack))

    await asyncio.gather(
        slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_approve"),
        slack.click("U_BEN", "C_AGENTS", card_ts, "hitl_approve"),
        slack.click("U_BEN", "C_AGENTS", card_ts, "hitl_approve"),
    )
    await bot.idle()

    assert len(customer_posts(slack)) == before + 1
    notices = [c.params["text"] for c in slack.calls_to("chat.postEphemeral")]
    assert len(notices) == 2 and all("already handled by <@" in n for n in notices)


@pytest.mark.expect_errors("chat.postEphemeral refused: user_not_in_channel")
async def test_outsiders_cannot_act_on_cards(bot: Bot, slack: SlackEmulator) -> None:
    _, card_ts = await escalate(slack)
    slack.join("C_AGENTS", "U_DANA")  # even a customer who got into the channel

    await slack.click("U_DANA", "C_AGENTS", card_ts, "hitl_approve")
    await slack.click("U_MAYA", "C_AGENTS", card_ts, "hitl_take_over")  # staff, not an agent
    await bot.idle()

    [refusal] = [c.params["text"] for c in slack.calls_to("chat.postEphemeral", user="U_DANA")]
    assert refusal.startswith("Only members")
    # Maya is not in the agent channel, where Slack refuses her an ephemeral: she gets a DM.
    [direct] = [c.params["text"] for c in slack.calls_to("chat.postMessage", channel="U_MAYA")]
    assert direct.startswith("Only members")
    assert len(customer_posts(slack)) == 1  # the holding reply only
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and button_labels(card["blocks"]) == ["Approve", "Edit", "Take over"]


async def test_edit_validates_in_the_modal_then_sends_the_edited_text(
    bot: Bot, slack: SlackEmulator
) -> None:
    thread_ts, card_ts = await escalate(slack)

    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_edit")
    opened = await slack.wait_for("views.open")
    view_id = opened.response["view"]["id"]
    field = opened.params["view"]["blocks"][1]["element"]
    assert field["multiline"] and "known problem" in field["initial_value"]

    empty = await slack.submit_view(
        "U_ANA", view_id, {"hitl_edit_text_block": {"hitl_edit_text": " "}}
    )
    greedy = await slack.submit_view(
        "U_ANA",
        view_id,
        {"hitl_edit_text_block": {"hitl_edit_text": "Sorry! We'll give you three months free."}},
    )
    good_text = (
        "Sorry for the dropped calls. We've applied one month free of charge to your account."
    )
    sent = await slack.submit_view(
        "U_ANA", view_id, {"hitl_edit_text_block": {"hitl_edit_text": good_text}}
    )
    await bot.idle()

    assert empty.json == {
        "response_action": "errors",
        "errors": {"hitl_edit_text_block": "Write a reply before sending."},
    }
    assert (
        greedy.json is not None
        and "compensation policy" in greedy.json["errors"]["hitl_edit_text_block"]
    )
    assert sent.status == 200 and not sent.body
    assert slack.thread("C_ACME", thread_ts)[-1]["text"] == good_text
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and "Edited and sent by <@U_ANA>" in json.dumps(card["blocks"])


async def test_an_edited_draft_keeps_its_article_link_and_escapes_what_the_agent_typed(
    bot: Bot, slack: SlackEmulator
) -> None:
    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    await slack.click("U_DANA", "C_ACME", answer.response["ts"], "hitl_talk_to_person")
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")

    await slack.click("U_ANA", "C_AGENTS", card.response["ts"], "hitl_edit")
    opened = await slack.wait_for("views.open")
    prefilled = opened.params["view"]["blocks"][1]["element"]["initial_value"]
    assert "<https://help.brightwave.example/articles/" in prefilled
    assert "&gt;" not in prefilled and "&amp;" not in prefilled  # plain text in the input
    edited = prefilled + "\nP.S. Settings > Users & billing <b>"
    await slack.submit_view(
        "U_ANA",
        opened.response["view"]["id"],
        {"hitl_edit_text_block": {"hitl_edit_text": edited}},
    )
    await bot.idle()

    sent = customer_posts(slack)[-1]
    assert "<https://help.brightwave.example/articles/" in sent
    assert sent.endswith("P.S. Settings &gt; Users &amp; billing &lt;b&gt;")
    assert "&amp;gt;" not in sent and "&amp;amp;" not in sent and "&amp;lt;" not in sent


async def test_take_over_silences_the_bot_until_resolved(bot: Bot, slack: SlackEmulator) -> None:
    thread_ts, card_ts = await escalate(slack)

    await slack.click("U_BEN", "C_AGENTS", card_ts, "hitl_take_over")
    await bot.idle()
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and "Taken over by <@U_BEN>" in json.dumps(card["blocks"])
    assert button_labels(card["blocks"]) == ["Hand back to bot", "Resolve"]

    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?", thread_ts=thread_ts)
    await bot.idle()
    assert len(customer_posts(slack)) == 1  # still only the holding reply

    await slack.click("U_ANA", "C_AGENTS", card_ts, "hitl_resolve")  # not the owner
    await slack.click("U_BEN", "C_AGENTS", card_ts, "hitl_resolve")
    await bot.idle()
    assert (
        "who took this over" in slack.calls_to("chat.postEphemeral", user="U_ANA")[0].params["text"]
    )

    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?", thread_ts=thread_ts)
    await bot.idle()
    assert "Billing cycle and downloading invoices" in customer_posts(slack)[-1]


async def test_an_agent_replying_in_the_thread_takes_over(bot: Bot, slack: SlackEmulator) -> None:
    thread_ts, card_ts = await escalate(slack)

    await slack.user_says(
        "C_ACME", "U_ANA", "Hi Dana, Ana here, looking at it now.", thread_ts=thread_ts
    )
    await bot.idle()

    card = slack.message("C_AGENTS", card_ts)
    assert card is not None and "Taken over by <@U_ANA>" in json.dumps(card["blocks"])


@pytest.mark.expect_errors("agent channel C_AGENTS is shared with another organisation")
async def test_cards_are_withheld_from_a_shared_agent_channel_until_it_is_safe(
    bot: Bot, slack: SlackEmulator
) -> None:
    agents = slack.workspace.channels["C_AGENTS"]
    agents.is_ext_shared, agents.connected_team_ids = True, ["T_ACME"]

    delivery = await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    await bot.idle()
    thread_ts = str(delivery.ts)

    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []
    assert len(slack.thread("C_ACME", thread_ts)) == 2  # the customer still got the holding reply
    [warning] = slack.calls_to("chat.postMessage", channel="C_DIGEST")
    assert "withheld" in warning.params["text"] and "HITL_AGENT_CHANNEL" in warning.params["text"]
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as response:
        assert "cards withheld" in (await response.json())["warning"]

    agents.is_ext_shared, agents.connected_team_ids = False, []  # the operator fixes it
    later = utcnow() + timedelta(minutes=2)
    assert await bot.runtime.deps.desk.deliver_pending(now=later) == 1
    assert len(slack.calls_to("chat.postMessage", channel="C_AGENTS")) == 1
