"""The card builder: the right buttons per state, and Block Kit's limits whatever the input."""

from __future__ import annotations

from bot import ids
from bot.cards import CardView, ReasonLine, build_card, build_edit_modal


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


def test_edit_modal_prefills_the_draft_within_limits() -> None:
    modal = build_edit_modal(escalation_id=7, draft="x" * 5000, org_name="Acme")

    element = modal["blocks"][1]["element"]  # type: ignore[index]
    assert modal["private_metadata"] == "7" and element["multiline"] is True
    assert len(element["initial_value"]) <= 3000
    assert all(len(modal[k]["text"]) <= 24 for k in ("title", "submit", "close"))  # type: ignore[index]


def test_customer_text_cannot_ping_the_agent_channel() -> None:
    text, blocks = build_card(view(summary="<!channel> refund me now"))

    assert "<!channel>" not in text and "<!channel>" not in str(blocks)
