"""`hitl digest --print`: the digest in the terminal, the chart written to a PNG file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from slack_sdk.web.async_client import AsyncWebClient

from bot.config import Settings
from bot.digest import DigestService, render_text
from bot.policy import load_policy
from storage.db import create_schema, make_engine
from storage.digest import DigestQueries


async def print_digest(settings: Settings, *, days: int, chart: Path) -> int:
    """Build the digest from the configured database without posting it anywhere."""
    engine = make_engine(settings.database_url)
    try:
        await create_schema(engine)
        service = DigestService(
            AsyncWebClient(token=None),  # never called: printing posts nothing
            DigestQueries(engine),
            channel=settings.digest_channel or "(terminal)",
            timezone=settings.hitl_timezone,
            digest_time=settings.hitl_digest_time,
            sla_minutes=load_policy(settings.hitl_policy_file).sla.reminder_minutes,
        )
        digest = await service.build(days)
    finally:
        await engine.dispose()
    print(render_text(digest))
    await asyncio.to_thread(chart.write_bytes, digest.chart_png)
    print(f"\nchart written to {chart}")
    return 0
