"""The digest service against a real database and the Slack emulator, on a controlled clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest import DigestService, render_text
from emulators import SlackEmulator
from storage.db import create_schema, make_engine, session_factory
from storage.digest import DigestQueries
from storage.tables import Conversation, Escalation, Message

CHANNEL = "C_MGMT"
ZONE = "Europe/Berlin"  # UTC+1 in November
# Tue 24 Nov 2026 08:30 in Berlin: before the 09:00 digest; its period is Mon 23 Nov.
BEFORE_DUE = datetime(2026, 11, 24, 7, 30, tzinfo=UTC)
AFTER_DUE = datetime(2026, 11, 24, 8, 1, tzinfo=UTC)  # 09:01 in Berlin


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: datetime

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def client(slack: SlackEmulator) -> AsyncWebClient:
    slack.add_channel(CHANNEL, "support-managers")
    return AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)


@pytest.fixture
def clock() -> Clock:
    return Clock(AFTER_DUE)


def service(client: AsyncWebClient, engine: AsyncEngine, clock: Clock) -> DigestService:
    return DigestService(
        client,
        DigestQueries(engine),
        channel=CHANNEL,
        timezone=ZONE,
        digest_time=time(9, 0),
        sla_minutes=15,
        clock=clock,
    )


async def seed(engine: AsyncEngine) -> None:
    """Mon 23 Nov in Berlin (22 Nov 23:00 to 23 Nov 23:00 UTC): 4 messages, 3 answered, 1
    escalation approved after 10 min; plus one message on the Sunday before."""
    day = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    sessions = session_factory(engine)
    async with sessions.begin() as session:
        session.add(
            Conversation(
                id=1, channel_id="C_ACME", thread_ts="1.0", customer_user_id="U1",
                customer_team_id="T_ACME", created_at=day, updated_at=day,
            )
        )  # fmt: skip
    async with sessions.begin() as session:
        statuses = ["answered", "answered", "escalated", "answered"]
        for i, status in enumerate(statuses):
            session.add(_message(i, day + timedelta(minutes=i), status))
        session.add(_message(9, datetime(2026, 11, 22, 10, tzinfo=UTC), "answered"))
        session.add(
            Escalation(
                conversation_id=1, status="approved", action="approved", top_reason="churn",
                score=0.9, draft="d", org_name="Acme Ltd", created_at=day,
                first_action_at=day + timedelta(minutes=10),
            )
        )  # fmt: skip


def _message(i: int, created: datetime, status: str) -> Message:
    return Message(
        conversation_id=1, channel_id="C_ACME", ts=f"{i + 1}.0", direction="inbound",
        author_kind="customer", text="hi", status=status, created_at=created,
    )  # fmt: skip


def field_texts(params: dict[str, Any]) -> list[str]:
    return [f["text"] for b in params["blocks"] if "fields" in b for f in b["fields"]]


async def test_posted_digest_carries_the_headline_numbers_and_the_chart(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    await seed(engine)
    digests = service(client, engine, clock)

    digest = await digests.build()
    await digests.post(digest)

    posted = await slack.wait_for("chat.postMessage", channel=CHANNEL)
    assert posted.ok
    assert posted.params["text"].startswith("Support digest for Mon 23 Nov 2026: 4 customer")
    fields = field_texts(posted.params)
    # 4 messages, 3 answered (75 %); Sunday had 1 message, 1 answered (100 %): -25 pp.
    assert "*Customer messages*\n4   _▲ +3_" in fields
    assert "*Answered without a human*\n75% (3)   _▼ −25.0 pp_" in fields
    assert "*Escalations*\n1 (25% of messages)   _▲ +1_" in fields
    assert "*Time to first human action*\nmedian 10 min · p90 10 min   _no comparison_" in fields
    complete = await slack.wait_for("files.completeUploadExternal", channel_id=CHANNEL)
    assert complete.ok
    file_id = complete.params["files"][0]["id"]
    assert slack.file_bytes(file_id).startswith(b"\x89PNG\r\n\x1a\n")
    assert slack.warnings == []


async def test_two_replicas_at_the_digest_time_post_exactly_once(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    await seed(engine)
    first, second = service(client, engine, clock), service(client, engine, clock)

    posted = await asyncio.gather(
        first.run_daily_if_due(replica_id="replica-a"),
        second.run_daily_if_due(replica_id="replica-b"),
    )

    assert sorted(posted) == [False, True]
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1
    assert len(slack.calls_to("files.completeUploadExternal", channel_id=CHANNEL)) == 1
    # Later the same day, even after a restart (a new service), nothing more is posted.
    clock.now = AFTER_DUE + timedelta(hours=5)
    assert await service(client, engine, clock).run_daily_if_due(replica_id="replica-c") is False
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1
    assert await DigestQueries(engine).is_posted(period="2026-11-23")


async def test_nothing_is_posted_before_the_digest_time(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    clock.now = BEFORE_DUE
    digests = service(client, engine, clock)

    assert await digests.run_daily_if_due(replica_id="replica-a") is False
    assert slack.calls_to("chat.postMessage") == []
    # 08:30 -> 09:00 in Berlin.
    assert digests.seconds_until_next(clock.now) == 30 * 60

    clock.now = AFTER_DUE
    assert await digests.run_daily_if_due(replica_id="replica-a") is True
    # 09:01 -> tomorrow 09:00.
    assert digests.seconds_until_next(clock.now) == 24 * 3600 - 60


async def test_a_failed_post_frees_the_period_for_the_next_attempt(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    digests = service(client, engine, clock)
    slack.fail_next("chat.postMessage", status=200, error="internal_error", retry_after=None)

    with pytest.raises(SlackApiError, match="internal_error"):
        await digests.run_daily_if_due(replica_id="replica-a")

    assert await digests.run_daily_if_due(replica_id="replica-b") is True
    assert len(slack.attempts_to("chat.postMessage", channel=CHANNEL)) == 2  # failed + posted
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1


@pytest.mark.expect_errors("posted, but its chart upload failed")
async def test_a_failed_chart_upload_does_not_post_the_message_twice(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    digests = service(client, engine, clock)
    slack.fail_next(
        "files.getUploadURLExternal", status=200, error="internal_error", retry_after=None
    )

    assert await digests.run_daily_if_due(replica_id="replica-a") is True
    assert await digests.run_daily_if_due(replica_id="replica-a") is False

    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 1
    assert slack.calls_to("files.completeUploadExternal") == []


async def test_on_demand_digests_do_not_claim_the_daily_period(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    await seed(engine)
    digests = service(client, engine, clock)

    week = await digests.build(days=7)
    await digests.post(week)

    assert week.period == "2026-11-17..2026-11-23"
    assert week.figures.period_label == "17–23 Nov 2026"
    assert week.figures.current.customer_messages == 5  # Sunday's message is in the week
    assert await digests.run_daily_if_due(replica_id="replica-a") is True
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 2


async def test_run_forever_posts_each_day_once_and_stops_when_cancelled(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock, slack: SlackEmulator
) -> None:
    digests = service(client, engine, clock)
    task = asyncio.create_task(digests.run_forever("replica-a"))
    try:
        first = await slack.wait_for("chat.postMessage", channel=CHANNEL)
        assert "Mon 23 Nov 2026" in first.params["text"]

        clock.now = AFTER_DUE + timedelta(days=1)
        digests.wake()
        second = await slack.wait_for("chat.postMessage", channel=CHANNEL, count=2)
        assert "Tue 24 Nov 2026" in second.params["text"]
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    assert task.cancelled()
    assert len(slack.calls_to("chat.postMessage", channel=CHANNEL)) == 2


async def test_render_text_prints_the_same_figures_for_the_terminal(
    engine: AsyncEngine, client: AsyncWebClient, clock: Clock
) -> None:
    await seed(engine)

    text = render_text(await service(client, engine, clock).build())

    assert text.startswith("Support digest · Mon 23 Nov 2026\n")
    assert "Customer messages:" in text and " 4   ▲ +3" in text
    assert "Answered without a human:" in text and "75% (3)" in text
    assert "• Churn risk 1: 1 approved as is" in text
    assert "1. Acme Ltd: 4 messages" in text
    assert "*" not in text and "&amp;" not in text
