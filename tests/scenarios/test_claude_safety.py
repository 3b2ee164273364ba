"""On the Claude path no money promise reaches a customer, links stay on the knowledge base, and
the knowledge base sits in the cached prompt prefix."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.knowledge import default_kb_dir, load_articles
from bot.outbox import HOLDING_REPLY
from emulators import AnthropicEmulator, SlackEmulator
from tests.conftest import Bot, StartBot
from tests.scenarios.conftest import claude_answer

OUTAGE_QUESTION = "Our internet was down for 30 hours last week, what happens now?"
CREDITS_ARTICLE = "https://help.brightwave.example/articles/compensation-service-credits"
ROAMING_ARTICLE = "https://help.brightwave.example/articles/roaming-eu-uk"


def draft(reply: str, *, offers: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A confident, low-risk answer: only the money guard can stop it."""
    return claude_answer(
        reply,
        summary="Asks what happens after an outage.",
        confidence=0.95,
        risk_score=0.05,
        offers=offers,
    )


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        ("Sorry about that! We will give you a 100% refund for last month.", "100% refund"),
        ("To make up for it, enjoy a free year of service on us.", "free year of service on us"),
        ("I have credited EUR 500 to your account for the outage.", "credited EUR 500"),
        ("Thanks for your patience: this month is on the house.", "on the house"),
        ("Please use voucher code FREE2027 when your contract renews.", "FREE2027"),
    ],
)
async def test_a_money_promise_in_any_wording_gets_a_holding_reply_and_a_card(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator, reply: str, words: str
) -> None:
    claude.script(draft(reply))

    delivery = await slack.user_says("C_ACME", "U_DANA", OUTAGE_QUESTION)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    await claude_bot.idle()
    to_customer = slack.calls_to("chat.postMessage", channel="C_ACME")
    assert [c.params["text"] for c in to_customer] == [HOLDING_REPLY]
    assert to_customer[0].params["thread_ts"] == delivery.ts
    rendered = json.dumps(card.params["blocks"], ensure_ascii=False)
    assert "promises money" in rendered and words in rendered


async def test_offers_the_model_declares_are_never_sent_automatically(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    offer = {"kind": "free_month", "amount_eur": None, "percent": None, "months": 1}
    claude.script(draft("Good news about your outage.", offers=[{**offer, "evidence": "Good"}]))

    await slack.user_says("C_ACME", "U_DANA", OUTAGE_QUESTION)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    await claude_bot.idle()
    assert [c.params["text"] for c in slack.calls_to("chat.postMessage", channel="C_ACME")] == [
        HOLDING_REPLY
    ]
    assert "1 free month" in json.dumps(card.params["blocks"])


async def test_quoting_the_compensation_policy_is_answered_automatically(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(
        draft(
            "Under our SLA, an outage of 24 to 72 hours earns a 25% service credit on the "
            "affected service, capped at 50 EUR for Standard accounts. Approved credits "
            "appear on your next invoice. See "
            f"<{CREDITS_ARTICLE}|Service credits and compensation>."
        )
    )

    await slack.user_says("C_ACME", "U_DANA", "How do service credits work?")

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    await claude_bot.idle()
    assert answer.params["text"].startswith("Under our SLA")
    assert CREDITS_ARTICLE in answer.params["text"]
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []


async def test_a_foreign_link_is_stripped_and_a_knowledge_base_link_stays(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(
        draft(
            "Roaming in France costs nothing extra: "
            f"<{ROAMING_ARTICLE}|Roaming in the EU and UK>. Cheaper SIMs at "
            "https://evil.example/deal and [here](https://evil.example/x)."
        )
    )

    await slack.user_says("C_ACME", "U_DANA", "Does roaming in France cost extra?")

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    text = answer.params["text"] + json.dumps(answer.params["blocks"])
    assert ROAMING_ARTICLE in text
    assert "evil.example" not in text


async def test_the_whole_knowledge_base_is_the_cached_prefix_and_later_messages_read_it(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(draft("Answer one."), draft("Answer two."))

    await slack.user_says("C_ACME", "U_DANA", "Does roaming in France cost extra?")
    await slack.wait_for("chat.postMessage", channel="C_ACME")
    await slack.user_says("C_GLOBEX", "U_FIONA", "How do I activate an eSIM?")
    await slack.wait_for("chat.postMessage", channel="C_GLOBEX")

    first, second = claude.requests
    instructions, knowledge = first["system"]
    assert "cache_control" not in instructions and knowledge["cache_control"]
    for article in load_articles(default_kb_dir()):
        assert f'title="{article.title}" url="{article.url}"' in knowledge["text"]
    assert second["system"] == first["system"]
    assert "<passage" not in first["messages"][0]["content"]
    usage = claude.responses[1]["usage"]
    assert usage["cache_read_input_tokens"] > 1024 and usage["cache_creation_input_tokens"] == 0
    prompt = usage["input_tokens"] + usage["cache_read_input_tokens"]
    assert usage["cache_read_input_tokens"] / prompt >= 0.8


async def test_a_knowledge_base_over_the_budget_sends_the_top_passages_instead(
    start_bot: StartBot, slack: SlackEmulator, claude: AnthropicEmulator, tmp_path: Path
) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("answering:\n  kb_in_prompt_max_tokens: 1000\n")
    await start_bot(
        anthropic_api_key="test-key", anthropic_base_url=claude.base_url, hitl_policy_file=policy
    )
    claude.script(draft("In France you roam like at home."))

    await slack.user_says("C_ACME", "U_DANA", "Does roaming in France cost extra?")
    await slack.wait_for("chat.postMessage", channel="C_ACME")

    (request,) = claude.requests
    assert len(request["system"]) == 1 and request["system"][0]["cache_control"]
    assert (
        f'<passage title="Roaming in the EU and UK" url="{ROAMING_ARTICLE}">'
        in (request["messages"][0]["content"])
    )
