"""The card builder: plain reasons, the right buttons per state, and Block Kit's limits."""

from __future__ import annotations

import json

import pytest

from bot import ids
from bot.cards import CardView, ReasonLine, build_card, build_edit_modal
from bot.reasons import AccountBrief, reason_sentence
from emulators.blockkit import message_blocks_errors


def view(**changes: object) -> CardView:
    """A pending card with sensible defaults."""
    base: dict[str, object] = {
        "escalation_id": 7,
        "org_name": "Acme Logistics",
        "customer_user_id": "U_DANA",
        "channel_id": "C_ACME",
        "permalink": "https://x.slack.com/archives/C_ACME/p1",
        "summary": "Dropped calls, wants to cancel.",
        "reasons": (ReasonLine(category="churn", evidence="cancel our contract", weight=0.7),),
        "score": 0.82,
        "account_facts": (("Plan", "Business Unlimited · enterprise"),),
        "draft": "Sorry about that.",
    }
    base.update(changes)
    return CardView.model_validate(base)


def action_ids(blocks: list[dict]) -> list[str]:
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def reasons_section(blocks: list[dict]) -> int:
    return next(
        i
        for i, b in enumerate(blocks)
        if "Why it was escalated" in b.get("text", {}).get("text", "")
    )


def line(category: str, evidence: str, weight: float = 0.6, **extra: object) -> ReasonLine:
    return ReasonLine.model_validate(
        {"category": category, "evidence": evidence, "weight": weight, **extra}
    )


@pytest.mark.parametrize(
    ("reason", "sentence"),
    [
        (line("anger", '"furious"; VADER compound -0.72'), 'Customer sounds angry: "furious"'),
        (line("anger", "VADER compound -0.81"), "Customer sounds angry"),
        (line("churn", '"cancel our contract"'), 'Wants to leave: "cancel our contract"'),
        (line("human_request", '"real person"'), 'Asked for a person: "real person"'),
        (
            line("human_request", "pressed Talk to a person", user_id="U_DANA"),
            "<@U_DANA> pressed Talk to a person",
        ),
        (line("human_request", "pressed Talk to a person"), "Pressed Talk to a person"),
        (line("low_confidence", "grounding 0.21 < 0.50"), "No article answers this"),
        (
            line("low_confidence", "no article answers this (best: Roaming, 0.21)"),
            "No article answers this",
        ),
        (line("repeated_contact", "3 contacts in 24 h"), "3rd contact in 24 h"),
        (line("repeated_contact", "11 contacts in 24 h"), "11th contact in 24 h"),
        (
            line("unresolved", "customer came back after 2 bot answers"),
            "Came back after 2 bot answers",
        ),
        (
            line("money_offer", "the draft offers a €20 service credit", 1.0),
            "The draft offers money: a €20 service credit",
        ),
        (line("money_offer", '"you owe me"'), 'Asks for money: "you owe me"'),
        (line("legal", '"my lawyer"'), 'Mentions legal steps: "my lawyer"'),
        (line("billing_dispute", "charged twice"), "Disputes a charge: charged twice"),
        (
            line("frustration", 'ALL CAPS: WHY IS THIS; repeated punctuation "!!!"'),
            'Customer sounds frustrated: writes in capitals: "WHY IS THIS", '
            'repeated punctuation "!!!"',
        ),
        (
            line("frustration", "sentiment -0.20 → -0.70 over 3 messages"),
            "Customer sounds frustrated",
        ),
        (
            line("model", "model score 0.80 (churn: hints at leaving)", 0.8),
            "The AI sees a risk: hints at leaving",
        ),
        (line("model", "model score 0.80", 0.8), "The AI sees a risk"),
        (
            line("ai_unavailable", "AI unavailable: 529 overloaded", 1.0),
            "AI unavailable, so this draft comes from the built-in engine",
        ),
        (
            line("review", "channel is in review mode", 0.0),
            "Review mode: a person checks every reply in this channel",
        ),
        (line("price_shopping", '"cheaper deal"'), 'Price shopping: "cheaper deal"'),
        (line("price_shopping", "asked twice"), "Price shopping: asked twice"),
    ],
)
def test_each_reason_reads_as_one_plain_sentence(reason: ReasonLine, sentence: str) -> None:
    assert reason_sentence(reason) == sentence


def test_high_value_names_the_tier_and_the_monthly_value() -> None:
    reason = line("high_value", "Enterprise tier, 4800 EUR/month ≥ 150", 0.2)

    account = AccountBrief(tier="enterprise", monthly_value=4800)
    assert reason_sentence(reason, account) == "Enterprise account, EUR 4,800/month"
    assert reason_sentence(reason) == "Enterprise account, EUR 4,800/month"  # from the evidence
    assert reason_sentence(line("high_value", "", 0.2)) == "High-value account"


def test_reasons_are_sentences_and_their_numbers_sit_in_a_context_line_below() -> None:
    reasons = (
        line("churn", '"cancel our contract"', 0.8),
        line("anger", '"furious"; VADER compound -0.72', 0.6),
        line("low_confidence", "grounding 0.21 < 0.50", 0.6),
    )
    _, blocks = build_card(view(reasons=reasons, score=0.82))

    at = reasons_section(blocks)
    assert blocks[at]["text"]["text"].splitlines() == [
        "*Why it was escalated*",
        '• Wants to leave: "cancel our contract"',
        '• Customer sounds angry: "furious"',
        "• No article answers this",
    ]
    numbers = [e["text"] for e in blocks[at + 1]["elements"]]
    assert blocks[at + 1]["type"] == "context"
    assert numbers[0] == "risk 0.82 · churn 0.80 · anger 0.60 · low confidence 0.60"
    assert numbers[1] == ("anger: VADER compound -0.72 · low confidence: grounding 0.21 &lt; 0.50")
    assert blocks[0]["text"]["text"] == "Acme Logistics · Churn risk"
    assert message_blocks_errors(blocks) == []


def test_our_mentions_and_links_render_and_customer_text_is_escaped_exactly_once() -> None:
    pressed = {"category": "human_request", "weight": 1.0}
    stored = ReasonLine.model_validate(
        {**pressed, "evidence": "<@U_DANA> pressed Talk to a person"}
    )  # as the escalation stores it
    text, blocks = build_card(
        view(
            summary="Asks how to download their invoice & bill <b>PDF</b>",
            reasons=(stored,),
            draft=(
                "Here is what our help centre says in "
                "<https://help.brightwave.example/articles/billing|Billing &amp; invoices>:\n"
                "> Go to Settings &gt; Billing. Ask <@U_ANA> or <#C_BILLING> & see "
                "<!date^1796140800^{date_short}|1 Dec>."
            ),
        )
    )

    rendered = json.dumps(blocks, ensure_ascii=False)
    assert "• <@U_DANA> pressed Talk to a person" in rendered
    assert "<https://help.brightwave.example/articles/billing|Billing &amp; invoices>" in rendered
    assert (
        "<@U_ANA>" in rendered and "<#C_BILLING>" in rendered and "<!date^1796140800^" in rendered
    )
    assert "&lt;b&gt;PDF&lt;/b&gt;" in rendered and "invoice &amp; bill" in rendered
    assert "Settings &gt; Billing" in rendered and "<#C_BILLING> &amp; see" in rendered
    for twice in ("&amp;lt;", "&amp;gt;", "&amp;amp;", "&lt;@", "&lt;https", "&lt;#"):
        assert twice not in rendered and twice not in text
    assert "&lt;b&gt;" in text and "&amp;" in text
    assert message_blocks_errors(blocks) == []


def test_a_mention_in_customer_words_stays_plain_text() -> None:
    _, blocks = build_card(
        view(reasons=(line("churn", '"<@U_BOSS> we will cancel"; <!here>'),)),
    )

    rendered = json.dumps(blocks)
    assert "&lt;@U_BOSS&gt;" in rendered and "&lt;!here&gt;" in rendered
    assert "<!here>" not in rendered


def test_pending_card_has_approve_edit_take_over_with_only_the_id() -> None:
    text, blocks = build_card(view())

    assert action_ids(blocks) == [ids.APPROVE, ids.EDIT, ids.TAKE_OVER]
    values = {e["value"] for b in blocks if b["type"] == "actions" for e in b["elements"]}
    assert values == {"7"}
    assert blocks[0]["text"]["text"] == "Acme Logistics · Churn risk"
    assert text.startswith("Escalation: Acme Logistics")


def test_over_limit_draft_replaces_approve_with_edit() -> None:
    _, blocks = build_card(view(over_limit="3 free months exceeds the limit"))

    assert action_ids(blocks) == [ids.EDIT, ids.TAKE_OVER, ids.APPROVE]
    approve = blocks[-2]["elements"][2]
    assert approve["text"]["text"] == "Approve (blocked: over policy)" and "style" not in approve


def test_taken_over_card_offers_hand_back_and_resolve() -> None:
    _, blocks = build_card(view(status="taken_over", actor_user_id="U_BEN"))

    assert action_ids(blocks) == [ids.HAND_BACK, ids.RESOLVE]


def test_decided_card_has_no_buttons_and_shows_what_was_sent() -> None:
    _, blocks = build_card(view(status="edited", actor_user_id="U_ANA", final_text="Done <now>"))

    assert action_ids(blocks) == []
    assert "Done &lt;now&gt;" in str(blocks)


def test_huge_inputs_stay_within_block_kit_limits() -> None:
    reasons = tuple(
        ReasonLine(category=f"c{i}", evidence="<evil> & " * 500, weight=0.5) for i in range(40)
    )
    text, blocks = build_card(
        view(
            org_name="O" * 500,
            summary="s" * 10_000,
            draft="d" * 50_000,
            reasons=reasons,
            account_facts=tuple((f"k{i}", "v" * 5000) for i in range(30)),
        )
    )

    assert len(blocks) <= 50 and len(text) <= 3000
    assert len(blocks[0]["text"]["text"]) <= 150
    for block in blocks:
        assert len(block.get("text", {}).get("text", "")) <= 3000
        assert len(block.get("fields", [])) <= 10
        assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
    assert "<evil>" not in str(blocks)
    assert message_blocks_errors(blocks) == []


def test_edit_modal_prefills_the_draft_within_limits() -> None:
    modal = build_edit_modal(escalation_id=7, draft="x" * 5000, org_name="Acme")

    element = modal["blocks"][1]["element"]  # type: ignore[index]
    assert modal["private_metadata"] == "7" and element["multiline"] is True
    assert len(element["initial_value"]) <= 3000
    assert all(len(modal[k]["text"]) <= 24 for k in ("title", "submit", "close"))  # type: ignore[index]


def test_edit_modal_shows_the_draft_as_plain_text_keeping_its_links() -> None:
    draft = "See <https://kb.example/a|A &amp; B>:\n> Settings &gt; Users"

    modal = build_edit_modal(escalation_id=7, draft=draft, org_name="Acme")

    element = modal["blocks"][1]["element"]  # type: ignore[index]
    assert element["initial_value"] == "See <https://kb.example/a|A & B>:\n> Settings > Users"
    assert message_blocks_errors(modal["blocks"]) == []


def test_customer_text_cannot_ping_the_agent_channel() -> None:
    text, blocks = build_card(view(summary="<!channel> refund me now"))

    assert "<!channel>" not in text and "<!channel>" not in str(blocks)
