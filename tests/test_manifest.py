"""The manifest is valid for Slack and matches what the code registers and calls."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from bot import ids

ROOT = Path(__file__).resolve().parents[1]


def _manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_manifest_validates_against_slacks_schema(shared_dir: Path) -> None:
    schema = json.loads((shared_dir / "slack" / "manifest.schema.1.0.0.json").read_text())

    jsonschema.Draft7Validator(schema).validate(_manifest())


def test_manifest_subscribes_to_channel_messages_and_has_the_command() -> None:
    manifest = _manifest()

    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "message.channels",
        "message.groups",
    }
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == [ids.COMMAND]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    for url in (
        manifest["settings"]["event_subscriptions"]["request_url"],
        manifest["settings"]["interactivity"]["request_url"],
        manifest["features"]["slash_commands"][0]["url"],
    ):
        assert url.endswith("/slack/events")


def test_manifest_asks_for_exactly_the_scopes_the_code_uses() -> None:
    source = "\n".join(p.read_text() for p in (ROOT / "bot").glob("*.py"))
    used_methods = set(
        re.findall(
            r"\.(chat_\w+|conversations_\w+|users_\w+|files_\w+|views_\w+|team_\w+)\(", source
        )
    )
    needs = {
        "chat_": "chat:write",
        "conversations_": "channels:read",
        "users_": "users:read",
        "files_": "files:write",
        "team_": "team:read",
    }
    expected = {"channels:history", "groups:history", "groups:read", "commands"}
    expected |= {
        scope for prefix, scope in needs.items() if any(m.startswith(prefix) for m in used_methods)
    }

    assert set(_manifest()["oauth_config"]["scopes"]["bot"]) == expected
