"""Risky messages reach a human: holding reply, a card with the reasons, and bot silence."""

from __future__ import annotations

import json
import re

from emulators import AnthropicEmulator, SlackEmulator, error, tool_use
from tests.conftest import Bot
from tests.scenarios.conftest import StartWithPolicy, button_labels, claude_answer

ANGRY_CHURN = (
    "This is the THIRD time this week our calls dropped at the Northgate depot!!! "
    "I want to cancel our contract and switch provider."
)


async def test_risky_message_gets_a_holding_reply_and_a_card_with_reasons_and_draft(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    holding = slack.calls_to("chat.postMessage", channel="C_ACME")
    assert len(holding) == 1 and holding[0].params["thread_ts"] == delivery.ts
    assert "person" in holding[0].params["text"]
    blocks = card.params["blocks"]
    rendered = json.dumps(blocks)
    assert blocks[0]["type"] == "header"
    assert blocks[0]["text"]["text"].startswith("Acme Logistics · ")
    assert "Churn risk" in rendered and "cancel our contract" in rendered
    assert "Enterprise".lower() in rendered.lower() and "4,800" in rendered
    # The draft names the outage from the status feed, in words the customer never wrote.
    [draft] = [
        b["text"]["text"]
        for b in blocks
        if b["type"] == "section"
        and b.get("text", {}).get("text", "").startswith("*Drafted reply*")
    ]
    assert "cell site failure near Northgate" in draft and "Expected to be fixed by" in draft
    assert button_labels(blocks) == ["Approve", "Edit", "Take over"]
    assert slack.calls_to("chat.getPermalink", channel="C_ACME")
    assert card.params["text"]


async def test_later_customer_messages_go_to_the_card_thread_not_to_the_bot(
    bot: Bot, slack: SlackEmulator
) -> None:
    first = await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")

    await slack.user_says(
        "C_ACME", "U_DANA", "Hello?? Anyone there? I'm calling my lawyer.", thread_ts=first.ts
    )
    copy = await slack.wait_for("chat.postMessage", channel="C_AGENTS", count=2)
    await bot.idle()

    assert copy.params["thread_ts"] == card.response["ts"]
    assert "calling my lawyer" in copy.params["text"]
    assert len(slack.calls_to("chat.postMessage", channel="C_ACME")) == 1  # the holding reply only
    update = slack.calls_to("chat.update", channel="C_AGENTS")
    assert update and "Mentions legal steps" in json.dumps(update[-1].params["blocks"])


async def test_talk_to_a_person_from_a_customer_escalates_at_once(
    bot: Bot, slack: SlackEmulator
) -> None:
    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert button_labels(answer.params["blocks"])[0] == "Talk to a person"

    click = await slack.click("U_DANA", "C_ACME", answer.response["ts"], "hitl_talk_to_person")

    assert click.status == 200
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    assert "Asked for a person" in json.dumps(card.params["blocks"])


async def test_thumbs_are_stored_once_per_person(bot: Bot, slack: SlackEmulator) -> None:
    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    ts = answer.response["ts"]

    await slack.click("U_DANA", "C_ACME", ts, "hitl_thumbs_up")
    await slack.click("U_DANA", "C_ACME", ts, "hitl_thumbs_up")

    first = await slack.wait_for("chat.postEphemeral", user="U_DANA")
    second = await slack.wait_for("chat.postEphemeral", user="U_DANA", count=2)
    assert first.params["text"] == "Thanks for the feedback!"
    assert second.params["text"] == "You already rated this answer."


async def test_review_mode_sends_every_reply_to_agents_first(
    start_with_policy: StartWithPolicy, slack: SlackEmulator
) -> None:
    bot = await start_with_policy("channels:\n  modes:\n    C_GLOBEX: review\n")

    await slack.user_says("C_GLOBEX", "U_FIONA", "How do I download my invoice?")
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    await bot.idle()

    assert slack.calls_to("chat.postMessage", channel="C_GLOBEX") == []
    assert card.params["blocks"][0]["text"]["text"] == "Globex Retail · Review mode"
    assert button_labels(card.params["blocks"]) == ["Approve", "Edit", "Take over"]


async def test_claude_failure_escalates_with_ai_unavailable_and_an_offline_draft(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(*(error(529, "overloaded_error") for _ in range(3)))

    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice?")

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS", timeout=15)
    rendered = json.dumps(card.params["blocks"])
    assert "AI unavailable" in rendered
    assert "Billing cycle and downloading invoices" in rendered  # the offline draft
    assert len(slack.calls_to("chat.postMessage", channel="C_ACME")) == 1  # holding reply


async def test_claude_checks_outages_with_a_tool_and_names_the_outage(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(
        tool_use("outage_status", {}),
        lambda request: claude_answer(
            "There is a known outage near Northgate: "
            + json.dumps(request["messages"][-1]["content"][0]["content"])[:60],
            summary="Dropped calls at Northgate.",
            confidence=0.9,
            risk_score=0.1,
        ),
    )

    await slack.user_says("C_ACME", "U_DANA", "Our calls keep dropping at the depot, why?")

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert "known outage near Northgate" in answer.params["text"]
    assert len(claude.requests) == 2
    tool_result = claude.requests[1]["messages"][-1]["content"][0]
    assert tool_result["type"] == "tool_result" and "Northgate" in tool_result["content"]


async def test_card_stays_within_block_kit_limits_for_a_huge_message(
    bot: Bot, slack: SlackEmulator
) -> None:
    huge = "I want to cancel. " + ("This is unacceptable <b>&</b>. " * 1500)

    await slack.user_says("C_ACME", "U_DANA", huge)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    assert card.ok, card.response
    assert len(card.params["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in card.params["blocks"])


async def test_agents_past_replies_guide_the_next_draft_for_a_similar_case(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    def answer(reply: str) -> dict[str, object]:
        return claude_answer(
            reply,
            summary="Wants a refund of a double charge.",
            confidence=0.8,
            risk_score=0.9,
            risk_reasons=[{"category": "billing_dispute", "evidence": "charged twice"}],
        )

    claude.script(
        answer("We have refunded the duplicate payment."),
        answer("Looking into the duplicate charge."),
    )
    await slack.user_says("C_GLOBEX", "U_FIONA", "You charged us twice for the invoice, refund it")
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    await claude_bot.idle()
    await slack.click("U_ANA", "C_AGENTS", card.response["ts"], "hitl_approve")
    await claude_bot.idle()

    await slack.user_says(
        "C_GLOBEX", "U_FIONA", "We were charged twice on the invoice, refund please"
    )
    await slack.wait_for("chat.postMessage", channel="C_AGENTS", count=2)

    second_prompt = claude.requests[1]["messages"][0]["content"]
    assert "<replies_agents_sent_in_similar_cases>" in second_prompt
    assert "We have refunded the duplicate payment." in second_prompt


async def test_another_customers_replies_never_reach_the_prompt(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    def answer(reply: str) -> dict[str, object]:
        return claude_answer(
            reply,
            summary="Wants a refund of a double charge.",
            confidence=0.8,
            risk_score=0.9,
            risk_reasons=[{"category": "billing_dispute", "evidence": "charged twice"}],
        )

    claude.script(answer("Globex: refunded EUR 950."), answer("Looking."))
    await slack.user_says("C_GLOBEX", "U_FIONA", "You charged us twice for the invoice, refund it")
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    await claude_bot.idle()
    await slack.click("U_ANA", "C_AGENTS", card.response["ts"], "hitl_approve")
    await claude_bot.idle()

    await slack.user_says("C_INITECH", "U_GRACE", "We were charged twice on the invoice, refund")
    await slack.wait_for("chat.postMessage", channel="C_AGENTS", count=2)

    assert "Globex" not in claude.requests[1]["messages"][0]["content"]


async def test_an_organisation_sharing_a_channel_with_another_sees_no_account_facts(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    slack.add_channel(
        "C_JOINT",
        "ext-joint-project",
        is_ext_shared=True,
        connected_team_ids=["T_ACME", "T_GLOBEX"],
        members=["U_DANA", "U_FIONA"],
    )
    claude.script(
        tool_use("lookup_account", {}),
        lambda request: claude_answer(
            "Noted.", summary="Asks about their plan.", confidence=0.9, risk_score=0.1
        ),
    )

    await slack.user_says("C_JOINT", "U_DANA", "Which plan are we on?")
    await slack.wait_for("chat.postMessage", channel="C_JOINT")

    assert "<account>" not in claude.requests[0]["messages"][0]["content"]
    tool_result = claude.requests[1]["messages"][-1]["content"][0]["content"]
    assert "Acme" not in tool_result and "4800" not in tool_result


def reason_lines(blocks: list[dict]) -> list[str]:
    """The bullet lines under "Why it was escalated"."""
    section = next(b for b in blocks if "Why it was escalated" in b.get("text", {}).get("text", ""))
    return [line.removeprefix("• ") for line in section["text"]["text"].splitlines()[1:]]


def numbers_line(blocks: list[dict]) -> str:
    """The context line right under the reasons."""
    index = next(
        i
        for i, b in enumerate(blocks)
        if "Why it was escalated" in b.get("text", {}).get("text", "")
    )
    assert blocks[index + 1]["type"] == "context"
    return " · ".join(e["text"] for e in blocks[index + 1]["elements"])


async def test_card_reads_in_plain_sentences_with_the_numbers_one_level_down(
    bot: Bot, slack: SlackEmulator
) -> None:
    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")

    blocks = card.params["blocks"]
    lines = reason_lines(blocks)
    assert any(line.startswith('Wants to leave: "cancel our contract"') for line in lines)
    assert "Enterprise account, EUR 4,800/month" in lines
    assert not any(re.search(r"\d\.\d\d", line) for line in lines)  # no weights or scores
    assert re.match(r"risk \d\.\d\d · .*churn \d\.\d\d", numbers_line(blocks))
    summary = next(b for b in blocks if b.get("text", {}).get("text", "").startswith("*Summary*"))
    assert summary["text"]["text"].startswith("*Summary*\nWants to cancel their contract")
    assert "THIRD time" not in summary["text"]["text"]  # what they want, not a copy


async def test_card_renders_our_mentions_and_links_and_escapes_customer_text_once(
    bot: Bot, slack: SlackEmulator
) -> None:
    await slack.user_says("C_ACME", "U_DANA", "How do I download my invoice & bill <b>PDF</b>?")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert "<https://" in answer.params["text"]  # the offline answer links its article

    await slack.click("U_DANA", "C_ACME", answer.response["ts"], "hitl_talk_to_person")
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")

    assert card.ok, card.response
    blocks = card.params["blocks"]
    rendered = json.dumps(blocks, ensure_ascii=False)
    assert "<@U_DANA> pressed Talk to a person" in reason_lines(blocks)
    draft = next(b for b in blocks if b.get("text", {}).get("text", "").startswith("*Drafted"))
    assert re.search(r"<https://[^|<>]+\|[^<>]+>", draft["text"]["text"])
    assert "&amp;" in rendered and "&lt;b&gt;" in rendered
    assert "&amp;lt;" not in rendered and "&amp;amp;" not in rendered and "&lt;@" not in rendered
    assert "&lt;https" not in rendered
    assert "&amp;lt;" not in card.params["text"] and "&amp;" in card.params["text"]
