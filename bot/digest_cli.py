"""`hitl digest --print`: the digest in the terminal, the chart written to a PNG file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import ConfigError, Settings
from bot.digest import DigestService, render_text
from bot.policy import PolicyError, load_policy
from bot.readonly import open_existing, write_output
from storage.digest import DigestQueries


async def print_digest(settings: Settings, *, days: int, chart: Path) -> int:
    """Build the digest from the configured database without posting it (or creating it)."""
    try:
        sla_minutes = load_policy(settings.hitl_policy_file).sla.reminder_minutes
    except PolicyError as error:
        raise ConfigError(f"HITL_POLICY_FILE: {error}") from None
    engine = await open_existing(settings.database_url)
    try:
        service = DigestService(
            AsyncWebClient(token=None),  # never called: printing posts nothing
            DigestQueries(engine),
            channel=settings.digest_channel or "(terminal)",
            timezone=settings.hitl_timezone,
            digest_time=settings.hitl_digest_time,
            sla_minutes=sla_minutes,
        )
        digest = await service.build(days)
    finally:
        await engine.dispose()
    whole = "the whole day" if days == 1 else f"the {days} whole days"
    print(
        f"Period: {digest.figures.period_label} ({settings.hitl_timezone}), {whole} before today\n"
    )
    print(render_text(digest))
    await asyncio.to_thread(write_output, chart, digest.chart_png, option="--chart")
    print(f"\nchart written to {chart}")
    return 0
