"""The operator's accounts and status page through the real app; never the sample with a token."""

from __future__ import annotations

import json
from pathlib import Path

import aiohttp

from emulators import (
    AnthropicEmulator,
    JsonDocumentServer,
    SlackEmulator,
    StatuspageEmulator,
    tool_use,
)
from tests.conftest import NORTHGATE_INCIDENT, Bot, StartBot
from tests.scenarios.conftest import claude_answer

ANGRY_CHURN = (
    "This is the THIRD time this week our calls dropped at the depot!!! "
    "I want to cancel our contract and switch provider."
)
ACCOUNTS_CSV = (
    "team_id,domain,name,number,plan,tier,monthly_value,owner,open_issues\n"
    "T_ACME,,Acme Freight Group,ACC-7001,Fleet Pro,enterprise,12000,Olivia Owner,"
    "Depot coverage review; Invoice 4471 query\n"
    ",globex.example,Globex Stores,ACC-7002,Shop Basic,standard,90,Sam Seller,\n"
)


async def _health(bot: Bot) -> dict:
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as response:
        assert response.status == 200
        return await response.json()


async def test_card_shows_the_operators_account_and_the_valuable_account_signal_fires(
    start_bot: StartBot, slack: SlackEmulator, tmp_path: Path
) -> None:
    source = tmp_path / "accounts.csv"
    source.write_text(ACCOUNTS_CSV)
    await start_bot(sample_data=False, hitl_accounts_source=str(source))

    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    rendered = json.dumps(card.params["blocks"])
    assert card.params["blocks"][0]["text"]["text"].startswith("Acme Freight Group · ")
    assert "ACC-7001" in rendered and "Olivia Owner" in rendered and "12,000" in rendered
    assert "Invoice 4471 query" in rendered
    assert "Enterprise account, EUR 12,000/month" in rendered  # the valuable-account signal
    assert "BW-10001" not in rendered and "4,800" not in rendered  # nothing from the sample


async def test_an_organisation_is_found_by_its_domain_from_a_url_source(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    slack.workspace.teams["T_GLOBEX"].email_domain = "globex.example"
    crm = JsonDocumentServer()
    crm.documents["/accounts.json"] = {
        "accounts": [
            {
                "team_id": None,
                "domain": "globex.example",
                "name": "Globex Stores",
                "number": "ACC-7002",
                "plan": "Shop Basic",
                "tier": "standard",
                "monthly_value": 90,
                "owner": "Sam Seller",
                "open_issues": ["Porting request 88"],
            }
        ]
    }
    async with crm:
        bot = await start_bot(sample_data=False, hitl_accounts_source=crm.url("/accounts.json"))
        await slack.user_says("C_GLOBEX", "U_FIONA", "I want to cancel our contract right now.")

        card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
        rendered = json.dumps(card.params["blocks"])
        assert "Globex Stores" in rendered and "Sam Seller" in rendered
        assert slack.calls_to("team.info")
        assert (await _health(bot))["sources"]["accounts"]["ok"] is True


async def test_with_a_token_and_no_sources_the_card_says_no_account_data_is_configured(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    await start_bot(sample_data=False)

    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    rendered = json.dumps(card.params["blocks"])
    assert "no account data configured (HITL_ACCOUNTS_SOURCE)" in rendered
    assert "Acme Logistics" not in rendered and "BW-10001" not in rendered
    assert "cell site failure" not in rendered  # the sample's outage is not offered either


async def test_with_a_token_and_no_sources_the_tools_say_no_data_is_configured(
    start_bot: StartBot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(
        tool_use("lookup_account", {}),
        tool_use("outage_status", {}),
        claude_answer(
            "I can't check the network from here; a colleague will look at it.",
            summary="Dropped calls.",
            grounded=False,
            confidence=0.2,
            risk_score=0.1,
        ),
    )
    await start_bot(
        sample_data=False, anthropic_api_key="test-key", anthropic_base_url=claude.base_url
    )

    await slack.user_says("C_ACME", "U_DANA", "Our calls keep dropping at the depot, why?")
    await slack.wait_for("chat.postMessage", timeout=15)

    results = [r["messages"][-1]["content"][0]["content"] for r in claude.requests[1:3]]
    assert "No account data is configured" in results[0]
    assert "No status data is configured" in results[1]
    assert "Acme" not in results[0] and "INC-88207" not in results[1]


async def test_answer_and_card_name_the_live_incident_until_it_is_resolved(
    bot: Bot, slack: SlackEmulator, statuspage: StatuspageEmulator
) -> None:
    first = await slack.user_says("C_ACME", "U_ERIK", "Our calls keep dropping near the depot.")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert NORTHGATE_INCIDENT in answer.params["text"]
    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN)
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    assert NORTHGATE_INCIDENT in json.dumps(card.params["blocks"])

    incident = statuspage.open_incident("Unrelated", "x")  # opened and resolved: never shown
    statuspage.resolve(incident)
    statuspage.resolve(statuspage.find(NORTHGATE_INCIDENT))
    await bot.runtime.sources.refresh()
    await slack.user_says("C_ACME", "U_ERIK", "Calls are still dropping near the depot today.")

    later = await slack.wait_for("chat.postMessage", channel="C_ACME", count=3)
    assert later.params["thread_ts"] != first.ts
    assert NORTHGATE_INCIDENT not in later.params["text"]
    assert "Unrelated" not in later.params["text"]
    await slack.user_says("C_ACME", "U_DANA", ANGRY_CHURN.replace("THIRD", "FOURTH"))
    second_card = await slack.wait_for("chat.postMessage", channel="C_AGENTS", count=2)
    assert NORTHGATE_INCIDENT not in json.dumps(second_card.params["blocks"])


async def test_an_unreachable_status_page_keeps_the_last_good_copy_and_says_so(
    bot: Bot, slack: SlackEmulator, statuspage: StatuspageEmulator
) -> None:
    statuspage.failing = True
    assert not await bot.runtime.sources.status.refresh()  # type: ignore[union-attr]

    body = await _health(bot)
    assert body["ok"] is True
    assert body["sources"]["status"]["ok"] is False
    assert "HITL_STATUS_SOURCE" in body["warning"] and "503" in body["warning"]
    await slack.user_says("C_ACME", "U_ERIK", "Our calls keep dropping near the depot.")
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert NORTHGATE_INCIDENT in answer.params["text"]

    statuspage.failing = False
    await bot.runtime.sources.refresh()
    assert "warning" not in await _health(bot)


async def test_slash_command_answers_only_our_own_people(bot: Bot, slack: SlackEmulator) -> None:
    slack.add_user("U_GUEST", "gus", team_id="T_VENDOR", real_name="Gus (a customer guest)")
    slack.workspace.users["U_GUEST"].is_restricted = True
    slack.join("C_DIGEST", "U_GUEST")

    customer = await slack.slash_command("U_DANA", "C_ACME", "/hitl", "digest")
    guest = await slack.slash_command("U_GUEST", "C_DIGEST", "/hitl", "help")

    for delivery in (customer, guest):
        assert delivery.status == 200
        text = delivery.body  # a plain-text answer to a command is ephemeral
        assert "only for the support team" in text
        assert "C_DIGEST" not in text and "C_AGENTS" not in text and "digest [days]" not in text
    await bot.idle()
    assert not slack.calls_to("chat.postMessage", channel="C_DIGEST")


async def test_digest_is_refused_in_a_channel_shared_with_a_customer(
    bot: Bot, slack: SlackEmulator
) -> None:
    shared = await slack.slash_command("U_ANA", "C_ACME", "/hitl", "digest")
    internal = await slack.slash_command("U_MAYA", "C_DIGEST", "/hitl", "digest")

    refusal = shared.body
    assert "shared with another organisation" in refusal and "<#" not in refusal
    assert "Posting the digest for today so far" in internal.body
    await slack.wait_for("chat.postMessage", channel="C_DIGEST", timeout=30)
