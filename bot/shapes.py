"""The shapes of Slack's request bodies this app reads, checked before Bolt or a handler sees them.

Slack never sends an `event` that is a list or a channel id that is a number; a request that
does is malformed (or forged with a leaked secret) and gets a 400, instead of an exception deep
in Bolt or in a handler and a 500. Unknown keys are allowed: Slack adds fields over time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

TS = re.compile(r"^\d{1,12}\.\d{1,8}$")
SLACK_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
# Names, types and tokens: printable text with no control characters (NUL breaks PostgreSQL).
PLAIN = re.compile(r"^[^\x00-\x1f\x7f]*$")
MAX_DEPTH = 24


@dataclass(frozen=True)
class Field:
    """What one key may hold: its types, whether it must be there, and what it contains."""

    kinds: tuple[type, ...]
    required: bool = False
    nullable: bool = False
    pattern: re.Pattern[str] | None = None
    inner: Mapping[str, Field] | None = None  # a dict's keys
    items: Mapping[str, Field] | None = None  # each dict in a list
    nonempty: bool = False


def text(*, required: bool = False, nullable: bool = False, free: bool = False) -> Field:
    """A string field; only `free` text (what people write) may hold control characters."""
    return Field((str,), required=required, nullable=nullable, pattern=None if free else PLAIN)


def slack_id(*, required: bool = False, nullable: bool = True) -> Field:
    """A Slack id (channel, user, team, bot): letters, digits, `_` and `-`."""
    return Field((str,), required=required, nullable=nullable, pattern=SLACK_ID)


def ts(*, required: bool = False, nullable: bool = True) -> Field:
    """A Slack message timestamp such as 1700000000.000100."""
    return Field((str,), required=required, nullable=nullable, pattern=TS)


def obj(
    inner: Mapping[str, Field] | None = None, *, required: bool = False, nullable: bool = True
) -> Field:
    """A JSON object."""
    return Field((dict,), required=required, nullable=nullable, inner=inner)


FLAG = Field((bool,), nullable=True)
NUMBER = Field((int, float), nullable=True)
ANY_LIST = Field((list,), nullable=True)

MESSAGE_EVENT = {
    "type": text(required=True),
    "subtype": text(nullable=True),
    "channel": slack_id(nullable=False),
    "user": slack_id(),
    "text": text(nullable=True, free=True),
    "ts": ts(nullable=False),
    "thread_ts": ts(),
    "event_ts": ts(),
    "team": slack_id(),
    "user_team": slack_id(),
    "source_team": slack_id(),
    "bot_id": slack_id(),
    "channel_type": text(nullable=True),
    "client_msg_id": text(nullable=True),
    "hidden": FLAG,
    "message": obj({"user": slack_id(), "text": text(nullable=True, free=True), "ts": ts()}),
    "previous_message": obj(
        {"user": slack_id(), "text": text(nullable=True, free=True), "ts": ts()}
    ),
    "deleted_ts": ts(),
    "blocks": ANY_LIST,
    "files": ANY_LIST,
    "edited": obj(),
}

EVENT_ENVELOPE = {
    "type": text(required=True),
    "token": text(nullable=True),
    "challenge": text(nullable=True),
    "team_id": slack_id(),
    "api_app_id": slack_id(),
    "event_id": slack_id(),
    "event_time": NUMBER,
    "event": obj(MESSAGE_EVENT, nullable=False),
    "authorizations": Field(
        (list,),
        nullable=True,
        items={"team_id": slack_id(), "user_id": slack_id(), "enterprise_id": slack_id()},
    ),
    "is_ext_shared_channel": FLAG,
    "context_team_id": slack_id(),
    "context_enterprise_id": slack_id(),
    "enterprise_id": slack_id(),
    "event_context": text(nullable=True),
}

_USER = {"id": slack_id(required=True, nullable=False), "team_id": slack_id(), "name": text()}
_VIEW = {
    "id": slack_id(),
    "type": text(required=True),
    "callback_id": text(required=True),
    "private_metadata": text(nullable=True),
    "hash": text(nullable=True),
    "blocks": ANY_LIST,
    "state": obj({"values": obj()}),
}

INTERACTIVE = {
    "type": text(required=True),
    "token": text(nullable=True),
    "api_app_id": slack_id(),
    "user": obj(_USER, required=True, nullable=False),
    "team": obj({"id": slack_id(), "domain": text(nullable=True)}),
    "enterprise": obj(),
    "is_enterprise_install": FLAG,
    "channel": obj({"id": slack_id(), "name": text(nullable=True)}),
    "container": obj(
        {"type": text(), "message_ts": ts(), "channel_id": slack_id(), "view_id": slack_id()},
        nullable=False,
    ),
    "message": obj({"ts": ts(), "blocks": ANY_LIST, "metadata": obj(), "text": text(free=True)}),
    "actions": Field(
        (list,),
        nonempty=True,
        items={
            "action_id": text(required=True),
            "block_id": text(nullable=True),
            "value": text(nullable=True),
            "type": text(nullable=True),
            "action_ts": text(nullable=True),
        },
    ),
    "view": obj(_VIEW, nullable=False),
    "state": obj(),
    "trigger_id": text(nullable=True),
    "response_url": text(nullable=True),
    "response_urls": ANY_LIST,
    "callback_id": text(nullable=True),
}

COMMAND = {
    "command": text(required=True),
    "text": text(free=True),
    "user_id": slack_id(required=True, nullable=False),
    "channel_id": slack_id(),
    "team_id": slack_id(),
}


def depth(value: Any) -> int:
    """How deeply lists and objects nest in a parsed JSON value (without recursing)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        current, level = stack.pop()
        if isinstance(current, dict):
            current = list(current.values())
        if isinstance(current, list):
            deepest = max(deepest, level)
            stack.extend((item, level + 1) for item in current)
    return deepest


def problem(value: Any, spec: Mapping[str, Field], path: str = "") -> str | None:
    """The first way a JSON object breaks the spec, or None when it fits."""
    if not isinstance(value, dict):
        return f"{path or 'body'} is not an object"
    for key, rule in spec.items():
        where = f"{path}.{key}" if path else key
        if key not in value:
            if rule.required:
                return f"{where} is missing"
            continue
        found = _field_problem(value[key], rule, where)
        if found is not None:
            return found
    return None


def _field_problem(value: Any, rule: Field, where: str) -> str | None:
    if value is None:
        return None if rule.nullable else f"{where} is null"
    # JSON true is an int to Python; only a field that takes booleans accepts it.
    if isinstance(value, bool) and bool not in rule.kinds:
        return f"{where} has the wrong type"
    if not isinstance(value, rule.kinds):
        return f"{where} has the wrong type"
    if rule.pattern is not None and not rule.pattern.fullmatch(str(value)):
        return f"{where} is not well formed"
    if rule.inner is not None:
        return problem(value, rule.inner, where)
    if isinstance(value, list):
        if rule.nonempty and not value:
            return f"{where} is empty"
        if rule.items is not None:
            for index, item in enumerate(value):
                found = problem(item, rule.items, f"{where}[{index}]")
                if found is not None:
                    return found
    return None
