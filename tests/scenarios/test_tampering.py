"""A card button acts only on its own escalation, and only in the agent channel."""

from __future__ import annotations

import json
import logging

import pytest

from emulators import SlackEmulator, payloads
from tests.conftest import Bot
from tests.scenarios.test_escalation import ANGRY_CHURN


async def two_cards(slack: SlackEmulator) -> tuple[dict[str, str], dict[str, str]]:
    """Escalate one conversation in Acme's channel and one in Globex's; return both cards."""
    cards = []
    for channel, user in (("C_ACME", "U_DANA"), ("C_GLOBEX", "U_FIONA")):
        delivery = await slack.user_says(channel, user, ANGRY_CHURN)
        card = await slack.wait_for("chat.postMessage", channel="C_AGENTS", count=len(cards) + 1)
        button, _ = payloads.find_button(card.params["blocks"], "hitl_approve")
        cards.append(
            {"thread": str(delivery.ts), "ts": str(card.response["ts"]), "id": button["value"]}
        )
    return cards[0], cards[1]


def sent_to(slack: SlackEmulator, channel: str) -> list[str]:
    """Texts the bot posted into a customer's channel."""
    return [c.params["text"] for c in slack.calls_to("chat.postMessage", channel=channel) if c.ok]


async def test_approve_carrying_another_escalations_id_sends_nothing(
    bot: Bot, slack: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    acme, globex = await two_cards(slack)
    await bot.idle()
    before = sent_to(slack, "C_GLOBEX")

    # Globex's escalation id on Acme's card: a tampered click.
    await slack.click("U_ANA", "C_AGENTS", acme["ts"], "hitl_approve", value=globex["id"])
    await bot.idle()

    assert sent_to(slack, "C_GLOBEX") == before
    card = slack.message("C_AGENTS", globex["ts"])
    assert card is not None and "Approved" not in json.dumps(card["blocks"])
    refusals = [e["text"] for e in slack.ephemerals("C_AGENTS", "U_ANA")]
    assert refusals == ["This button does not belong to this card; nothing was done."]
    assert any("card action refused" in r.getMessage() for r in caplog.records)


async def test_a_card_button_clicked_outside_the_agent_channel_is_refused(
    bot: Bot, slack: SlackEmulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    acme, _ = await two_cards(slack)
    await bot.idle()
    before = sent_to(slack, "C_ACME")
    card = slack.message("C_AGENTS", acme["ts"])
    assert card is not None
    button, block_id = payloads.find_button(card["blocks"], "hitl_approve")
    payload = payloads.block_actions(
        slack.workspace,
        token="emulator-verification-token",
        user="U_ANA",
        channel=slack.workspace.channels["C_ACME"],
        message=card,
        is_ephemeral=False,
        action={**button, "block_id": block_id},
        trigger_id=slack.new_trigger("U_ANA"),
        response_url=f"{slack.root_url}/response_url/none",
    )

    delivery = await slack.delivery.post_interactive(payload)
    await bot.idle()

    assert delivery.status == 200
    assert sent_to(slack, "C_ACME") == before
    refusals = [e["text"] for e in slack.ephemerals("C_ACME", "U_ANA")]
    assert refusals == ["Escalations can only be handled from the agent channel."]
    assert any("not the agent channel" in r.getMessage() for r in caplog.records)


async def test_the_right_card_still_approves(bot: Bot, slack: SlackEmulator) -> None:
    acme, _ = await two_cards(slack)
    before = len(sent_to(slack, "C_ACME"))

    await slack.click("U_ANA", "C_AGENTS", acme["ts"], "hitl_approve")
    await bot.idle()

    assert len(sent_to(slack, "C_ACME")) == before + 1
