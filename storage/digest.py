"""The digest's figures, computed in SQL so a year of messages never crosses into Python.

Every query runs unchanged on SQLite and PostgreSQL; the one dialect difference (seconds between
two timestamps) is a small compiled construct. Percentiles use the nearest-rank definition: of
n sorted values the p-th percentile is the value at 1-based rank ceil(p * n / 100), fetched
with ORDER BY ... LIMIT 1 OFFSET rank - 1 (so the median of 4 values is the 2nd, not a mean).
"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import (
    Float,
    Table,
    and_,
    case,
    delete,
    func,
    literal_column,
    or_,
    select,
    update,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.selectable import ScalarSelect

from storage.db import rows_changed, session_factory
from storage.store import insert_ignoring_conflict
from storage.tables import Conversation, DigestRun, Escalation, Feedback, Message, utcnow

_MESSAGES = cast(Table, Message.__table__)  # type: ignore[attr-defined]
_CONVERSATIONS = cast(Table, Conversation.__table__)  # type: ignore[attr-defined]
_ESCALATIONS = cast(Table, Escalation.__table__)  # type: ignore[attr-defined]
_FEEDBACK = cast(Table, Feedback.__table__)  # type: ignore[attr-defined]
_RUNS = cast(Table, DigestRun.__table__)  # type: ignore[attr-defined]

_FROZEN = ConfigDict(frozen=True)


class SecondsBetween(FunctionElement[float]):
    """Seconds from the first timestamp to the second, as a float, on either database."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(SecondsBetween)
def _seconds_unsupported(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    raise CompileError(f"SecondsBetween is not written for {compiler.dialect.name}")


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite keeps datetimes as ISO text; julianday() reads it (to ~20 µs, ample for minutes).
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


@compiles(SecondsBetween, "postgresql")
def _seconds_postgresql(element: SecondsBetween, compiler: SQLCompiler, **kw: Any) -> str:
    start, end = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)"


class ReasonFigures(BaseModel):
    """Escalations of one top reason in a period and what humans did with them."""

    model_config = _FROZEN

    reason: str
    escalations: int
    approved: int  # sent unchanged
    edited: int
    taken_over: int
    pending: int  # nobody has acted yet
    past_sla: int


class CustomerVolume(BaseModel):
    """One customer's message count; `name` is their org, else their team id, else channel."""

    model_config = _FROZEN

    key: str
    name: str
    messages: int


class PendingEscalation(BaseModel):
    """An escalation still waiting for a human, with the link an agent needs to act."""

    model_config = _FROZEN

    id: int
    top_reason: str
    org_name: str
    created_at: datetime
    permalink: str | None


class PeriodFigures(BaseModel):
    """What happened in [start, end): volume, automation, escalations and human response."""

    model_config = _FROZEN

    start: datetime
    end: datetime
    sla_minutes: int
    conversations: int  # conversations with at least one customer message in the period
    customer_messages: int
    answered: int  # customer messages the bot answered by itself
    escalations: int  # escalations created in the period
    reasons: tuple[ReasonFigures, ...]  # most escalations first
    acted: int  # escalations of the period a human has acted on
    median_seconds_to_action: float | None
    p90_seconds_to_action: float | None
    thumbs_up: int
    thumbs_down: int
    top_customers: tuple[CustomerVolume, ...]
    oldest_pending: tuple[PendingEscalation, ...]  # across all time, oldest first

    @property
    def automation_rate(self) -> float | None:
        """Share of customer messages answered without a human (None when there were none)."""
        return self.answered / self.customer_messages if self.customer_messages else None

    @property
    def escalation_rate(self) -> float | None:
        """Escalations per customer message (None when there were none)."""
        return self.escalations / self.customer_messages if self.customer_messages else None

    @property
    def approved(self) -> int:
        """Escalations whose draft a human sent unchanged."""
        return sum(r.approved for r in self.reasons)

    @property
    def edited(self) -> int:
        """Escalations whose draft a human edited before sending."""
        return sum(r.edited for r in self.reasons)

    @property
    def taken_over(self) -> int:
        """Escalations a human took over."""
        return sum(r.taken_over for r in self.reasons)

    @property
    def pending(self) -> int:
        """Escalations of the period nobody has acted on yet."""
        return sum(r.pending for r in self.reasons)

    @property
    def past_sla(self) -> int:
        """Escalations first acted on after the SLA, or still pending past it."""
        return sum(r.past_sla for r in self.reasons)


class DailyCount(NamedTuple):
    """One local day's customer messages and escalations."""

    day: date
    messages: int
    escalations: int


class ReasonStats(NamedTuple):
    """All-time human decisions on one reason: how many, and how many sent unchanged."""

    reason: str
    total: int
    unchanged: int


def day_bounds(*, days: int, end: datetime, tz: str) -> list[datetime]:
    """Local midnights (as UTC) bounding `days` days; the last day is the one holding `end`."""
    zone = ZoneInfo(tz)
    last = (end - timedelta(microseconds=1)).astimezone(zone).date()
    first = last - timedelta(days=days - 1)
    bounds = [local_midnight(first + timedelta(days=i), zone) for i in range(days + 1)]
    bounds[-1] = min(bounds[-1], end)  # a day still running counts up to `end` only
    return bounds


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant a local day starts, in UTC (DST-safe: computed per day, not by adding 24 h)."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(ZoneInfo("UTC"))


def _rank_offset(count: int, percent: int) -> int:
    """Zero-based OFFSET of the nearest-rank percentile among `count` sorted values."""
    return max(1, -(-percent * count // 100)) - 1


class DigestQueries:
    """Read the digest's figures and claim digest periods; each method is one connection."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessions = session_factory(engine)

    async def figures(
        self,
        *,
        start: datetime,
        end: datetime,
        sla_minutes: int,
        top_customers: int = 5,
        oldest_pending: int = 5,
        now: datetime | None = None,
    ) -> PeriodFigures:
        """Compute every figure of one period (pass 0 to skip customers or pending)."""
        now = now or utcnow()
        async with self.engine.connect() as conn:
            volume = await self._volume(conn, start, end)
            reasons = await self._reasons(conn, start, end, sla_minutes, now)
            acted, median, p90 = await self._time_to_action(conn, start, end)
            up, down = await self._feedback(conn, start, end)
            customers = await self._customers(conn, start, end, top_customers)
            pending = await self._oldest_pending(conn, oldest_pending)
        return PeriodFigures(
            start=start,
            end=end,
            sla_minutes=sla_minutes,
            conversations=volume[0],
            customer_messages=volume[1],
            answered=volume[2],
            escalations=sum(r.escalations for r in reasons),
            reasons=reasons,
            acted=acted,
            median_seconds_to_action=median,
            p90_seconds_to_action=p90,
            thumbs_up=up,
            thumbs_down=down,
            top_customers=customers,
            oldest_pending=pending,
        )

    @staticmethod
    def _customer_messages(start: datetime, end: datetime) -> ColumnElement[bool]:
        m = _MESSAGES.c
        return and_(
            m.direction == "inbound",
            m.author_kind == "customer",
            m.created_at >= start,
            m.created_at < end,
        )

    async def _volume(
        self, conn: AsyncConnection, start: datetime, end: datetime
    ) -> tuple[int, int, int]:
        m = _MESSAGES.c
        statement = select(
            func.count(func.distinct(m.conversation_id)),
            func.count(),
            func.coalesce(func.sum(case((m.status == "answered", 1), else_=0)), 0),
        ).where(self._customer_messages(start, end))
        row = (await conn.execute(statement)).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def _reasons(
        self, conn: AsyncConnection, start: datetime, end: datetime, sla: int, now: datetime
    ) -> tuple[ReasonFigures, ...]:
        e = _ESCALATIONS.c
        late_action = and_(
            e.first_action_at.is_not(None),
            SecondsBetween(e.created_at, e.first_action_at) > sla * 60,
        )
        still_waiting = e.status == "pending"
        late_waiting = and_(
            e.first_action_at.is_(None), still_waiting, e.created_at < now - timedelta(minutes=sla)
        )

        def tally(condition: ColumnElement[bool]) -> ColumnElement[int]:
            return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

        statement = (
            select(
                e.top_reason,
                func.count().label("n"),
                tally(e.action == "approved"),
                tally(e.action == "edited"),
                tally(e.action == "taken_over"),
                tally(and_(still_waiting, e.action.is_(None))),
                tally(or_(late_action, late_waiting)),
            )
            .where(e.created_at >= start, e.created_at < end)
            .group_by(e.top_reason)
            .order_by(literal_column("n").desc(), e.top_reason)
        )
        rows = (await conn.execute(statement)).all()
        return tuple(
            ReasonFigures(
                reason=row[0],
                escalations=int(row[1]),
                approved=int(row[2]),
                edited=int(row[3]),
                taken_over=int(row[4]),
                pending=int(row[5]),
                past_sla=int(row[6]),
            )
            for row in rows
        )

    async def _time_to_action(
        self, conn: AsyncConnection, start: datetime, end: datetime
    ) -> tuple[int, float | None, float | None]:
        e = _ESCALATIONS.c
        where = (e.created_at >= start, e.created_at < end, e.first_action_at.is_not(None))
        count = int((await conn.execute(select(func.count()).where(*where))).scalar_one())
        if not count:
            return 0, None, None
        delay = SecondsBetween(e.created_at, e.first_action_at)
        values: list[float] = []
        for percent in (50, 90):
            statement = (select(delay).where(*where).order_by(delay, e.id).limit(1)).offset(
                _rank_offset(count, percent)
            )
            values.append(round(float((await conn.execute(statement)).scalar_one()), 3))
        return count, values[0], values[1]

    async def _feedback(
        self, conn: AsyncConnection, start: datetime, end: datetime
    ) -> tuple[int, int]:
        f = _FEEDBACK.c
        statement = select(
            func.coalesce(func.sum(case((f.value > 0, 1), else_=0)), 0),
            func.coalesce(func.sum(case((f.value < 0, 1), else_=0)), 0),
        ).where(f.created_at >= start, f.created_at < end)
        row = (await conn.execute(statement)).one()
        return int(row[0]), int(row[1])

    async def _customers(
        self, conn: AsyncConnection, start: datetime, end: datetime, limit: int
    ) -> tuple[CustomerVolume, ...]:
        if limit <= 0:
            return ()
        m, c = _MESSAGES.c, _CONVERSATIONS.c
        # Count per conversation from the covering index first: one join per conversation,
        # not one per message.
        per_conversation = (
            select(m.conversation_id.label("id"), func.count().label("n"))
            .where(self._customer_messages(start, end))
            .group_by(m.conversation_id)
            .subquery()
        )
        key = func.coalesce(c.customer_team_id, c.channel_id).label("key")
        total = func.sum(per_conversation.c.n).label("n")
        statement = (
            select(key, total)
            .select_from(per_conversation.join(_CONVERSATIONS, c.id == per_conversation.c.id))
            .group_by(key)
            .order_by(total.desc(), key)
            .limit(limit)
        )
        counts = [(str(row[0]), int(row[1])) for row in (await conn.execute(statement)).all()]
        names = await self._org_names(conn, [k for k, _ in counts])
        return tuple(CustomerVolume(key=k, name=names.get(k, k), messages=n) for k, n in counts)

    async def _org_names(self, conn: AsyncConnection, keys: list[str]) -> dict[str, str]:
        """Name each customer key after its escalations' org (the last one alphabetically)."""
        if not keys:
            return {}
        e, c = _ESCALATIONS.c, _CONVERSATIONS.c
        key = func.coalesce(c.customer_team_id, c.channel_id)
        # Two plain IN lists let both indexes serve; keys matched the other way are dropped.
        statement = (
            select(key.label("key"), func.max(e.org_name))
            .select_from(_ESCALATIONS.join(_CONVERSATIONS, c.id == e.conversation_id))
            .where(e.org_name != "", or_(c.customer_team_id.in_(keys), c.channel_id.in_(keys)))
            .group_by(key)
        )
        rows = (await conn.execute(statement)).all()
        return {str(row[0]): str(row[1]) for row in rows if row[0] in keys}

    async def _oldest_pending(
        self, conn: AsyncConnection, limit: int
    ) -> tuple[PendingEscalation, ...]:
        if limit <= 0:
            return ()
        e = _ESCALATIONS.c
        statement = (
            select(e.id, e.top_reason, e.org_name, e.created_at, e.permalink)
            .where(e.status == "pending")
            .order_by(e.created_at, e.id)
            .limit(limit)
        )
        return tuple(
            PendingEscalation(
                id=row.id,
                top_reason=row.top_reason,
                org_name=row.org_name,
                created_at=row.created_at,
                permalink=row.permalink,
            )
            for row in (await conn.execute(statement)).all()
        )

    async def daily_series(self, *, days: int, end: datetime, tz: str) -> list[DailyCount]:
        """Customer messages and escalations per local day, for `days` days up to `end`."""
        bounds = day_bounds(days=days, end=end, tz=tz)
        zone = ZoneInfo(tz)
        m, e = _MESSAGES.c, _ESCALATIONS.c
        counts: list[ScalarSelect[int]] = []
        # One COUNT per day and table, all in one statement: each is an index range count,
        # which both databases do far faster than bucketing every row with a CASE.
        for low, high in itertools.pairwise(bounds):
            messages = and_(m.direction == "inbound", m.author_kind == "customer")
            counts.append(
                select(func.count())
                .where(messages, m.created_at >= low, m.created_at < high)
                .scalar_subquery()
            )
            counts.append(
                select(func.count())
                .where(e.created_at >= low, e.created_at < high)
                .scalar_subquery()
            )
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(*counts))).one()
        return [
            DailyCount(bounds[i].astimezone(zone).date(), int(row[2 * i]), int(row[2 * i + 1]))
            for i in range(days)
        ]

    async def reason_approval_stats(self, *, min_cases: int) -> list[ReasonStats]:
        """Per reason with at least `min_cases` human decisions, all time: total and unchanged."""
        e = _ESCALATIONS.c
        total = func.count()
        statement = (
            select(
                e.top_reason,
                total,
                func.coalesce(func.sum(case((e.action == "approved", 1), else_=0)), 0),
            )
            .where(e.action.is_not(None))
            .group_by(e.top_reason)
            .having(total >= min_cases)
            .order_by(e.top_reason)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(statement)).all()
        return [ReasonStats(str(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def claim_period(
        self,
        *,
        period: str,
        claimed_by: str,
        now: datetime | None = None,
        stale_after: timedelta | None = None,
    ) -> bool:
        """Claim a period's digest; true for exactly one caller however many replicas race.

        With `stale_after`, a claim that old and never posted (its replica died mid-way) may be
        taken over, again by one conditional UPDATE whose row count names the single winner.
        """
        now = now or utcnow()
        values = {"period": period, "claimed_by": claimed_by, "claimed_at": now}
        async with self.sessions.begin() as session:
            if await insert_ignoring_conflict(session, DigestRun, values):
                return True
            if stale_after is None:
                return False
            r = _RUNS.c
            result = await session.execute(
                update(_RUNS)
                .where(
                    r.period == period,
                    r.posted_at.is_(None),
                    r.claimed_at < now - stale_after,
                )
                .values(claimed_by=claimed_by, claimed_at=now)
            )
            return rows_changed(result) > 0

    async def release_period(self, *, period: str, claimed_by: str) -> None:
        """Give up an unposted claim (posting failed) so a later attempt may claim it again."""
        r = _RUNS.c
        async with self.sessions.begin() as session:
            await session.execute(
                delete(_RUNS).where(
                    r.period == period, r.claimed_by == claimed_by, r.posted_at.is_(None)
                )
            )

    async def mark_posted(self, *, period: str, now: datetime | None = None) -> None:
        """Record that a claimed period's digest went out."""
        async with self.sessions.begin() as session:
            await session.execute(
                update(_RUNS).where(_RUNS.c.period == period).values(posted_at=now or utcnow())
            )

    async def is_posted(self, *, period: str) -> bool:
        """Tell whether a period's digest has been posted."""
        r = _RUNS.c
        statement = select(func.count()).where(r.period == period, r.posted_at.is_not(None))
        async with self.engine.connect() as conn:
            return bool((await conn.execute(statement)).scalar_one())
