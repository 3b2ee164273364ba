"""The digest post: the figures a manager reads in ten seconds, as one pure Block Kit builder."""

from __future__ import annotations

from datetime import datetime

from pydantic import computed_field

from bot.blocks import FALLBACK_LIMIT, Block, context, fit, header, section
from bot.cards import reason_label
from bot.models import Frozen
from bot.mrkdwn import escape, link, truncate
from storage.digest import PeriodFigures, ReasonStats

FIELD_LIMIT = 2000  # Slack's limit for one section field
STOP_MIN_CASES = 50
STOP_MIN_UNCHANGED = 0.95


class Deltas(Frozen):
    """This period minus the one before; rates in percentage points, times in seconds."""

    conversations: int
    customer_messages: int
    automation_rate: float | None
    escalations: int
    escalation_rate: float | None
    median_seconds_to_action: float | None
    past_sla: int
    thumbs_up: int
    thumbs_down: int


def _difference(now: float | None, before: float | None, scale: float = 1.0) -> float | None:
    return None if now is None or before is None else (now - before) * scale


class DigestFigures(Frozen):
    """Everything the digest shows: this period, the one before, and all-time approval stats."""

    period_label: str  # for people, e.g. "Mon 23 Nov 2026"
    timezone: str
    as_of: datetime
    current: PeriodFigures
    previous: PeriodFigures
    stop_candidates: tuple[ReasonStats, ...] = ()

    @computed_field  # type: ignore[prop-decorator]
    @property
    def deltas(self) -> Deltas:
        """The change against the period before."""
        now, before = self.current, self.previous
        return Deltas(
            conversations=now.conversations - before.conversations,
            customer_messages=now.customer_messages - before.customer_messages,
            automation_rate=_difference(now.automation_rate, before.automation_rate, 100.0),
            escalations=now.escalations - before.escalations,
            escalation_rate=_difference(now.escalation_rate, before.escalation_rate, 100.0),
            median_seconds_to_action=_difference(
                now.median_seconds_to_action, before.median_seconds_to_action
            ),
            past_sla=now.past_sla - before.past_sla,
            thumbs_up=now.thumbs_up - before.thumbs_up,
            thumbs_down=now.thumbs_down - before.thumbs_down,
        )


def stop_candidates(
    stats: list[ReasonStats],
    *,
    min_cases: int = STOP_MIN_CASES,
    min_unchanged: float = STOP_MIN_UNCHANGED,
) -> tuple[ReasonStats, ...]:
    """Reasons agents approve unchanged almost always: a hint for the operator, not a rule."""
    return tuple(
        s for s in stats if s.total >= min_cases and s.unchanged >= min_unchanged * s.total
    )


def duration(seconds: float | None) -> str:
    """Say a wait the way people do: 45 s, 6 min, 1 h 12 min, 2 d 3 h."""
    if seconds is None:
        return "n/a"
    whole = round(abs(seconds))
    if whole < 60:
        text = f"{whole} s"
    elif whole < 3600:
        text = f"{whole // 60} min"
    elif whole < 86400:
        hours, minutes = divmod(whole // 60, 60)
        text = f"{hours} h {minutes} min" if minutes else f"{hours} h"
    else:
        days, hours = divmod(whole // 3600, 24)
        text = f"{days} d {hours} h" if hours else f"{days} d"
    return f"-{text}" if seconds < 0 and whole else text


def percent(rate: float | None) -> str:
    """A share as a whole percentage, or n/a when there was nothing to divide."""
    return "n/a" if rate is None else f"{rate * 100:.0f}%"


def count_change(delta: int) -> str:
    """A signed count change; the arrow lets the eye find it."""
    if delta == 0:
        return "no change"
    return f"▲ +{delta}" if delta > 0 else f"▼ −{-delta}"


def points_change(delta: float | None) -> str:
    """A signed change of a rate, in percentage points."""
    if delta is None:
        return "no comparison"
    if round(delta, 1) == 0:
        return "no change"
    return f"▲ +{delta:.1f} pp" if delta > 0 else f"▼ −{-delta:.1f} pp"


def time_change(delta: float | None) -> str:
    """A signed change of a duration."""
    if delta is None:
        return "no comparison"
    if round(delta) == 0:
        return "no change"
    return f"▲ +{duration(delta)}" if delta > 0 else f"▼ −{duration(-delta)}"


def _field(title: str, value: str, change: str) -> Block:
    text = f"*{title}*\n{value}   _{change}_"
    return {"type": "mrkdwn", "text": truncate(text, FIELD_LIMIT)}


def _headline(figures: DigestFigures) -> Block:
    now, delta = figures.current, figures.deltas
    fields = [
        _field("Conversations", f"{now.conversations}", count_change(delta.conversations)),
        _field(
            "Customer messages", f"{now.customer_messages}", count_change(delta.customer_messages)
        ),
        _field(
            "Answered without a human",
            f"{percent(now.automation_rate)} ({now.answered})",
            points_change(delta.automation_rate),
        ),
        _field(
            "Escalations",
            f"{now.escalations} ({percent(now.escalation_rate)} of messages)",
            count_change(delta.escalations),
        ),
        _field(
            "Time to first human action",
            f"median {duration(now.median_seconds_to_action)}"
            f" · p90 {duration(now.p90_seconds_to_action)}",
            time_change(delta.median_seconds_to_action),
        ),
        _field(
            f"Past the {now.sla_minutes}-min SLA", f"{now.past_sla}", count_change(delta.past_sla)
        ),
        _field(
            "Outcomes",
            f"{now.approved} approved as is · {now.edited} edited · "
            f"{now.taken_over} taken over · {now.pending} pending",
            f"of {now.escalations}",
        ),
        _field(
            "Feedback on automatic answers",
            f"👍 {now.thumbs_up} · 👎 {now.thumbs_down}",
            f"{count_change(delta.thumbs_up)} / {count_change(delta.thumbs_down)}",
        ),
    ]
    return {"type": "section", "fields": fields}


def _reason_lines(figures: DigestFigures) -> str:
    if not figures.current.reasons:
        return "*By reason*\nNo escalations in this period."
    lines = ["*By reason*"]
    for r in figures.current.reasons:
        lines.append(
            f"• *{escape(reason_label(r.reason))}* {r.escalations}: {r.approved} approved as is"
            f" · {r.edited} edited · {r.taken_over} taken over · {r.pending} pending"
            + (f" · {r.past_sla} past SLA" if r.past_sla else "")
        )
    return "\n".join(lines)


def _pending_lines(figures: DigestFigures) -> str:
    pending = figures.current.oldest_pending
    if not pending:
        return "*Oldest pending*\nNothing is waiting for a human. :white_check_mark:"
    lines = ["*Oldest pending*"]
    for p in pending:
        name = p.org_name or f"Escalation {p.id}"
        waited = duration((figures.as_of - p.created_at).total_seconds())
        lines.append(
            f"• {link(p.permalink or '', name)} · {escape(reason_label(p.top_reason))}"
            f" · waiting {waited}"
        )
    return "\n".join(lines)


def _customer_lines(figures: DigestFigures) -> str:
    customers = figures.current.top_customers
    if not customers:
        return "*Busiest customers*\nNo customer messages in this period."
    lines = ["*Busiest customers*"]
    for i, c in enumerate(customers, start=1):
        noun = "message" if c.messages == 1 else "messages"
        lines.append(f"{i}. {escape(c.name)}: {c.messages} {noun}")
    return "\n".join(lines)


def _candidate_lines(figures: DigestFigures) -> str | None:
    if not figures.stop_candidates:
        return None
    lines = [":bulb: *Candidates to stop escalating* (all time; the operator decides)"]
    for s in figures.stop_candidates:
        share = s.unchanged / s.total
        lines.append(
            f"• *{escape(reason_label(s.reason))}*: agents sent the draft unchanged in "
            f"{s.unchanged} of {s.total} cases ({share * 100:.0f}%)"
        )
    return "\n".join(lines)


def fallback_text(figures: DigestFigures, *, period_label: str) -> str:
    """The one-line summary notifications and screen readers get."""
    now = figures.current
    text = (
        f"Support digest for {period_label}: {now.customer_messages} customer messages in "
        f"{now.conversations} conversations, {percent(now.automation_rate)} answered without a "
        f"human, {now.escalations} escalations ({percent(now.escalation_rate)}), "
        f"{now.pending} still pending, {now.past_sla} past the SLA."
    )
    return truncate(text, FALLBACK_LIMIT)


def build_digest(figures: DigestFigures, *, period_label: str) -> tuple[str, list[Block]]:
    """The digest message: headline numbers with their change, reasons, queue, customers."""
    blocks: list[Block] = [
        header(f"Support digest · {period_label}"),
        context(
            f"Compared with the {_previous_name(figures)} · times in {escape(figures.timezone)}"
        ),
        _headline(figures),
        {"type": "divider"},
        section(_reason_lines(figures)),
        section(_pending_lines(figures)),
        section(_customer_lines(figures)),
    ]
    candidates = _candidate_lines(figures)
    if candidates is not None:
        blocks.append(section(candidates))
    blocks.append(context("Chart below: customer messages and escalation rate per day."))
    return fallback_text(figures, period_label=period_label), fit(blocks)


def _previous_name(figures: DigestFigures) -> str:
    days = round((figures.current.end - figures.current.start).total_seconds() / 86400)
    return "day before" if days <= 1 else f"{days} days before"
