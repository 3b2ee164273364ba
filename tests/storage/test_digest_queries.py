"""The digest's SQL on fixed rows, on SQLite and PostgreSQL, against figures worked out by hand."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.db import create_schema, make_engine, session_factory
from storage.digest import DailyCount, DigestQueries, ReasonStats, _rank_offset, day_bounds
from storage.tables import Conversation, Escalation, Feedback, Message

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
START = datetime(2026, 11, 23, tzinfo=UTC)
END = datetime(2026, 11, 24, tzinfo=UTC)
BEFORE = datetime(2026, 11, 22, tzinfo=UTC)
SLA = 15


def at(day: int, hour: int, minute: int = 0, second: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, second, tzinfo=UTC)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url)
    await create_schema(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def queries(engine: AsyncEngine) -> DigestQueries:
    return DigestQueries(engine)


class Rows:
    """Add rows by hand in few words: each helper fills in what the test does not care about."""

    def __init__(self) -> None:
        self.items: list[object] = []
        self._ts = 0

    def conversation(self, cid: int, channel: str, team: str | None, created: datetime) -> None:
        self.items.append(
            Conversation(
                id=cid, channel_id=channel, thread_ts=f"{cid}.0", customer_user_id=f"U{cid}",
                customer_team_id=team, created_at=created, updated_at=created,
            )
        )  # fmt: skip

    def message(
        self, cid: int, created: datetime, status: str = "done", *, direction: str = "inbound",
        author: str = "customer",
    ) -> None:  # fmt: skip
        self._ts += 1
        self.items.append(
            Message(
                conversation_id=cid, channel_id=f"C{cid}", ts=f"{self._ts}.0", direction=direction,
                author_kind=author, text="hello", status=status, created_at=created,
            )
        )  # fmt: skip

    def escalation(
        self, cid: int, reason: str, created: datetime, *, status: str, action: str | None = None,
        first_action: datetime | None = None, org: str = "",
    ) -> None:  # fmt: skip
        self.items.append(
            Escalation(
                conversation_id=cid, status=status, top_reason=reason, score=0.9, draft="d",
                action=action, org_name=org, created_at=created, first_action_at=first_action,
                permalink=f"https://example.slack.com/archives/C{cid}/p{len(self.items)}",
            )
        )  # fmt: skip

    def feedback(self, cid: int, value: int, created: datetime) -> None:
        self._ts += 1
        self.items.append(
            Feedback(
                conversation_id=cid, channel_id=f"C{cid}", message_ts=f"{self._ts}.0",
                user_id=f"U{cid}", value=value, created_at=created,
            )
        )  # fmt: skip

    async def save(self, engine: AsyncEngine) -> None:
        sessions = session_factory(engine)
        async with sessions.begin() as session:
            session.add_all([i for i in self.items if isinstance(i, Conversation)])
        async with sessions.begin() as session:
            session.add_all([i for i in self.items if not isinstance(i, Conversation)])


async def seed_period(engine: AsyncEngine) -> None:
    """Two days of support for four customers; every figure below is counted from this."""
    r = Rows()
    r.conversation(1, "C_ACME", "T_ACME", at(23, 8))
    r.conversation(2, "C_ACME", "T_ACME", at(23, 9))  # a second thread of the same customer
    r.conversation(3, "C_GLOBEX", None, at(23, 10))  # not Slack Connect: known by its channel
    r.conversation(4, "C_INITECH", "T_INITECH", at(22, 10))  # opened the day before
    r.conversation(5, "C_OLD", "T_OLD", at(22, 12))  # active the day before only

    # The period [23 Nov, 24 Nov): customer messages.
    r.message(4, at(23, 0), "answered")  # exactly at the start: inside
    r.message(1, at(23, 8), "answered")
    r.message(1, at(23, 8, 10), "escalated")
    r.message(1, at(23, 8, 20), "held")
    r.message(2, at(23, 9), "answered")
    r.message(2, at(23, 9, 5), "answered")
    r.message(3, at(23, 10), "escalated")
    r.message(3, at(23, 10, 30), "ignored")
    r.message(4, at(23, 11), "answered")
    r.message(1, at(23, 23, 59, 59), "answered")
    # Not customer messages, or not in the period: never counted.
    r.message(1, at(23, 8, 1), direction="outbound", author="bot")
    r.message(2, at(23, 9, 1), direction="outbound", author="bot")
    r.message(1, at(23, 8, 30), direction="inbound", author="staff")
    r.message(1, at(24, 0), "answered")  # exactly at the end: outside
    # The day before.
    r.message(4, at(22, 10), "answered")
    r.message(4, at(22, 10, 5), "escalated")
    r.message(5, at(22, 12), "answered")
    r.message(5, at(22, 12, 10), "answered")

    # Escalations of the period (SLA 15 min, now = 24 Nov 09:00).
    r.escalation(1, "billing_dispute", at(23, 8, 10), status="approved", action="approved",
                 first_action=at(23, 8, 15), org="Acme Ltd")  # 5 min  # fmt: skip
    r.escalation(3, "churn", at(23, 10), status="edited", action="edited",
                 first_action=at(23, 10, 30))  # 30 min: past the SLA  # fmt: skip
    r.escalation(1, "billing_dispute", at(23, 12), status="resolved", action="taken_over",
                 first_action=at(23, 12, 12), org="Acme Ltd")  # 12 min  # fmt: skip
    r.escalation(2, "human_request", at(23, 13), status="pending",
                 org="Acme Ltd")  # nobody yet, 20 h: past the SLA  # fmt: skip
    r.escalation(4, "billing_dispute", at(23, 23, 55), status="approved", action="approved",
                 first_action=at(24, 0, 10), org="Initech")  # exactly 15 min: not past  # fmt: skip
    r.escalation(3, "churn", at(23, 14), status="blocked")  # no outcome, never pending
    # Outside the period.
    r.escalation(2, "human_request", at(24, 8, 50), status="pending",
                 org="Acme Ltd")  # today, 10 min old  # fmt: skip
    r.escalation(4, "billing_dispute", at(22, 10, 5), status="approved", action="approved",
                 first_action=at(22, 10, 45), org="Initech")  # the day before, 40 min  # fmt: skip
    r.escalation(5, "low_confidence", at(20, 9), status="pending")  # the oldest in the queue

    r.feedback(1, +1, at(23, 8, 2))
    r.feedback(2, +1, at(23, 9, 2))
    r.feedback(1, -1, at(23, 12))
    r.feedback(5, -1, at(22, 12, 1))  # the day before
    r.feedback(1, +1, at(24, 0))  # at the end: outside
    await r.save(engine)


async def test_figures_of_a_period_match_the_hand_count(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    await seed_period(engine)

    f = await queries.figures(start=START, end=END, sla_minutes=SLA, now=NOW)

    # Customer messages in [23 Nov, 24 Nov): 1 at 00:00 + 3 in c1 + 2 in c2 + 2 in c3 + 1 in c4
    # + 1 at 23:59:59 = 10 (bot, staff and the one at 24 Nov 00:00 excluded).
    assert f.customer_messages == 10
    # Answered: 00:00, 08:00, 09:00, 09:05, 11:00, 23:59:59 = 6, so 6 / 10 = 60 %.
    assert f.answered == 6
    assert f.automation_rate == pytest.approx(0.6)
    # Conversations with a customer message in the period: c1, c2, c3, c4 (c5 was the day before).
    assert f.conversations == 4
    # Escalations created in the period: 08:10, 10:00, 12:00, 13:00, 14:00, 23:55 = 6; 6 / 10.
    assert f.escalations == 6
    assert f.escalation_rate == pytest.approx(0.6)
    # By reason, most first: billing 3 (approved 08:10 and 23:55, taken over 12:00);
    # churn 2 (edited 10:00, blocked 14:00); human_request 1 (pending 13:00).
    assert [(r.reason, r.escalations) for r in f.reasons] == [
        ("billing_dispute", 3),
        ("churn", 2),
        ("human_request", 1),
    ]
    billing, churn, human = f.reasons
    assert (billing.approved, billing.edited, billing.taken_over, billing.pending) == (2, 0, 1, 0)
    assert (churn.approved, churn.edited, churn.taken_over, churn.pending) == (0, 1, 0, 0)
    assert (human.approved, human.edited, human.taken_over, human.pending) == (0, 0, 0, 1)
    assert (f.approved, f.edited, f.taken_over, f.pending) == (2, 1, 1, 1)
    # Past the 15-min SLA: churn 10:00 (acted after 30 min) and human_request 13:00 (pending
    # 20 h at 09:00 next day). 5, 12 and exactly 15 min are within; the blocked one never waits.
    assert (billing.past_sla, churn.past_sla, human.past_sla) == (0, 1, 1)
    assert f.past_sla == 2
    # Time to first action, sorted: 300, 720, 900, 1800 s (n = 4). Nearest rank:
    # median = rank ceil(0.5 * 4) = 2 -> 720 s; p90 = rank ceil(0.9 * 4) = 4 -> 1800 s.
    assert f.acted == 4
    assert f.median_seconds_to_action == pytest.approx(720, abs=0.01)
    assert f.p90_seconds_to_action == pytest.approx(1800, abs=0.01)
    # Feedback in the period: +1 08:02, +1 09:02, -1 12:00 (the one at 24 Nov 00:00 is out).
    assert (f.thumbs_up, f.thumbs_down) == (2, 1)


async def test_busiest_customers_are_named_after_their_org_or_team_or_channel(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    await seed_period(engine)

    f = await queries.figures(start=START, end=END, sla_minutes=SLA, now=NOW)

    # T_ACME: c1 has 4 customer messages, c2 has 2 -> 6, named after its escalations' org.
    # C_GLOBEX (no team): 2, and its escalations carry no org name -> the channel id.
    # T_INITECH: 2 (00:00 and 11:00), named "Initech". Ties are ordered by key.
    assert [(c.key, c.name, c.messages) for c in f.top_customers] == [
        ("T_ACME", "Acme Ltd", 6),
        ("C_GLOBEX", "C_GLOBEX", 2),
        ("T_INITECH", "Initech", 2),
    ]
    two = await queries.figures(start=START, end=END, sla_minutes=SLA, now=NOW, top_customers=2)
    assert [c.key for c in two.top_customers] == ["T_ACME", "C_GLOBEX"]


async def test_oldest_pending_lists_the_whole_queue_oldest_first(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    await seed_period(engine)

    f = await queries.figures(start=START, end=END, sla_minutes=SLA, now=NOW, oldest_pending=2)

    # Pending: 20 Nov 09:00 (low_confidence), 23 Nov 13:00, 24 Nov 08:50; the first two shown.
    assert [(p.top_reason, p.created_at) for p in f.oldest_pending] == [
        ("low_confidence", at(20, 9)),
        ("human_request", at(23, 13)),
    ]
    assert f.oldest_pending[1].org_name == "Acme Ltd"
    assert f.oldest_pending[0].permalink is not None
    assert f.oldest_pending[0].permalink.startswith("https://example.slack.com/archives/C5/")


async def test_the_period_before_is_counted_on_its_own(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    await seed_period(engine)

    f = await queries.figures(
        start=BEFORE, end=START, sla_minutes=SLA, now=NOW, top_customers=0, oldest_pending=0
    )

    # 22 Nov: c4 10:00 answered, 10:05 escalated; c5 12:00 and 12:10 answered -> 4 messages,
    # 3 answered, 2 conversations; one escalation, approved after 40 min (past the SLA).
    assert (f.customer_messages, f.answered, f.conversations) == (4, 3, 2)
    assert (f.escalations, f.approved, f.past_sla) == (1, 1, 1)
    assert f.median_seconds_to_action == pytest.approx(2400, abs=0.01)
    assert f.p90_seconds_to_action == pytest.approx(2400, abs=0.01)
    assert (f.thumbs_up, f.thumbs_down) == (0, 1)
    assert f.top_customers == () and f.oldest_pending == ()


async def test_an_empty_period_has_zeroes_and_no_rates(queries: DigestQueries) -> None:
    f = await queries.figures(start=START, end=END, sla_minutes=SLA, now=NOW)

    assert (f.customer_messages, f.conversations, f.escalations, f.acted) == (0, 0, 0, 0)
    assert f.automation_rate is None and f.escalation_rate is None
    assert f.median_seconds_to_action is None and f.p90_seconds_to_action is None
    assert f.reasons == () and f.top_customers == () and f.oldest_pending == ()


async def test_reason_approval_stats_count_all_time_human_decisions(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    await seed_period(engine)

    # Decided (action set), all time: billing approved x3 (23 Nov 08:10, 23:55; 22 Nov) and
    # taken over x1 -> 4 cases, 3 unchanged; churn edited x1 -> 1 case, 0 unchanged.
    # Pending and blocked escalations have no decision and do not count.
    assert await queries.reason_approval_stats(min_cases=1) == [
        ReasonStats("billing_dispute", 4, 3),
        ReasonStats("churn", 1, 0),
    ]
    assert await queries.reason_approval_stats(min_cases=2) == [
        ReasonStats("billing_dispute", 4, 3)
    ]


async def test_daily_series_buckets_by_local_day_across_a_dst_change(
    engine: AsyncEngine, queries: DigestQueries
) -> None:
    # Berlin leaves summer time on Sun 25 Oct 2026: that day lasts 25 hours.
    r = Rows()
    r.conversation(1, "C1", "T1", at(23, 0, month=10))
    r.message(1, at(23, 21, 59, month=10))  # Fri 23 Oct 23:59 CEST: before the first day
    r.message(1, at(24, 21, 59, month=10))  # Sat 24 Oct 23:59 CEST
    r.message(1, at(24, 22, 0, month=10))  # Sun 25 Oct 00:00 CEST
    r.message(1, at(25, 22, 30, month=10))  # Sun 25 Oct 23:30 CET: the 25th hour
    r.message(1, at(25, 23, 0, month=10))  # Mon 26 Oct 00:00 CET
    r.message(1, at(26, 22, 59, month=10))  # Mon 26 Oct 23:59 CET
    r.message(1, at(26, 23, 0, month=10))  # Tue 27 Oct 00:00 CET: after the last day
    r.message(1, at(25, 12, month=10), direction="outbound", author="bot")  # not a customer's
    r.escalation(1, "churn", at(25, 22, 30, month=10), status="pending")  # Sun 25 Oct
    await r.save(engine)

    end = datetime(2026, 10, 26, 23, 0, tzinfo=UTC)  # Tue 27 Oct 00:00 in Berlin
    series = await queries.daily_series(days=3, end=end, tz="Europe/Berlin")

    assert series == [
        DailyCount(date(2026, 10, 24), 1, 0),
        DailyCount(date(2026, 10, 25), 2, 1),
        DailyCount(date(2026, 10, 26), 2, 0),
    ]


def test_day_bounds_are_local_midnights_and_stop_at_end() -> None:
    bounds = day_bounds(days=2, end=datetime(2026, 10, 26, 12, 0, tzinfo=UTC), tz="Europe/Berlin")
    # Sun 25 Oct starts 24 Oct 22:00 UTC (CEST), Mon 26 Oct at 25 Oct 23:00 UTC (CET); the
    # running day counts only up to `end`.
    assert bounds == [
        datetime(2026, 10, 24, 22, tzinfo=UTC),
        datetime(2026, 10, 25, 23, tzinfo=UTC),
        datetime(2026, 10, 26, 12, tzinfo=UTC),
    ]


def test_nearest_rank_offsets() -> None:
    # rank = ceil(p * n / 100), offset = rank - 1
    assert _rank_offset(1, 50) == 0 and _rank_offset(1, 90) == 0
    assert _rank_offset(4, 50) == 1  # rank 2
    assert _rank_offset(5, 50) == 2  # rank 3: the true median of an odd count
    assert _rank_offset(10, 90) == 8  # rank 9
    assert _rank_offset(11, 90) == 9  # rank ceil(9.9) = 10


async def test_a_period_is_claimed_once_however_many_replicas_race(
    queries: DigestQueries,
) -> None:
    results = await asyncio.gather(
        *(queries.claim_period(period="2026-11-23", claimed_by=f"replica-{i}") for i in range(5))
    )

    assert sorted(results) == [False, False, False, False, True]
    assert await queries.claim_period(period="2026-11-23", claimed_by="replica-0") is False
    assert await queries.claim_period(period="2026-11-24", claimed_by="replica-0") is True


async def test_a_stale_unposted_claim_can_be_taken_over_once(queries: DigestQueries) -> None:
    ttl = timedelta(minutes=15)
    assert await queries.claim_period(period="p", claimed_by="a", now=NOW, stale_after=ttl)
    later = NOW + timedelta(minutes=10)
    assert not await queries.claim_period(period="p", claimed_by="b", now=later, stale_after=ttl)

    much_later = NOW + timedelta(minutes=20)
    assert await queries.claim_period(period="p", claimed_by="b", now=much_later, stale_after=ttl)
    assert not await queries.claim_period(
        period="p", claimed_by="c", now=much_later, stale_after=ttl
    )

    await queries.mark_posted(period="p", now=much_later)
    assert await queries.is_posted(period="p")
    hours_later = NOW + timedelta(hours=5)
    assert not await queries.claim_period(
        period="p", claimed_by="c", now=hours_later, stale_after=ttl
    )


async def test_a_released_claim_can_be_claimed_again(queries: DigestQueries) -> None:
    assert await queries.claim_period(period="p", claimed_by="a")
    await queries.release_period(period="p", claimed_by="someone-else")  # not theirs: kept
    assert not await queries.claim_period(period="p", claimed_by="b")

    await queries.release_period(period="p", claimed_by="a")

    assert not await queries.is_posted(period="p")
    assert await queries.claim_period(period="p", claimed_by="b")
