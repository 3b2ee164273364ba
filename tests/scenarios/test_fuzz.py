"""Validly signed nonsense gets a 4xx or a harmless 2xx, never a 500, and loses nothing."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
import logging
import secrets
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from typing import Any

import aiohttp
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from emulators import SlackEmulator
from emulators.payloads import find_button
from tests.conftest import SIGNING_SECRET, Bot
from tests.scenarios.test_actions import escalate

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
ODD_VALUES: tuple[Any, ...] = (
    None,
    0,
    7,
    -1,
    1.5,
    True,
    "",
    "x" * 5000,
    [],
    [1, "a"],
    {},
    {"a": {"b": 1}},
    "\x00",
    "9" * 40,
    "²",
    "line\nfake 2026-12-01 ERROR injected",
)


def message_envelope(
    slack: SlackEmulator, text: str = "Hello, how do I download my invoice?"
) -> dict[str, Any]:
    """A customer message, posted in the emulated channel, in the envelope Slack delivers."""
    ts = slack.post_as_user("C_ACME", "U_DANA", text)["ts"]
    return {
        "token": "emulator-verification-token",
        "team_id": "T_ACME",
        "context_team_id": "T_VENDOR",
        "api_app_id": "A_HITL",
        "type": "event_callback",
        "event_id": "EvFUZZ" + ts.replace(".", "") + secrets.token_hex(3),
        "event_time": int(time.time()),
        "is_ext_shared_channel": True,
        "authorizations": [{"team_id": "T_VENDOR", "user_id": "U_BOT", "is_bot": True}],
        "event": {
            "type": "message",
            "channel": "C_ACME",
            "user": "U_DANA",
            "user_team": "T_ACME",
            "team": "T_ACME",
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
        },
    }


def variants(base: dict[str, Any], path: tuple[str, ...]) -> Iterator[dict[str, Any]]:
    """The base with the value at `path` (a key of a nested dict) replaced by each odd value."""
    keys = list(_walk(base, path).keys())
    for key in keys:
        for value in ODD_VALUES:
            changed = copy.deepcopy(base)
            _walk(changed, path)[key] = value
            yield changed


def _walk(value: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        step = value[key]
        value = step[0] if isinstance(step, list) else step
    return value


def nested(levels: int) -> str:
    """A JSON object nested `levels` deep."""
    return '{"type": "event_callback", "event": ' + "[" * levels + "]" * levels + "}"


async def card_click_payload(slack: SlackEmulator) -> dict[str, Any]:
    """A real Approve click on a real card, as Slack would post it."""
    _, card_ts = await escalate(slack)
    card = slack.message("C_AGENTS", card_ts)
    assert card is not None
    button, block_id = find_button(card["blocks"], "hitl_approve")
    return {
        "type": "block_actions",
        "user": {"id": "U_ANA", "username": "ana", "name": "ana", "team_id": "T_VENDOR"},
        "api_app_id": "A_HITL",
        "token": "emulator-verification-token",
        "container": {"type": "message", "message_ts": card_ts, "channel_id": "C_AGENTS"},
        "trigger_id": "1.2.fuzz",
        "team": {"id": "T_VENDOR", "domain": "brightwave"},
        "channel": {"id": "C_AGENTS", "name": "support-escalations"},
        "message": {"ts": card_ts, "blocks": card["blocks"], "text": card.get("text", "")},
        "response_url": f"{slack.root_url}/response/fuzz",
        "actions": [{**button, "block_id": block_id}],
    }


def edit_submission() -> dict[str, Any]:
    """An Edit modal submission for an escalation that does not exist."""
    return {
        "type": "view_submission",
        "user": {"id": "U_ANA", "team_id": "T_VENDOR"},
        "team": {"id": "T_VENDOR"},
        "view": {
            "id": "V1",
            "callback_id": "hitl_edit_view",
            "private_metadata": "999999",
            "state": {
                "values": {
                    "hitl_edit_text_block": {
                        "hitl_edit_text": {"type": "plain_text_input", "value": "x"}
                    }
                }
            },
        },
    }


def as_form(payload: Any) -> bytes:
    """The form body of an interactive payload."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)}).encode()


async def fuzz_requests(slack: SlackEmulator) -> list[tuple[bytes, str, str | None]]:
    """Bodies, content types and (for a forged timestamp) the timestamp to send."""
    sent: list[tuple[bytes, str, str | None]] = []
    envelope = message_envelope(slack)
    for body in [*variants(envelope, ()), *variants(envelope, ("event",))]:
        sent.append((json.dumps(body).encode(), JSON, None))
    for body in variants(envelope, ("authorizations",)):
        sent.append((json.dumps(body).encode(), JSON, None))
    click = await card_click_payload(slack)
    for payload in [
        *variants(click, ()),
        *variants(click, ("actions",)),
        *variants(click, ("container",)),
    ]:
        sent.append((as_form(payload), FORM, None))
    for payload in [*variants(edit_submission(), ("view",)), *variants(edit_submission(), ())]:
        sent.append((as_form(payload), FORM, None))
    odd_bodies = [
        (nested(1000).encode(), JSON),
        (nested(100).encode(), JSON),
        (b"payload=", FORM),
        (b"payload=null", FORM),
        (b"payload=%5B%5D", FORM),
        (urllib.parse.urlencode({"payload": nested(900)}).encode(), FORM),
        (json.dumps(envelope).encode("utf-16"), "application/json; charset=utf-16"),
        (json.dumps(envelope).encode(), "application/json; charset=utf-16"),
        (b"\xff\xfe{", JSON),
        (b"[]", JSON),
        (b"null", JSON),
        (b"command=%2Fhitl&text=queue", FORM),
        (b"command=%2Fhitl&text=queue&user_id=", FORM),
        (b"command=%2Fhitl&text=queue&user_id=U%00A", FORM),
        (json.dumps({**envelope, "event": None}).encode(), JSON),
        (json.dumps({**envelope, "event": "message"}).encode(), JSON),
        (json.dumps({**envelope, "event": ["message"]}).encode(), JSON),
        (json.dumps({**click, "actions": []}).encode(), JSON),
    ]
    sent.extend((body, content_type, None) for body, content_type in odd_bodies)
    sent.append((json.dumps(message_envelope(slack)).encode(), JSON, "17e8"))
    sent.append((json.dumps(message_envelope(slack)).encode(), JSON, "not-a-time"))
    return sent


async def post_signed(
    session: aiohttp.ClientSession,
    bot: Bot,
    body: bytes,
    content_type: str,
    timestamp: str | None = None,
) -> int:
    """POST exact bytes with a valid signature (over whatever timestamp is given)."""
    stamp = timestamp or str(int(time.time()))
    base = b"v0:" + stamp.encode() + b":" + body
    signature = "v0=" + hmac.new(SIGNING_SECRET.encode(), base, hashlib.sha256).hexdigest()
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": signature,
    }
    async with session.post(f"{bot.url}/slack/events", data=body, headers=headers) as answer:
        await answer.read()
        return answer.status


@pytest.fixture
def quiet_fuzz_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """Capture WARNING and above: what an operator would read after the fuzz."""
    caplog.set_level(logging.WARNING)
    return caplog


async def test_signed_fuzz_gets_no_server_error(
    bot: Bot, slack: SlackEmulator, quiet_fuzz_logs: pytest.LogCaptureFixture
) -> None:
    requests = await fuzz_requests(slack)
    statuses: Counter[int] = Counter()
    failures = []

    async with aiohttp.ClientSession() as session:
        for body, content_type, timestamp in requests:
            status = await post_signed(session, bot, body, content_type, timestamp)
            statuses[status] += 1
            if status >= 500:
                failures.append((status, body[:200], content_type))
    await bot.idle()

    print(f"fuzz: {len(requests)} signed requests, statuses {dict(sorted(statuses.items()))}")
    assert failures == [], f"{len(failures)} of {len(requests)} got 5xx: {failures[:5]}"
    assert statuses[401] >= 2  # the two non-numeric timestamps
    background = [r for r in quiet_fuzz_logs.records if "background work" in r.getMessage()]
    assert background == []


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
EVENT_KEYS = st.sampled_from(
    ["type", "subtype", "channel", "user", "text", "ts", "thread_ts", "team", "user_team", "bot_id"]
)
ENVELOPE_KEYS = st.sampled_from(
    ["type", "event", "team_id", "event_id", "authorizations", "is_ext_shared_channel"]
)
CLICK_KEYS = st.sampled_from(
    ["type", "user", "team", "channel", "container", "actions", "message", "trigger_id"]
)


def collect(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """Draw `count` examples, reproducibly (hypothesis drives, the test then sends them)."""
    drawn: list[Any] = []

    @settings(max_examples=count, database=None, derandomize=True, deadline=None)
    @given(strategy)
    def draw(example: Any) -> None:
        drawn.append(example)

    draw()
    return drawn


async def test_property_no_payload_shape_gets_a_server_error(
    bot: Bot, slack: SlackEmulator
) -> None:
    envelope = message_envelope(slack)
    click = await card_click_payload(slack)
    event_changes = collect(st.dictionaries(EVENT_KEYS, JSON_VALUES, min_size=1), 50)
    envelope_changes = collect(st.dictionaries(ENVELOPE_KEYS, JSON_VALUES, min_size=1), 40)
    click_changes = collect(st.dictionaries(CLICK_KEYS, JSON_VALUES, min_size=1), 40)
    bodies = [
        *(
            (json.dumps({**envelope, "event": {**envelope["event"], **c}}).encode(), JSON)
            for c in event_changes
        ),
        *((json.dumps({**envelope, **c}).encode(), JSON) for c in envelope_changes),
        *((as_form({**click, **c}), FORM) for c in click_changes),
    ]

    async with aiohttp.ClientSession() as session:
        statuses = [await post_signed(session, bot, body, kind) for body, kind in bodies]
    await bot.idle()

    server_errors = [(s, b[:300]) for s, (b, _) in zip(statuses, bodies, strict=True) if s >= 500]
    assert server_errors == []


async def test_property_any_text_is_stored_without_control_characters(
    bot: Bot, slack: SlackEmulator
) -> None:
    texts = collect(st.text(min_size=1, max_size=200), 25)
    sent = []

    async with aiohttp.ClientSession() as session:
        for text in texts:
            envelope = message_envelope(slack, text)
            status = await post_signed(session, bot, json.dumps(envelope).encode(), JSON)
            sent.append((status, envelope["event"]["ts"]))
    await bot.idle()

    assert [status for status, _ in sent] == [200] * len(texts)
    stored = []
    for _, ts in sent:
        conversation = await bot.runtime.store.conversation_at(channel_id="C_ACME", thread_ts=ts)
        if conversation is not None and conversation.id is not None:
            stored += [
                row.text for row in await bot.runtime.store.thread(conversation_id=conversation.id)
            ]
    assert stored, "no text was stored at all"
    assert not [t for t in stored if any(ord(c) < 32 and c not in "\n\t" for c in t)]
