"""Reject Messages API requests the real API answers with 400, and check scripted JSON."""

from __future__ import annotations

import re
from typing import Any

# The 5.x generation refuses sampling params, prefill and budgeted thinking (PLATFORM.md §7).
NEW_GENERATION = re.compile(r"^claude-[a-z]+-5(?:-|$)")
NO_FORCED_TOOL_USE = ("claude-sonnet-5-5", "claude-opus-5-5")
# Model ids the Messages API serves (PLATFORM.md §7); any other id is answered 404.
KNOWN_MODELS = frozenset(
    {
        "claude-sonnet-5-5",
        "claude-haiku-5-5",
        "claude-opus-5-5",
        "claude-fable-5-1",
        "claude-fable-5-2",
        "claude-mythos-5-x",
        "claude-sonnet-5",
        "claude-opus-5",
        "claude-opus-4-8",
        "claude-sonnet-4-6",
        "claude-haiku-4-5",
        "claude-haiku-4-5-20251001",
    }
)
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,128}$")
JSON_TYPES: dict[str, type | tuple[type, ...]] = {
    "object": dict,
    "array": list,
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}


def _blocks(message: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the content blocks of a message (none for string content)."""
    content = message.get("content")
    return [b for b in content if isinstance(b, dict)] if isinstance(content, list) else []


def _tool_pairing_problem(messages: list[dict[str, Any]]) -> str | None:
    """Check every tool_use is answered by a tool_result in the very next user turn."""
    for i, message in enumerate(messages):
        if message.get("role") == "user" and i > 0:
            offered = {b.get("id") for b in _blocks(messages[i - 1]) if b.get("type") == "tool_use"}
            for block in _blocks(message):
                if block.get("type") == "tool_result" and block.get("tool_use_id") not in offered:
                    return (
                        f"messages.{i}.content: unexpected `tool_use_id` found in `tool_result` "
                        f"blocks: {block.get('tool_use_id')}. Each `tool_result` block must have "
                        "a corresponding `tool_use` block in the previous message."
                    )
        if message.get("role") != "assistant" or i + 1 >= len(messages):
            continue
        asked = [b.get("id") for b in _blocks(message) if b.get("type") == "tool_use"]
        answered = {
            b.get("tool_use_id") for b in _blocks(messages[i + 1]) if b.get("type") == "tool_result"
        }
        missing = [tool_id for tool_id in asked if tool_id not in answered]
        if missing:
            return (
                f"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks "
                f"immediately after: {', '.join(map(str, missing))}. Each `tool_use` block must "
                "have a corresponding `tool_result` block in the next message."
            )
    return None


def request_problem(body: dict[str, Any]) -> str | None:
    """Return the invalid_request_error message for a bad request, or None if it is fine."""
    for name in ("model", "max_tokens", "messages"):
        if name not in body:
            return f"{name}: Field required"
    model, messages = str(body["model"]), body["messages"]
    if not isinstance(body["max_tokens"], int) or body["max_tokens"] < 1:
        return "max_tokens: Input should be greater than or equal to 1"
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    for i, message in enumerate(messages):
        if not isinstance(message, dict) or message.get("role") not in ("user", "assistant"):
            return f"messages.{i}.role: Input should be 'user' or 'assistant'"
    for i, tool in enumerate(body.get("tools") or []):
        if "type" not in tool or tool.get("type") == "custom":
            if not TOOL_NAME.match(str(tool.get("name", ""))):
                return f"tools.{i}.name: String should match pattern '^[a-zA-Z0-9_-]{{1,128}}$'"
            if not isinstance(tool.get("input_schema"), dict):
                return f"tools.{i}.input_schema: Field required"
    output_format = (body.get("output_config") or {}).get("format") or {}
    if output_format.get("type") == "json_schema" and not isinstance(
        output_format.get("schema"), dict
    ):
        return "output_config.format.schema: Field required"
    problem = _tool_pairing_problem(messages)
    if problem:
        return problem
    if NEW_GENERATION.match(model):
        for name in ("temperature", "top_p", "top_k"):
            if name in body:
                return f"{name}: is not supported for model {model}"
        if messages[-1].get("role") == "assistant":
            return f"This model does not support assistant message prefill ({model})."
        thinking = body.get("thinking")
        if isinstance(thinking, dict) and thinking.get("type") == "enabled":
            return "thinking.type.enabled is not supported for this model; use adaptive"
    choice = (body.get("tool_choice") or {}).get("type")
    if model.startswith(NO_FORCED_TOOL_USE) and choice in ("any", "tool"):
        return f"Forced tool use is not supported for model {model}; use tool_choice auto."
    return None


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """Follow a local $ref to its schema."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}
    return schema


def schema_mismatch(
    value: Any, schema: dict[str, Any], root: dict[str, Any] | None = None, path: str = "$"
) -> str | None:
    """Return why `value` breaks a (subset of) JSON Schema, or None if it conforms."""
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    options = schema.get("anyOf") or schema.get("oneOf")
    if isinstance(options, list):
        if all(schema_mismatch(value, o, root, path) for o in options):
            return f"{path}: matches none of anyOf/oneOf"
        return None
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind else []
    if kinds and not any(
        k in JSON_TYPES
        and isinstance(value, JSON_TYPES[k])
        and not (k in ("integer", "number") and isinstance(value, bool))
        for k in kinds
    ):
        return f"{path}: expected {kind}, got {type(value).__name__}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{path}: {value!r} not in enum {schema['enum']}"
    if isinstance(value, dict):
        properties = schema.get("properties") or {}
        for name in schema.get("required") or []:
            if name not in value:
                return f"{path}: missing required property {name!r}"
        if schema.get("additionalProperties") is False:
            extra = sorted(set(value) - set(properties))
            if extra:
                return f"{path}: unexpected properties {extra}"
        for name, item in value.items():
            if name in properties:
                problem = schema_mismatch(item, properties[name], root, f"{path}.{name}")
                if problem:
                    return problem
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            problem = schema_mismatch(item, schema["items"], root, f"{path}[{i}]")
            if problem:
                return problem
    return None
