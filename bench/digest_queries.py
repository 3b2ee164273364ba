"""Time the digest's queries on a large generated history, on SQLite and on PostgreSQL.

    python bench/digest_queries.py [--rows 1000000] [--db sqlite|postgres|both]

Generates `rows` messages in rows/10 conversations over 90 days (half of them customer messages,
15 % of those escalated, humans acting on most escalations, thumbs on some answers), then runs
the queries one daily digest makes (this period, the period before, a 14-day series, all-time
approval stats) and prints each one's time. SQLite uses a file in a temporary directory;
PostgreSQL a schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlmodel import SQLModel

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import create_schema, make_engine
from storage.digest import DigestQueries

POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1/test")
TODAY = datetime(2026, 11, 24, tzinfo=UTC)
SPAN_DAYS = 90
CHUNK = 20_000
SLA_MINUTES = 15
TARGET_SECONDS = 1.0
REASONS = (
    ("low_confidence", 20),
    ("billing_dispute", 14),
    ("churn", 12),
    ("human_request", 10),
    ("frustration", 9),
    ("complaint", 8),
    ("money_offer", 6),
    ("anger", 5),
    ("repeated_contact", 4),
    ("unresolved", 4),
    ("high_value", 3),
    ("legal", 2),
    ("model", 1),
    ("ai_unavailable", 1),
    ("review", 1),
)
OUTCOMES = (("approved", 50), ("edited", 20), ("taken_over", 20), ("pending", 5), ("blocked", 5))


COLUMNS = {
    "conversations": (
        "id", "channel_id", "thread_ts", "customer_user_id", "customer_team_id", "state",
        "created_at", "updated_at",
    ),
    "messages": (
        "id", "conversation_id", "channel_id", "ts", "direction", "author_kind", "author_user_id",
        "kind", "text", "status", "created_at",
    ),
    "escalations": (
        "conversation_id", "status", "top_reason", "reasons", "score", "draft", "summary",
        "action", "permalink", "org_name", "review_only", "customer_message_id", "created_at",
        "first_action_at", "sent_at",
    ),
    "feedback": ("conversation_id", "channel_id", "message_ts", "user_id", "value", "created_at"),
}  # fmt: skip
Row = tuple[Any, ...]


def generate(rows: int, seed: int = 7) -> dict[str, list[Row]]:
    """Build every row in memory, as tuples in COLUMNS order, ids rising with time as in life."""
    rnd = random.Random(seed)
    begin = TODAY - timedelta(days=SPAN_DAYS)
    span = SPAN_DAYS * 86400 - 7200
    conversations = max(1, rows // 10)
    opened = sorted(begin + timedelta(seconds=rnd.random() * span) for _ in range(conversations))
    data: dict[str, list[Row]] = {name: [] for name in COLUMNS}
    messages: list[Row] = []
    for cid, at in enumerate(opened, start=1):
        org = int(rnd.random() * 400)
        channel, user = f"C{org:05d}", f"U{org:05d}"
        team = f"T{org:05d}" if org % 5 else None  # a fifth of the customers are not Connect
        data["conversations"].append((cid, channel, f"{cid}.000000", user, team, "open", at, at))
        count = rows // conversations + (1 if cid <= rows % conversations else 0)
        for n in range(count):
            at += timedelta(seconds=20 + rnd.random() * 580)
            ts = f"{cid}.{n:06d}"
            if n % 2:
                messages.append(
                    (at, cid, channel, ts, "outbound", "bot", "U_BOT", "answer", "Here it is",
                     "done", org)
                )  # fmt: skip
                continue
            draw = rnd.random()
            status = "answered" if draw < 0.8 else "escalated" if draw < 0.95 else "held"
            messages.append(
                (at, cid, channel, ts, "inbound", "customer", user, "text", "My bill is wrong",
                 status, org)
            )  # fmt: skip
    messages.sort(key=lambda row: row[0])
    reasons = [r for r, w in REASONS for _ in range(w)]
    outcomes = [o for o, w in OUTCOMES for _ in range(w)]
    for mid, (at, cid, channel, ts, direction, *rest, status, org) in enumerate(messages, 1):
        data["messages"].append((mid, cid, channel, ts, direction, *rest, status, at))
        if status == "escalated":
            data["escalations"].append(_escalation(rnd, cid, mid, at, org, reasons, outcomes))
        elif direction == "outbound" and rnd.random() < 0.05:
            value = 1 if rnd.random() < 0.8 else -1
            user = f"U{org:05d}"
            data["feedback"].append((cid, channel, ts, user, value, at + timedelta(seconds=60)))
    return data


def _escalation(
    rnd: random.Random,
    cid: int,
    mid: int,
    at: datetime,
    org: int,
    reasons: list[str],
    outcomes: list[str],
) -> Row:
    outcome = outcomes[int(rnd.random() * len(outcomes))]
    acted = outcome in ("approved", "edited", "taken_over")
    first_action = at + timedelta(seconds=rnd.expovariate(1 / 900)) if acted else None
    return (
        cid,
        outcome,
        reasons[int(rnd.random() * len(reasons))],
        "[]",
        0.8,
        "Draft reply",
        "",
        outcome if acted else None,
        f"https://example.slack.com/archives/C{org:05d}/p{cid}",
        f"Customer {org:03d} Ltd" if org % 3 else "",
        False,
        mid,
        at,
        first_action,
        first_action if outcome in ("approved", "edited") else None,
    )


def _for_sqlite(row: Row) -> Row:
    """Write datetimes as SQLAlchemy's SQLite dialect does, so range comparisons hold."""
    return tuple(v.strftime("%Y-%m-%d %H:%M:%S.%f") if isinstance(v, datetime) else v for v in row)


async def load(engine: AsyncEngine, data: dict[str, list[Row]]) -> None:
    """Insert every row in chunks of multi-row inserts, then refresh the planner's statistics.

    The rows bypass SQLAlchemy's per-value processing (the slow part at a million rows): the
    values are already what the column types would bind. SQLite gets the driver's executemany;
    PostgreSQL one INSERT ... SELECT FROM unnest(arrays) per chunk, a single round trip.
    """
    sqlite = engine.dialect.name == "sqlite"
    for name, columns in COLUMNS.items():
        statement = _insert_statement(engine, name, columns)
        rows = data[name]
        for i in range(0, len(rows), CHUNK):
            chunk = rows[i : i + CHUNK]
            async with engine.begin() as conn:
                if sqlite:
                    await conn.exec_driver_sql(statement, [_for_sqlite(r) for r in chunk])
                else:
                    await conn.exec_driver_sql(
                        statement, tuple(list(c) for c in zip(*chunk, strict=True))
                    )
    async with engine.begin() as conn:
        await conn.exec_driver_sql("ANALYZE")


def _insert_statement(engine: AsyncEngine, name: str, columns: tuple[str, ...]) -> str:
    names = ", ".join(columns)
    if engine.dialect.name == "sqlite":
        return f"INSERT INTO {name} ({names}) VALUES ({', '.join('?' * len(columns))})"
    table = SQLModel.metadata.tables[name]
    arrays = ", ".join(
        f"${i}::{table.c[column].type.compile(dialect=engine.dialect)}[]"
        for i, column in enumerate(columns, start=1)
    )
    return f"INSERT INTO {name} ({names}) SELECT * FROM unnest({arrays})"


async def timed(label: str, call: Callable[[], Awaitable[Any]], runs: int = 3) -> list[float]:
    """Run a query `runs` times; print the first (cold) and the best time in milliseconds."""
    times: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        await call()
        times.append(time.perf_counter() - began)
    print(f"  {label:<44} first {times[0] * 1000:8.1f} ms   best {min(times) * 1000:8.1f} ms")
    return times


async def run_queries(engine: AsyncEngine) -> None:
    """Time the queries of one daily digest, then of a 30-day one, and say if the target holds."""
    queries = DigestQueries(engine)
    day_start, day_end = TODAY - timedelta(days=1), TODAY
    now = TODAY + timedelta(hours=9)
    runs = [
        await timed(
            "figures, yesterday (+ customers, pending)",
            lambda: queries.figures(start=day_start, end=day_end, sla_minutes=SLA_MINUTES, now=now),
        ),
        await timed(
            "figures, the day before",
            lambda: queries.figures(
                start=day_start - timedelta(days=1),
                end=day_start,
                sla_minutes=SLA_MINUTES,
                top_customers=0,
                oldest_pending=0,
                now=now,
            ),
        ),
        await timed(
            "daily series, 14 days",
            lambda: queries.daily_series(days=14, end=day_end, tz="Europe/Berlin"),
        ),
        await timed(
            "reason approval stats, all time",
            lambda: queries.reason_approval_stats(min_cases=50),
        ),
    ]
    first = sum(r[0] for r in runs)
    best = sum(min(r) for r in runs)
    verdict = "met" if first < TARGET_SECONDS else "MISSED"
    print(
        f"  {'daily digest, all queries':<44} first {first * 1000:8.1f} ms   "
        f"best {best * 1000:8.1f} ms   (target < {TARGET_SECONDS:.0f} s: {verdict})"
    )
    day = await queries.figures(start=day_start, end=day_end, sla_minutes=SLA_MINUTES, now=now)
    print(
        f"  (yesterday: {day.customer_messages:,} customer messages, {day.escalations:,} "
        f"escalations, median to action {day.median_seconds_to_action} s)"
    )
    await timed(
        "figures, last 30 days (/hitl digest 30)",
        lambda: queries.figures(
            start=TODAY - timedelta(days=30), end=day_end, sla_minutes=SLA_MINUTES, now=now
        ),
    )


async def bench_sqlite(data: dict[str, list[Row]]) -> None:
    """Load and time a SQLite file in a temporary directory."""
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite+aiosqlite:///{folder}/bench.db")
        try:
            await create_schema(engine)
            began = time.perf_counter()
            await load(engine, data)
            print(f"SQLite: loaded in {time.perf_counter() - began:.1f} s")
            await run_queries(engine)
        finally:
            await engine.dispose()


async def bench_postgres(data: dict[str, list[Row]]) -> None:
    """Load and time PostgreSQL in a schema of its own, dropped afterwards."""
    schema = f"bench_digest_{os.getpid()}"
    admin = create_async_engine(POSTGRES_URL)
    async with admin.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(POSTGRES_URL, search_path=schema)
    try:
        await create_schema(engine)
        began = time.perf_counter()
        await load(engine, data)
        print(f"PostgreSQL: loaded in {time.perf_counter() - began:.1f} s")
        await run_queries(engine)
    finally:
        await engine.dispose()
        async with admin.begin() as conn:
            await conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        await admin.dispose()


async def main(argv: list[str] | None = None) -> None:
    """Parse the options, generate the history once, then bench each database asked for."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="messages to generate")
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    data = generate(args.rows)
    print(
        f"Generated {len(data['messages']):,} messages in {len(data['conversations']):,} "
        f"conversations, {len(data['escalations']):,} escalations, "
        f"{len(data['feedback']):,} feedback rows in {time.perf_counter() - began:.1f} s"
    )
    if args.db in ("sqlite", "both"):
        await bench_sqlite(data)
    if args.db in ("postgres", "both"):
        await bench_postgres(data)


if __name__ == "__main__":
    asyncio.run(main())
