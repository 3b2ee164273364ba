"""Scenario fixtures shared by several files: signing requests, a bot started with a policy."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.signature import SignatureVerifier

from emulators import json_reply
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


def claude_answer(
    reply: str,
    *,
    summary: str = "A customer question.",
    grounded: bool = True,
    confidence: float = 0.9,
    risk_score: float = 0.1,
    risk_reasons: list[dict[str, str]] | None = None,
    offers: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The Messages API reply carrying the draft JSON the Claude engine asks for."""
    return json_reply(
        {
            "reply": reply,
            "summary": summary,
            "grounded": grounded,
            "confidence": confidence,
            "risk_score": risk_score,
            "risk_reasons": risk_reasons or [],
            "offers": offers or [],
        }
    )


def button_labels(blocks: list[dict[str, Any]]) -> list[str]:
    """The visible labels of every button in a message's action blocks."""
    return [
        element["text"]["text"]
        for block in blocks
        if block.get("type") == "actions"
        for element in block["elements"]
    ]
