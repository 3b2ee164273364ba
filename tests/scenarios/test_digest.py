"""The managers' digest: on demand with /hitl digest, and once a day across replicas."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

from emulators import SlackEmulator
from storage.tables import utcnow
from tests.conftest import Bot, StartBot
from tests.scenarios.test_actions import escalate


async def test_hitl_digest_posts_the_digest_and_its_chart_on_demand(
    bot: Bot, slack: SlackEmulator
) -> None:
    await escalate(slack)
    await bot.idle()

    command = await slack.slash_command("U_MAYA", "C_DIGEST", "/hitl", "digest 1")
    await bot.idle()

    assert command.status == 200 and "Posting the digest" in command.body
    post = await slack.wait_for("chat.postMessage", channel="C_DIGEST")
    assert post.params["text"] and post.params["blocks"][0]["type"] == "header"
    assert "Escalations" in json.dumps(post.params["blocks"])
    upload = await slack.wait_for("files.completeUploadExternal")
    assert upload.params["channel_id"] == "C_DIGEST"
    file_id = upload.params["files"][0]["id"]
    assert slack.file_bytes(file_id).startswith(b"\x89PNG")


async def test_on_demand_digest_counts_what_happened_today(bot: Bot, slack: SlackEmulator) -> None:
    await escalate(slack)
    await slack.user_says("C_INITECH", "U_GRACE", "Where can I download last month's invoice?")
    await bot.idle()

    digest = await bot.runtime.deps.digest.build(1, now=utcnow(), through_now=True)

    rendered = json.dumps(digest.blocks)
    assert "*Escalations*\\n1 (50% of messages)" in rendered
    assert "Churn risk" in rendered
    assert "Initech Health: 1 message" in rendered  # named from the account, not T_INITECH


async def test_bad_digest_argument_gets_a_clear_answer(bot: Bot, slack: SlackEmulator) -> None:
    command = await slack.slash_command("U_MAYA", "C_DIGEST", "/hitl", "digest lots")
    await bot.idle()

    assert "whole number" in command.body
    assert slack.calls_to("chat.postMessage", channel="C_DIGEST") == []


async def test_two_replicas_post_the_daily_digest_once(
    start_bot: StartBot, slack: SlackEmulator
) -> None:
    def after_digest_time() -> datetime:
        return datetime(2026, 11, 24, 9, 5, tzinfo=UTC)

    first = await start_bot(digest_clock=after_digest_time)
    second = await start_bot(digest_clock=after_digest_time)
    await slack.wait_for("chat.postMessage", channel="C_DIGEST")
    await slack.wait_for("files.completeUploadExternal")
    third = await start_bot(digest_clock=after_digest_time)  # a restart later the same day
    digests = [replica.runtime.deps.digest for replica in (first, second, third)]
    await asyncio.wait_for(asyncio.gather(*(d.wait_looks(1) for d in digests)), 10)
    looked = [d.looks for d in digests]
    for digest in digests:
        digest.wake()
    # Every replica, the third included, has looked again after the post before we count.
    await asyncio.wait_for(
        asyncio.gather(*(d.wait_looks(n + 1) for d, n in zip(digests, looked, strict=True))), 10
    )
    for replica in (first, second, third):
        await replica.idle()

    assert len(slack.calls_to("chat.postMessage", channel="C_DIGEST")) == 1
