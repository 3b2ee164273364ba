"""The digest post as a manager reads it, kept inside Block Kit's limits whatever the figures."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.chart import render_chart
from bot.digest_blocks import (
    DigestFigures,
    build_digest,
    duration,
    stop_candidates,
)
from storage.digest import (
    CustomerVolume,
    DailyCount,
    PendingEscalation,
    PeriodFigures,
    ReasonFigures,
    ReasonStats,
)

START = datetime(2026, 11, 23, tzinfo=UTC)
AS_OF = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def period(**overrides: Any) -> PeriodFigures:
    values: dict[str, Any] = {
        "start": START,
        "end": START + timedelta(days=1),
        "sla_minutes": 15,
        "conversations": 120,
        "customer_messages": 340,
        "answered": 245,
        "escalations": 41,
        "reasons": (
            ReasonFigures(
                reason="billing_dispute",
                escalations=25,
                approved=15,
                edited=5,
                taken_over=3,
                pending=2,
                past_sla=4,
            ),
            ReasonFigures(
                reason="churn",
                escalations=16,
                approved=5,
                edited=3,
                taken_over=3,
                pending=5,
                past_sla=0,
            ),
        ),
        "acted": 34,
        "median_seconds_to_action": 372.0,
        "p90_seconds_to_action": 1500.0,
        "thumbs_up": 14,
        "thumbs_down": 2,
        "top_customers": (
            CustomerVolume(key="T_ACME", name="Acme & Sons <Ltd>", messages=45),
            CustomerVolume(key="C_GLOBEX", name="C_GLOBEX", messages=30),
        ),
        "oldest_pending": (
            PendingEscalation(
                id=7,
                top_reason="churn",
                org_name="Acme & Sons <Ltd>",
                created_at=AS_OF - timedelta(hours=3, minutes=12),
                permalink="https://example.slack.com/archives/C_ACME/p1",
            ),
        ),
    }
    values.update(overrides)
    return PeriodFigures(**values)


def figures(**overrides: Any) -> DigestFigures:
    values: dict[str, Any] = {
        "period_label": "Mon 23 Nov 2026",
        "timezone": "Europe/Berlin",
        "as_of": AS_OF,
        "current": period(),
        "previous": period(
            start=START - timedelta(days=1),
            end=START,
            conversations=110,
            customer_messages=320,
            answered=240,
            escalations=45,
            median_seconds_to_action=600.0,
            reasons=(),
            thumbs_up=10,
            thumbs_down=3,
            top_customers=(),
            oldest_pending=(),
        ),
    }
    values.update(overrides)
    return DigestFigures(**values)


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def field_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [f["text"] for b in blocks if "fields" in b for f in b["fields"]]


def test_headline_shows_each_number_with_its_change_against_the_day_before() -> None:
    text, blocks = build_digest(figures(), period_label="Mon 23 Nov 2026")

    fields = field_texts(blocks)
    assert blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Support digest · Mon 23 Nov 2026", "emoji": True},
    }
    # 120 - 110 = +10 conversations; 340 - 320 = +20 messages.
    assert "*Conversations*\n120   _▲ +10_" in fields
    assert "*Customer messages*\n340   _▲ +20_" in fields
    # 245 / 340 = 72.06 % against 240 / 320 = 75 %: -2.9 percentage points.
    assert "*Answered without a human*\n72% (245)   _▼ −2.9 pp_" in fields
    # 41 / 340 = 12.06 %; 41 - 45 = -4.
    assert "*Escalations*\n41 (12% of messages)   _▼ −4_" in fields
    # 372 s = 6 min (median), 1500 s = 25 min (p90); 372 - 600 = -228 s = 3 min faster.
    assert "*Time to first human action*\nmedian 6 min · p90 25 min   _▼ −3 min_" in fields
    # Past SLA: 4 + 0 = 4 now; the previous period has no reasons, so 0 -> +4.
    assert "*Past the 15-min SLA*\n4   _▲ +4_" in fields
    assert any("20 approved as is · 8 edited · 6 taken over · 7 pending" in f for f in fields)
    assert any("👍 14 · 👎 2" in f for f in fields)
    assert text.startswith("Support digest for Mon 23 Nov 2026: 340 customer messages")
    assert "72% answered without a human" in text


def test_each_reason_gets_a_line_with_its_outcomes() -> None:
    _, blocks = build_digest(figures(), period_label="Mon 23 Nov 2026")

    body = texts(blocks)
    assert (
        "• *Billing dispute* 25: 15 approved as is · 5 edited · 3 taken over · 2 pending"
        " · 4 past SLA"
    ) in body
    assert "• *Churn risk* 16: 5 approved as is · 3 edited · 3 taken over · 5 pending" in body


def test_oldest_pending_link_to_their_thread_with_escaped_names() -> None:
    _, blocks = build_digest(figures(), period_label="Mon 23 Nov 2026")

    body = texts(blocks)
    assert (
        "<https://example.slack.com/archives/C_ACME/p1|Acme &amp; Sons &lt;Ltd&gt;>"
        " · Churn risk · waiting 3 h 12 min"
    ) in body
    assert "1. Acme &amp; Sons &lt;Ltd&gt;: 45 messages" in body
    assert "<Ltd>" not in body


def test_a_reason_approved_unchanged_almost_always_is_named_as_a_candidate() -> None:
    stats = [
        ReasonStats("human_request", 60, 58),  # 96.7 % of 60: a candidate
        ReasonStats("billing_dispute", 100, 94),  # 94 %: not quite
        ReasonStats("churn", 49, 49),  # 100 % but only 49 cases
        ReasonStats("legal", 50, 48),  # exactly 96 % of exactly 50: a candidate
    ]
    candidates = stop_candidates(stats)
    assert [c.reason for c in candidates] == ["human_request", "legal"]

    _, blocks = build_digest(figures(stop_candidates=candidates), period_label="Mon 23 Nov 2026")
    body = texts(blocks)
    assert "Candidates to stop escalating" in body
    assert "the operator decides" in body
    assert "*Asked for a person*: agents sent the draft unchanged in 58 of 60 cases (97%)" in body


def test_no_candidate_line_without_candidates() -> None:
    _, blocks = build_digest(figures(), period_label="Mon 23 Nov 2026")

    assert "stop escalating" not in texts(blocks)


def test_an_empty_day_reads_as_such_instead_of_dividing_by_zero() -> None:
    empty = period(
        conversations=0, customer_messages=0, answered=0, escalations=0, reasons=(), acted=0,
        median_seconds_to_action=None, p90_seconds_to_action=None, thumbs_up=0, thumbs_down=0,
        top_customers=(), oldest_pending=(),
    )  # fmt: skip
    text, blocks = build_digest(
        figures(current=empty, previous=empty), period_label="Sun 22 Nov 2026"
    )

    body = texts(blocks)
    assert "*Answered without a human*\\nn/a (0)   _no comparison_" in body
    assert "median n/a · p90 n/a" in body
    assert "No escalations in this period." in body
    assert "Nothing is waiting for a human." in body
    assert "No customer messages in this period." in body
    assert "0 customer messages" in text


def test_blocks_stay_within_block_kit_limits_whatever_the_input() -> None:
    many_reasons = tuple(
        ReasonFigures(
            reason=f"reason_{i}_" + "x" * 200, escalations=i, approved=i, edited=0,
            taken_over=0, pending=0, past_sla=0,
        )
        for i in range(60)
    )  # fmt: skip
    long_name = "N" * 5000
    pending = tuple(
        PendingEscalation(
            id=i, top_reason="churn", org_name=long_name, created_at=AS_OF,
            permalink="https://example.slack.com/" + "p" * 500,
        )
        for i in range(5)
    )  # fmt: skip
    big = period(
        reasons=many_reasons,
        oldest_pending=pending,
        top_customers=(CustomerVolume(key="T", name=long_name, messages=1),),
    )
    text, blocks = build_digest(figures(current=big), period_label="L" * 400)

    assert text and len(text) <= 3000
    assert len(blocks) <= 50
    for block in blocks:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section" and "text" in block:
            assert len(block["text"]["text"]) <= 3000
        if "fields" in block:
            assert len(block["fields"]) <= 10
            assert all(len(f["text"]) <= 2000 for f in block["fields"])


def test_durations_read_the_way_people_say_them() -> None:
    assert duration(None) == "n/a"
    assert duration(45) == "45 s"
    assert duration(372) == "6 min"
    assert duration(3600) == "1 h"
    assert duration(4320) == "1 h 12 min"
    assert duration(2 * 86400 + 3 * 3600 + 59) == "2 d 3 h"
    assert duration(-120) == "-2 min"


def test_deltas_compare_with_the_period_before() -> None:
    deltas = figures().deltas

    assert (deltas.conversations, deltas.customer_messages, deltas.escalations) == (10, 20, -4)
    assert deltas.automation_rate is not None
    assert round(deltas.automation_rate, 2) == -2.94  # 72.06 % - 75 %
    assert deltas.median_seconds_to_action == -228.0
    assert (deltas.thumbs_up, deltas.thumbs_down) == (4, -1)


def test_chart_is_a_png() -> None:
    series = [DailyCount(date(2026, 11, 10) + timedelta(days=i), 100 + i, i % 3) for i in range(14)]
    series[2] = DailyCount(series[2].day, 0, 0)  # a day without messages has no rate

    png = render_chart(series)

    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(png) > 5000
