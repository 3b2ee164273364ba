"""Scenario fixtures shared by several files: signing requests, a bot started with a policy."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from tests.conftest import SIGNING_SECRET, Bot, StartBot

Sign = Callable[..., tuple[str, str]]
StartWithPolicy = Callable[..., Awaitable[Bot]]


@pytest.fixture
def sign() -> Sign:
    """Sign a raw body as Slack does: `sign(body, secret=..., age=seconds)` -> (ts, signature)."""

    def signed(body: bytes | str, *, secret: str = SIGNING_SECRET, age: int = 0) -> tuple[str, str]:
        timestamp = str(int(time.time()) - age)
        text = body.decode() if isinstance(body, bytes) else body
        signature = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=text)
        return timestamp, signature

    return signed


@pytest.fixture
def start_with_policy(start_bot: StartBot, tmp_path: Path) -> StartWithPolicy:
    """Write a policy file (YAML text) and start the bot with it."""

    async def start(policy_yaml: str, **overrides: Any) -> Bot:
        policy = tmp_path / "policy.yaml"
        policy.write_text(policy_yaml, encoding="utf-8")
        return await start_bot(hitl_policy_file=policy, **overrides)

    return start
