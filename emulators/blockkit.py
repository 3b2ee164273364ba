"""Enforce the Block Kit limits Slack rejects with invalid_blocks / invalid_arguments."""

from __future__ import annotations

from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
TEXT_LIMITS = {"section": 3000, "header": 150, "markdown": 12000}
ID_MAX = 255
VIEW_TEXT_MAX = 24
PRIVATE_METADATA_MAX = 3000


def _err(message: str, pointer: str) -> str:
    """Format one error the way Slack's response_metadata.messages does."""
    return f"[ERROR] {message} [json-pointer:{pointer}]"


def _too_long(limit: int, pointer: str) -> str:
    """Format Slack's too-long error for a field."""
    return _err(f"must be less than {limit + 1} characters", pointer)


def _text_of(obj: Any) -> str | None:
    """Return the text of a text object, or None if it is not one."""
    text = obj.get("text") if isinstance(obj, dict) else None
    return text if isinstance(text, str) else None


def _check_len(value: Any, limit: int, pointer: str, errors: list[str]) -> None:
    """Append a too-long error when a string exceeds its limit."""
    if isinstance(value, str) and len(value) > limit:
        errors.append(_too_long(limit, pointer))


def _element_errors(element: Any, pointer: str) -> list[str]:
    """Validate one interactive element (button, select, input...)."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [_err("missing required field: type", pointer)]
    errors: list[str] = []
    _check_len(element.get("action_id"), ID_MAX, f"{pointer}/action_id", errors)
    if element["type"] == "button":
        if _text_of(element.get("text")) is None:
            errors.append(_err("missing required field: text", pointer))
        _check_len(_text_of(element.get("text")), 75, f"{pointer}/text/text", errors)
        _check_len(element.get("value"), 2000, f"{pointer}/value", errors)
        _check_len(element.get("url"), 3000, f"{pointer}/url", errors)
    if element["type"] == "plain_text_input":
        _check_len(_text_of(element.get("placeholder")), 150, f"{pointer}/placeholder/text", errors)
        _check_len(element.get("initial_value"), 3000, f"{pointer}/initial_value", errors)
    return errors


def _section_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """Validate a section block's text, fields and accessory."""
    errors: list[str] = []
    fields = block.get("fields")
    if _text_of(block.get("text")) is None and not fields:
        errors.append(_err("must provide either text or fields", pointer))
    if isinstance(fields, list):
        if len(fields) > 10:
            errors.append(_err("no more than 10 items allowed", f"{pointer}/fields"))
        for i, field in enumerate(fields):
            _check_len(_text_of(field), 2000, f"{pointer}/fields/{i}/text", errors)
    if "accessory" in block:
        errors += _element_errors(block["accessory"], f"{pointer}/accessory")
    return errors


def _block_errors(block: Any, pointer: str) -> list[str]:
    """Validate one block of any type, recursing into its elements."""
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [_err("missing required field: type", pointer)]
    kind = block["type"]
    errors: list[str] = []
    _check_len(block.get("block_id"), ID_MAX, f"{pointer}/block_id", errors)
    if kind in TEXT_LIMITS:
        text = _text_of(block.get("text")) if kind != "markdown" else block.get("text")
        _check_len(text, TEXT_LIMITS[kind], f"{pointer}/text/text", errors)
    if kind == "header" and _text_of(block.get("text")) is None:
        errors.append(_err("missing required field: text", pointer))
    if kind == "section":
        errors += _section_errors(block, pointer)
    if kind in ("actions", "context"):
        elements = block.get("elements")
        limit = 25 if kind == "actions" else 10
        if not isinstance(elements, list) or not elements:
            errors.append(_err("missing required field: elements", pointer))
        elif len(elements) > limit:
            errors.append(_err(f"no more than {limit} items allowed", f"{pointer}/elements"))
        if kind == "actions" and isinstance(elements, list):
            seen: set[str] = set()
            for i, element in enumerate(elements):
                errors += _element_errors(element, f"{pointer}/elements/{i}")
                action_id = element.get("action_id") if isinstance(element, dict) else None
                if action_id in seen:
                    errors.append(_err("action_id must be unique", f"{pointer}/elements/{i}"))
                if isinstance(action_id, str):
                    seen.add(action_id)
    if kind == "input":
        _check_len(_text_of(block.get("label")), 2000, f"{pointer}/label/text", errors)
        _check_len(_text_of(block.get("hint")), 2000, f"{pointer}/hint/text", errors)
        errors += _element_errors(block.get("element"), f"{pointer}/element")
    return errors


def blocks_errors(blocks: Any, max_blocks: int, pointer: str = "/blocks") -> list[str]:
    """Return Slack-style error strings for a list of blocks (empty when valid)."""
    if not isinstance(blocks, list):
        return [_err("must be an array", pointer)]
    errors: list[str] = []
    if len(blocks) > max_blocks:
        errors.append(_err(f"no more than {max_blocks} items allowed", pointer))
    seen: set[str] = set()
    for i, block in enumerate(blocks):
        errors += _block_errors(block, f"{pointer}/{i}")
        block_id = block.get("block_id") if isinstance(block, dict) else None
        if isinstance(block_id, str):
            if block_id in seen:
                errors.append(_err(f"duplicate block_id {block_id!r}", f"{pointer}/{i}/block_id"))
            seen.add(block_id)
    return errors


def message_blocks_errors(blocks: Any) -> list[str]:
    """Validate the blocks of a message (chat.postMessage / update / ephemeral)."""
    return blocks_errors(blocks, MESSAGE_MAX_BLOCKS)


def view_errors(view: Any) -> list[str]:
    """Validate a modal or Home tab view the way views.open/update/push/publish do."""
    if not isinstance(view, dict):
        return [_err("must be an object", "/view")]
    errors: list[str] = []
    kind = view.get("type")
    if kind not in ("modal", "home"):
        errors.append(_err("must be one of modal, home", "/view/type"))
    for key in ("title", "submit", "close"):
        text = _text_of(view.get(key))
        if key == "title" and kind == "modal" and text is None:
            errors.append(_err("missing required field: title", "/view"))
        _check_len(text, VIEW_TEXT_MAX, f"/view/{key}/text", errors)
    _check_len(view.get("private_metadata"), PRIVATE_METADATA_MAX, "/view/private_metadata", errors)
    _check_len(view.get("callback_id"), ID_MAX, "/view/callback_id", errors)
    _check_len(view.get("external_id"), ID_MAX, "/view/external_id", errors)
    blocks = view.get("blocks", [])
    errors += blocks_errors(blocks, VIEW_MAX_BLOCKS, "/view/blocks")
    has_input = isinstance(blocks, list) and any(
        isinstance(b, dict) and b.get("type") == "input" for b in blocks
    )
    if kind == "modal" and has_input and _text_of(view.get("submit")) is None:
        errors.append(_err("must provide a submit property when using input blocks", "/view"))
    return errors
