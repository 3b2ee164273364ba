"""A customer posts in a support channel; the bot answers in the thread (or stays out)."""

from __future__ import annotations

import json
import time

import aiohttp
import pytest

from emulators import AnthropicEmulator, SlackEmulator
from tests.conftest import Bot, StartBot
from tests.scenarios.conftest import Sign, StartWithPolicy, button_labels, claude_answer

ROAMING_QUESTION = "How much does it cost to use my phone in France? Is there a roaming fee?"


async def test_routine_question_is_answered_in_its_thread_from_the_knowledge_base(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says("C_ACME", "U_DANA", ROAMING_QUESTION)

    assert delivery.status == 200
    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert answer.params["thread_ts"] == delivery.ts
    assert "Roaming in the EU and UK" in answer.params["text"]
    assert "https://help.brightwave.example/articles/roaming-eu-uk" in answer.params["text"]
    assert "Talk to a person" in button_labels(answer.params["blocks"])
    assert slack.thread("C_ACME", delivery.ts)[-1]["text"] == answer.params["text"]


async def test_routine_question_is_answered_by_claude_grounded_in_the_passages(
    claude_bot: Bot, slack: SlackEmulator, claude: AnthropicEmulator
) -> None:
    claude.script(
        claude_answer(
            "In France you roam like at home: calls and data come from your plan.",
            summary="Asks about roaming charges in France.",
            confidence=0.92,
            risk_score=0.05,
        )
    )

    delivery = await slack.user_says("C_ACME", "U_DANA", ROAMING_QUESTION)

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert answer.params["thread_ts"] == delivery.ts
    assert answer.params["text"].startswith("In France you roam like at home")
    request = claude.requests[0]
    assert request["model"] == "claude-sonnet-5-5"
    assert request["output_config"]["format"]["type"] == "json_schema"
    assert "tool_choice" not in request
    user_turn = request["messages"][0]["content"]
    assert "Roaming in the EU and UK" in user_turn
    assert ROAMING_QUESTION in user_turn
    assert len(claude.requests) == 1


async def test_question_the_knowledge_base_cannot_answer_gets_a_person_not_a_guess(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says(
        "C_ACME", "U_DANA", "Which football club sponsors your headquarters' stadium naming rights?"
    )

    reply = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert reply.params["thread_ts"] == delivery.ts
    assert "person" in reply.params["text"].lower()
    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    assert "No article answers this" in json.dumps(card.params["blocks"])


async def test_duplicate_delivery_is_answered_once(bot: Bot, slack: SlackEmulator) -> None:
    first = await slack.user_says("C_ACME", "U_DANA", ROAMING_QUESTION)
    retry = await slack.redeliver(first, retry_num=1)
    await bot.idle()

    assert (first.status, retry.status) == (200, 200)
    assert len(slack.calls_to("chat.postMessage", channel="C_ACME")) == 1


async def _stored_message_count(bot: Bot) -> int:
    conversation = await bot.runtime.store.conversation_at(channel_id="C_ACME", thread_ts="1.1")
    return 0 if conversation is None else 1


async def test_forged_signature_is_rejected_and_nothing_is_stored(
    bot: Bot, slack: SlackEmulator, sign: Sign
) -> None:
    body = _message_body("1.1", "I want to cancel everything")
    timestamp, forged = sign(body, secret="not-the-secret")

    delivery = await slack.send_raw(
        body.encode(), content_type="application/json", timestamp=timestamp, signature=forged
    )
    await bot.idle()

    assert delivery.status == 401
    assert await _stored_message_count(bot) == 0
    assert slack.calls_to("chat.postMessage") == []


async def test_stale_timestamp_is_rejected_and_nothing_is_stored(
    bot: Bot, slack: SlackEmulator, sign: Sign
) -> None:
    body = _message_body("1.1", "hello")
    stale, signature = sign(body, age=6 * 60)

    delivery = await slack.send_raw(
        body.encode(), content_type="application/json", timestamp=stale, signature=signature
    )
    await bot.idle()

    assert delivery.status == 401
    assert await _stored_message_count(bot) == 0


def _message_body(ts: str, text: str) -> str:
    return json.dumps(
        {
            "token": "x",
            "team_id": "T_VENDOR",
            "api_app_id": "A_HITL",
            "type": "event_callback",
            "event_id": "Ev_FORGED",
            "event_time": int(time.time()),
            "event": {
                "type": "message",
                "channel": "C_ACME",
                "user": "U_DANA",
                "text": text,
                "ts": ts,
                "channel_type": "channel",
                "user_team": "T_ACME",
            },
        }
    )


async def test_staff_bot_and_edited_messages_are_not_answered(
    bot: Bot, slack: SlackEmulator
) -> None:
    staff = await slack.user_says("C_ACME", "U_ANA", "Hi all, Ana from Brightwave here.")
    other_bot = await slack.send_event(
        {
            "type": "message",
            "channel": "C_ACME",
            "text": "Deploy finished",
            "ts": "9.1",
            "bot_id": "B_OTHER",
            "subtype": "bot_message",
            "username": "ci",
        }
    )
    customer = await slack.user_says("C_INITECH", "U_GRACE", "hello")
    edited = await slack.user_edits("C_INITECH", "U_GRACE", customer.ts or "", ROAMING_QUESTION)
    agents = await slack.user_says("C_AGENTS", "U_BEN", "How do I cancel my contract?")
    await bot.idle()

    assert all(d.status == 200 for d in (staff, other_bot, customer, edited, agents))
    # The edit into a question is not a new question: nothing answers or escalates it.
    posted = [(c.params["channel"], c.params["text"]) for c in slack.calls_to("chat.postMessage")]
    assert "C_ACME" not in [channel for channel, _ in posted]
    assert not [text for _, text in posted if "roaming" in text.lower() or "France" in text]
    assert len([channel for channel, _ in posted if channel == "C_INITECH"]) <= 1
    assert all(
        call.params.get("thread_ts") == customer.ts
        for call in slack.calls_to("chat.postMessage", channel="C_INITECH")
    )


@pytest.mark.expect_errors("background work answer failed.*chat.postMessage, status: 500")
async def test_message_acked_then_lost_by_a_crash_is_answered_after_restart(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    first = await start_bot()
    # One attempt plus the client's two server-error retries: every try of the answer fails.
    slack.fail_next("chat.postMessage", status=500, error="internal_error", times=3)
    delivery = await slack.user_says("C_ACME", "U_DANA", ROAMING_QUESTION)
    await first.idle()
    assert delivery.status == 200
    assert [m["ts"] for m in slack.thread("C_ACME", delivery.ts or "")] == [delivery.ts]

    second = await start_bot()  # same database: the pending message is picked up at start-up
    await second.idle()

    thread = slack.thread("C_ACME", delivery.ts or "")
    assert len(thread) == 2
    assert "Roaming in the EU and UK" in thread[1]["text"]


async def test_healthz_reports_app_and_database_up(bot: Bot) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{bot.url}/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["ok"] is True and body["database"] == "up" and "warning" not in body
    assert body["sources"]["status"]["ok"] is True  # the operator's status page, read at start


async def test_url_verification_is_answered_with_the_challenge(
    bot: Bot, slack: SlackEmulator, shared_dir, sign: Sign
) -> None:
    body = (shared_dir / "slack" / "payloads" / "url_verification.json").read_bytes()
    timestamp, signature = sign(body)

    delivery = await slack.send_raw(
        body, content_type="application/json", timestamp=timestamp, signature=signature
    )

    assert delivery.status == 200
    assert delivery.json == {"challenge": json.loads(body)["challenge"]}


async def test_dropped_calls_in_an_outage_region_get_the_live_incident(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says("C_ACME", "U_ERIK", "Our calls keep dropping near Northgate.")

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert answer.params["thread_ts"] == delivery.ts
    assert "cell site failure near Northgate" in answer.params["text"]
    assert "25 Nov 2026" not in answer.params["text"]  # the sample's stale outage


async def test_channel_in_off_mode_gets_no_reply(
    start_with_policy: StartWithPolicy, slack: SlackEmulator
) -> None:
    bot = await start_with_policy("channels:\n  modes:\n    C_INITECH: 'off'\n")

    await slack.user_says("C_INITECH", "U_GRACE", "I want to cancel my contract!")
    await bot.idle()

    assert slack.calls_to("chat.postMessage") == []


async def test_a_country_the_article_never_names_finds_the_roaming_article(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says(
        "C_ACME", "U_DANA", "hey team, quick one – How much does roaming in Spain cost?"
    )

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    assert answer.params["thread_ts"] == delivery.ts
    assert "https://help.brightwave.example/articles/roaming-eu-uk" in answer.params["text"]
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []


async def test_an_answer_quotes_the_answering_section_not_a_bare_heading(
    bot: Bot, slack: SlackEmulator
) -> None:
    await slack.user_says(
        "C_ACME", "U_DANA", "how do I get an eSIM for one of our lines, what are the steps?"
    )

    answer = await slack.wait_for("chat.postMessage", channel="C_ACME")
    text = answer.params["text"]
    assert "> Getting an eSIM (admins):" in text
    assert "> 1. In the Business Portal" in text and "> 3. A QR code" in text


async def test_a_question_no_article_answers_gets_the_holding_reply_and_a_proposal_for_agents(
    bot: Bot, slack: SlackEmulator
) -> None:
    delivery = await slack.user_says("C_ACME", "U_DANA", "hi, can you help me set up Outlook?")

    card = await slack.wait_for("chat.postMessage", channel="C_AGENTS")
    customer = slack.calls_to("chat.postMessage", channel="C_ACME")
    assert len(customer) == 1 and customer[0].params["thread_ts"] == delivery.ts
    holding = customer[0].params["text"]
    blocks = json.dumps(card.params["blocks"])
    assert "help centre says in" in blocks  # the closest article, proposed to the agent
    assert holding not in blocks


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("hey team, quick one – how long is a PAC code valid?", "number-porting-out"),
        (
            "We need to activate a batch of 45 numbers on eSIM, how do we do that?",
            "esim-activation",
        ),
        ("Can I use wifi calling from my hotel?", "wifi-calling"),
        ("How do service credits work when there's an outage?", "compensation-service-credits"),
        (
            "Hi all :wave: where are your data protection details for our compliance review?",
            "data-protection-gdpr",
        ),
        (
            "<@U0123ABCD> asked how to download last month's invoice. Cheers, Tom",
            "billing-cycle-invoices",
        ),
        ("what's the discount if we renew our contract early?", "contract-renewal"),
    ],
)
async def test_routine_questions_in_the_products_own_words_are_answered_by_the_bot(
    bot: Bot, slack: SlackEmulator, question: str, article: str
) -> None:
    delivery = await slack.user_says("C_GLOBEX", "U_FIONA", question)

    answer = await slack.wait_for("chat.postMessage", channel="C_GLOBEX")
    assert answer.params["thread_ts"] == delivery.ts
    assert f"https://help.brightwave.example/articles/{article}" in answer.params["text"]
    await bot.idle()
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []


@pytest.mark.parametrize(
    "pleasantry", ["Hi all :wave:", "thanks!", "ok, thanks - Tom", "all sorted 👍"]
)
async def test_a_greeting_or_thanks_on_its_own_gets_no_answer_and_no_card(
    bot: Bot, slack: SlackEmulator, pleasantry: str
) -> None:
    await slack.user_says("C_GLOBEX", "U_FIONA", pleasantry)
    question = await slack.user_says("C_GLOBEX", "U_FIONA", "how long is a PAC code valid?")

    answer = await slack.wait_for("chat.postMessage", channel="C_GLOBEX")
    await bot.idle()
    assert answer.params["thread_ts"] == question.ts
    assert len(slack.calls_to("chat.postMessage", channel="C_GLOBEX")) == 1
    assert slack.calls_to("chat.postMessage", channel="C_AGENTS") == []
