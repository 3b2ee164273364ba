"""The daily digest: gather the figures, post them with a chart, once a day across replicas.

Every replica runs `run_forever`; the database decides which one posts: a period is claimed by
one INSERT that only one replica can win (the period is the primary key of digest_runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chart import render_chart
from bot.digest_blocks import STOP_MIN_CASES, DigestFigures, build_digest, stop_candidates
from bot.models import Frozen
from storage.digest import DailyCount, DigestQueries, PeriodFigures, local_midnight
from storage.tables import utcnow

log = logging.getLogger(__name__)

CHART_DAYS = 14
CLAIM_TTL = timedelta(minutes=15)  # an unposted claim this old belongs to a replica that died
RETRY_SECONDS = 300.0
MAX_SLEEP_SECONDS = 3600.0  # wake hourly anyway, so a clock change cannot make us oversleep


class Digest(Frozen):
    """One built digest: its figures, the message and the chart, ready to post or print."""

    period: str  # the claim key: the local date, or "first..last" for several days
    figures: DigestFigures
    text: str
    blocks: list[dict[str, Any]]
    series: tuple[DailyCount, ...]
    chart_png: bytes


class DigestService:
    """Build the digest, post it, and run the daily schedule."""

    def __init__(
        self,
        client: AsyncWebClient,
        queries: DigestQueries,
        *,
        channel: str,
        timezone: str,
        digest_time: time,
        sla_minutes: int,
        clock: Callable[[], datetime] = utcnow,
        top_customers: int = 5,
        oldest_pending: int = 5,
        claim_ttl: timedelta = CLAIM_TTL,
        retry_seconds: float = RETRY_SECONDS,
        customer_name: Callable[[str], Awaitable[str | None]] | None = None,
    ) -> None:
        self._client = client
        self._queries = queries
        self.channel = channel
        self.timezone = timezone
        self._zone = ZoneInfo(timezone)
        self._digest_time = digest_time
        self._sla_minutes = sla_minutes
        self._clock = clock
        self._top_customers = top_customers
        self._oldest_pending = oldest_pending
        self._claim_ttl = claim_ttl
        self._retry_seconds = retry_seconds
        self._wake = asyncio.Event()
        # How many times run_forever has looked whether the digest is due (tests wait on it).
        self.looks = 0
        self._looked = asyncio.Condition()
        # Customers who never escalated are known to the database only by Slack id.
        self._customer_name = customer_name

    # -- periods and times ------------------------------------------------------------------

    def period_for(self, now: datetime, days: int = 1) -> tuple[datetime, datetime, str]:
        """The `days` whole local days before today: start, end (UTC) and the claim key."""
        today = now.astimezone(self._zone).date()
        first = today - timedelta(days=days)
        last = today - timedelta(days=1)
        key = first.isoformat() if days == 1 else f"{first.isoformat()}..{last.isoformat()}"
        return local_midnight(first, self._zone), local_midnight(today, self._zone), key

    def due_at(self, now: datetime) -> datetime:
        """Today's digest time (in the zone) as a UTC instant."""
        today = now.astimezone(self._zone).date()
        return self._at(today)

    def _at(self, day: date) -> datetime:
        local = datetime.combine(day, self._digest_time, tzinfo=self._zone)
        return local.astimezone(ZoneInfo("UTC"))

    def seconds_until_next(self, now: datetime) -> float:
        """Seconds from `now` until the next digest time strictly after it."""
        due = self.due_at(now)
        if due <= now:
            due = self._at(now.astimezone(self._zone).date() + timedelta(days=1))
        return (due - now).total_seconds()

    # -- building and posting ----------------------------------------------------------------

    async def build(
        self, days: int = 1, *, now: datetime | None = None, through_now: bool = False
    ) -> Digest:
        """Gather the figures of the last `days` days and render the message and chart.

        The daily post covers whole days before today; on demand (`through_now`) the period
        runs to this moment, today included, so what just happened is in it.
        """
        now = now or self._clock()
        if through_now:
            today = now.astimezone(self._zone).date()
            start = local_midnight(today - timedelta(days=days - 1), self._zone)
            end, period = now, f"on-demand-{now.isoformat()}"
            before = start - (end - start)
        else:
            start, end, period = self.period_for(now, days)
            before = local_midnight(
                start.astimezone(self._zone).date() - timedelta(days=days), self._zone
            )
        q = self._queries
        current = await q.figures(
            start=start,
            end=end,
            sla_minutes=self._sla_minutes,
            top_customers=self._top_customers,
            oldest_pending=self._oldest_pending,
            now=now,
        )
        previous = await q.figures(
            start=before,
            end=start,
            sla_minutes=self._sla_minutes,
            top_customers=0,
            oldest_pending=0,
            now=now,
        )
        current = await self._named(current)
        stats = await q.reason_approval_stats(min_cases=STOP_MIN_CASES)
        series = await q.daily_series(days=CHART_DAYS, end=end, tz=self.timezone)
        label = _human_label(start.astimezone(self._zone).date(), days)
        if through_now:
            label += f", to {now.astimezone(self._zone):%H:%M}"
        figures = DigestFigures(
            period_label=label,
            timezone=self.timezone,
            as_of=now,
            current=current,
            previous=previous,
            stop_candidates=stop_candidates(stats),
        )
        text, blocks = build_digest(figures, period_label=label)
        # Rendering takes a few hundred milliseconds of CPU: keep it off the event loop.
        png = await asyncio.to_thread(render_chart, series, title=f"Last {CHART_DAYS} days")
        return Digest(
            period=period,
            figures=figures,
            text=text,
            blocks=blocks,
            series=tuple(series),
            chart_png=png,
        )

    async def _named(self, figures: PeriodFigures) -> PeriodFigures:
        """Replace bare Slack ids in the busiest-customers list with account names."""
        if self._customer_name is None:
            return figures
        named = []
        for customer in figures.top_customers:
            name = (
                await self._customer_name(customer.key) if customer.name == customer.key else None
            )
            named.append(customer.model_copy(update={"name": name}) if name else customer)
        return figures.model_copy(update={"top_customers": tuple(named)})

    async def post(self, digest: Digest) -> None:
        """Post the message, then the chart; a failed chart upload never re-posts the message."""
        await self._client.chat_postMessage(
            channel=self.channel,
            text=digest.text,
            blocks=digest.blocks,
            unfurl_links=False,
            unfurl_media=False,
        )
        try:
            await self._client.files_upload_v2(
                channel=self.channel,
                file=digest.chart_png,
                filename=f"digest-{digest.period}.png",
                title=f"Customer messages and escalation rate, last {CHART_DAYS} days",
                alt_txt=f"Daily customer messages and escalation rate, last {CHART_DAYS} days",
            )
        except SlackApiError:
            log.exception("digest %s posted, but its chart upload failed", digest.period)

    # -- the daily schedule ------------------------------------------------------------------

    async def run_daily_if_due(self, *, replica_id: str) -> bool:
        """Post yesterday's digest if its time has come and no replica has; say if this did."""
        now = self._clock()
        if now < self.due_at(now):
            return False
        _, _, period = self.period_for(now)
        claimed = await self._queries.claim_period(
            period=period, claimed_by=replica_id, now=now, stale_after=self._claim_ttl
        )
        if not claimed:
            return False
        try:
            await self.post(await self.build(now=now))
        except BaseException:
            # Nothing reached the channel: free the period so the next attempt can post it.
            await asyncio.shield(self._queries.release_period(period=period, claimed_by=replica_id))
            raise
        await self._queries.mark_posted(period=period, now=self._clock())
        log.info("digest %s posted by %s", period, replica_id)
        return True

    async def run_forever(self, replica_id: str) -> None:
        """Post each day's digest at its time until cancelled; failures retry, never crash."""
        while True:
            # Cleared before the work, so a wake() that arrives during it is not lost.
            self._wake.clear()
            try:
                await self.run_daily_if_due(replica_id=replica_id)
                delay = await self._next_delay()
            except Exception:
                log.exception("daily digest failed; retrying in %.0f s", self._retry_seconds)
                delay = self._retry_seconds
            async with self._looked:
                self.looks += 1
                self._looked.notify_all()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=min(delay, MAX_SLEEP_SECONDS))

    def wake(self) -> None:
        """Make `run_forever` check again now (tests move their clock, then call this)."""
        self._wake.set()

    async def wait_looks(self, count: int) -> None:
        """Return once `run_forever` has looked whether the digest is due `count` times."""
        async with self._looked:
            await self._looked.wait_for(lambda: self.looks >= count)

    async def _next_delay(self) -> float:
        now = self._clock()
        until_next = self.seconds_until_next(now)
        if now >= self.due_at(now):
            _, _, period = self.period_for(now)
            if not await self._queries.is_posted(period=period):
                # Another replica holds the claim: look again, in case it dies before posting.
                return min(self._retry_seconds, until_next)
        return until_next


def _human_label(first: date, days: int) -> str:
    """A period as people say it: "Mon 23 Nov 2026" or "17–23 Nov 2026"."""
    if days == 1:
        return f"{first:%a} {first.day} {first:%b %Y}"
    last = first + timedelta(days=days - 1)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {last:%b %Y}"
    if first.year == last.year:
        return f"{first.day} {first:%b} – {last.day} {last:%b %Y}"
    return f"{first.day} {first:%b %Y} – {last.day} {last:%b %Y}"


_LINK = re.compile(r"<([^|>]+)\|([^>]+)>")
_BOLD = re.compile(r"(?<!\w)\*([^*\n]+)\*(?!\w)")
_ITALIC = re.compile(r"(?<!\w)_([^_\n]+)_(?!\w)")


def render_text(digest: Digest) -> str:
    """The digest as plain terminal text, read from the same blocks Slack gets."""
    lines: list[str] = []
    for block in digest.blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title, "=" * len(title)]
        elif kind == "context":
            if lines and not lines[-1].startswith("="):
                lines.append("")  # set apart from the section above; not under the title
            lines += [_plain(e["text"]) for e in block["elements"]]
        elif kind == "divider":
            lines.append("")
        elif kind == "section" and "fields" in block:
            for field in block["fields"]:
                title, _, value = _plain(field["text"]).partition("\n")
                lines.append(f"{title + ':':<32} {value}")
        elif kind == "section":
            lines += ["", _plain(block["text"]["text"])]
    return "\n".join(lines) + "\n"


def _plain(mrkdwn: str) -> str:
    text = _BOLD.sub(r"\1", _ITALIC.sub(r"\1", mrkdwn))
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", text)
    for code, glyph in ((":white_check_mark:", "✓"), (":bulb:", "💡")):
        text = text.replace(code, glyph)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&").strip()
