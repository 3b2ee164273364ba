"""/hitl: `digest [days]` posts the digest now; `help` says what there is."""

from __future__ import annotations

from logging import Logger
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.async_context import AsyncBoltContext

from bot.deps import deps_from
from bot.digest import DigestService
from bot.ids import MAX_DIGEST_DAYS

HELP = (
    "*/hitl* commands:\n"
    "• `/hitl digest [days]`: post the support digest for today so far (or the last days) now\n"
    "• `/hitl help`: this message"
)


async def handle_hitl_command(
    ack: AsyncAck, command: dict[str, Any], context: AsyncBoltContext, logger: Logger
) -> None:
    """Answer our own people only (the digest only in internal channels); post it after the ack."""
    words = str(command.get("text") or "").split()
    deps = deps_from(context)
    refusal = await deps.command_access.refusal(
        user_id=str(command.get("user_id") or ""),
        channel_id=str(command.get("channel_id") or ""),
        sub_command=words[0] if words else "help",
    )
    if refusal is not None:
        await ack(text=refusal)  # ephemeral: only the person who typed it sees it
        return
    if not words or words[0] == "help":
        await ack(text=HELP)
        return
    if words[0] != "digest":
        await ack(text=f"Unknown sub-command `{words[0][:40]}`.\n{HELP}")
        return
    days = words[1] if len(words) > 1 else "1"
    if not days.isdigit() or not 1 <= int(days) <= MAX_DIGEST_DAYS:
        await ack(text=f"`days` must be a whole number from 1 to {MAX_DIGEST_DAYS}.")
        return
    span = "today so far" if days == "1" else f"the last {days} days, today included"
    await ack(text=f"Posting the digest for {span} in <#{deps.digest.channel}>…")
    deps.worker.submit(_post(deps.digest, int(days), logger), name="digest-on-demand")


async def _post(digest: DigestService, days: int, logger: Logger) -> None:
    await digest.post(await digest.build(days, through_now=True))
    logger.info("on-demand digest for %d day(s) posted", days)
