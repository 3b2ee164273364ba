"""/hitl: help, and (with the digest) `/hitl digest [days]`."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

HELP = (
    "*/hitl* commands:\n"
    "• `/hitl digest [days]`: post the support digest for the last day (or days) now\n"
    "• `/hitl help`: this message"
)


async def handle_hitl_command(
    ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, logger: Logger
) -> None:
    """Acknowledge at once; the work, if any, runs after the ack."""
    words = str(command.get("text") or "").split()
    if not words or words[0] == "help":
        await ack(text=HELP)
        return
    await ack(text=f"Unknown sub-command `{words[0]}`.\n{HELP}")
