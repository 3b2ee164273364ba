"""Enforce the Block Kit rules Slack rejects with invalid_blocks / invalid_arguments.

Follows Slack's reference (docs.slack.dev/reference/block-kit): the block and element types
that exist, which fields take a plain_text object only (header, button, label, hint,
placeholder, modal title/submit/close), that no text may be empty, and the length and count
limits per block. Anything Slack would refuse is refused here too, never quietly stored.
"""

from __future__ import annotations

from typing import Any

MESSAGE_MAX_BLOCKS = 50
VIEW_MAX_BLOCKS = 100
ID_MAX = 255
VIEW_TEXT_MAX = 24
PRIVATE_METADATA_MAX = 3000

BLOCK_TYPES = frozenset(
    {
        "actions",
        "context",
        "context_actions",
        "divider",
        "file",
        "header",
        "image",
        "input",
        "markdown",
        "rich_text",
        "section",
        "table",
        "video",
    }
)
SELECTS = frozenset(
    f"{prefix}{kind}_select"
    for prefix in ("", "multi_")
    for kind in ("static", "external", "users", "conversations", "channels")
)
INPUT_ELEMENTS = frozenset(
    {
        "checkboxes",
        "datepicker",
        "datetimepicker",
        "email_text_input",
        "file_input",
        "number_input",
        "plain_text_input",
        "radio_buttons",
        "rich_text_input",
        "timepicker",
        "url_text_input",
        *SELECTS,
    }
)
ELEMENT_TYPES = frozenset(
    {
        "button",
        "feedback_buttons",
        "icon_button",
        "image",
        "overflow",
        "workflow_button",
        *INPUT_ELEMENTS,
    }
)
TEXT_TYPES = ("plain_text", "mrkdwn")


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


def _check_id(value: Any, pointer: str, errors: list[str]) -> None:
    """An action_id / block_id, when given, is a non-empty string of at most 255 characters."""
    if value is None:
        return
    if not isinstance(value, str) or not value:
        errors.append(_err("must be more than 0 characters", pointer))
    else:
        _check_len(value, ID_MAX, pointer, errors)


def text_object_errors(
    obj: Any, pointer: str, *, limit: int, plain_only: bool = False, required: bool = True
) -> list[str]:
    """Validate a composition text object: its type, a non-empty text, its length."""
    if obj is None:
        return [_err("missing required field: text", pointer)] if required else []
    if not isinstance(obj, dict):
        return [_err("must be an object", pointer)]
    kind = obj.get("type")
    allowed = ("plain_text",) if plain_only else TEXT_TYPES
    errors: list[str] = []
    if kind not in allowed:
        errors.append(_err(f"must be one of {', '.join(allowed)}", f"{pointer}/type"))
    text = obj.get("text")
    if not isinstance(text, str):
        errors.append(_err("missing required field: text", pointer))
    elif not text:
        errors.append(_err("must be more than 0 characters", f"{pointer}/text"))
    else:
        _check_len(text, limit, f"{pointer}/text", errors)
    if "emoji" in obj and kind != "plain_text":
        errors.append(_err("emoji is only allowed on plain_text", f"{pointer}/emoji"))
    if "verbatim" in obj and kind != "mrkdwn":
        errors.append(_err("verbatim is only allowed on mrkdwn", f"{pointer}/verbatim"))
    return errors


def _options_errors(element: dict[str, Any], pointer: str, limit: int) -> list[str]:
    """Validate the options of a select, overflow, checkboxes or radio buttons."""
    options = element.get("options")
    if options is None:
        return []
    if not isinstance(options, list) or not options:
        return [_err("must provide at least 1 item", f"{pointer}/options")]
    errors: list[str] = []
    if len(options) > limit:
        errors.append(_err(f"no more than {limit} items allowed", f"{pointer}/options"))
    plain = element["type"] in SELECTS or element["type"] == "overflow"
    for i, option in enumerate(options):
        at = f"{pointer}/options/{i}"
        if not isinstance(option, dict):
            errors.append(_err("must be an object", at))
            continue
        errors += text_object_errors(option.get("text"), f"{at}/text", limit=75, plain_only=plain)
        value = option.get("value")
        if not isinstance(value, str) or not value:
            errors.append(_err("must be more than 0 characters", f"{at}/value"))
        else:
            _check_len(value, 150, f"{at}/value", errors)
    return errors


def _element_errors(element: Any, pointer: str) -> list[str]:
    """Validate one interactive element (button, select, input...)."""
    if not isinstance(element, dict) or not isinstance(element.get("type"), str):
        return [_err("missing required field: type", pointer)]
    kind = element["type"]
    if kind not in ELEMENT_TYPES:
        return [_err(f"unsupported type: {kind}", f"{pointer}/type")]
    errors: list[str] = []
    _check_id(element.get("action_id"), f"{pointer}/action_id", errors)
    if kind == "button":
        errors += text_object_errors(
            element.get("text"), f"{pointer}/text", limit=75, plain_only=True
        )
        _check_len(element.get("value"), 2000, f"{pointer}/value", errors)
        _check_len(element.get("url"), 3000, f"{pointer}/url", errors)
        if element.get("style") not in (None, "primary", "danger"):
            errors.append(_err("must be one of primary, danger", f"{pointer}/style"))
    if kind == "image" and not element.get("alt_text"):
        errors.append(_err("missing required field: alt_text", pointer))
    if "placeholder" in element:
        errors += text_object_errors(
            element["placeholder"], f"{pointer}/placeholder", limit=150, plain_only=True
        )
    if kind == "plain_text_input":
        _check_len(element.get("initial_value"), 3000, f"{pointer}/initial_value", errors)
        max_length = element.get("max_length")
        if max_length is not None and not (isinstance(max_length, int) and 1 <= max_length <= 3000):
            errors.append(_err("must be between 1 and 3000", f"{pointer}/max_length"))
        min_length = element.get("min_length")
        if min_length is not None and not (isinstance(min_length, int) and 0 <= min_length <= 3000):
            errors.append(_err("must be between 0 and 3000", f"{pointer}/min_length"))
    if kind in SELECTS or kind in ("checkboxes", "radio_buttons", "overflow"):
        limit = (
            5 if kind == "overflow" else (10 if kind in ("checkboxes", "radio_buttons") else 100)
        )
        errors += _options_errors(element, pointer, limit)
    return errors


def _section_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """Validate a section block's text, fields and accessory."""
    errors: list[str] = []
    fields = block.get("fields")
    if block.get("text") is None and not fields:
        errors.append(_err("must provide either text or fields", pointer))
    if block.get("text") is not None:
        errors += text_object_errors(block["text"], f"{pointer}/text", limit=3000)
    if fields is not None:
        if not isinstance(fields, list) or not fields:
            errors.append(_err("must provide at least 1 item", f"{pointer}/fields"))
        else:
            if len(fields) > 10:
                errors.append(_err("no more than 10 items allowed", f"{pointer}/fields"))
            for i, item in enumerate(fields):
                errors += text_object_errors(item, f"{pointer}/fields/{i}", limit=2000)
    if "accessory" in block:
        errors += _element_errors(block["accessory"], f"{pointer}/accessory")
    return errors


def _elements(block: dict[str, Any], pointer: str, limit: int, errors: list[str]) -> list[Any]:
    """Return a block's elements list, noting a missing, empty or too long one."""
    elements = block.get("elements")
    if not isinstance(elements, list) or not elements:
        errors.append(_err("missing required field: elements", pointer))
        return []
    if len(elements) > limit:
        errors.append(_err(f"no more than {limit} items allowed", f"{pointer}/elements"))
    return elements


def _context_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """Context elements are images and text objects (either kind), at most 10."""
    errors: list[str] = []
    for i, element in enumerate(_elements(block, pointer, 10, errors)):
        at = f"{pointer}/elements/{i}"
        if isinstance(element, dict) and element.get("type") == "image":
            errors += _element_errors(element, at)
        else:
            errors += text_object_errors(element, at, limit=3000)
    return errors


def _actions_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """Actions hold up to 25 interactive elements with unique action_ids."""
    errors: list[str] = []
    seen: set[str] = set()
    for i, element in enumerate(_elements(block, pointer, 25, errors)):
        errors += _element_errors(element, f"{pointer}/elements/{i}")
        action_id = element.get("action_id") if isinstance(element, dict) else None
        if action_id in seen:
            errors.append(_err("action_id must be unique", f"{pointer}/elements/{i}"))
        if isinstance(action_id, str):
            seen.add(action_id)
    return errors


def _input_errors(block: dict[str, Any], pointer: str) -> list[str]:
    """An input block: a plain_text label, an optional plain_text hint, one input element."""
    errors = text_object_errors(block.get("label"), f"{pointer}/label", limit=2000, plain_only=True)
    errors += text_object_errors(
        block.get("hint"), f"{pointer}/hint", limit=2000, plain_only=True, required=False
    )
    element = block.get("element")
    kind = element.get("type") if isinstance(element, dict) else None
    if isinstance(kind, str) and kind not in INPUT_ELEMENTS:
        errors.append(_err(f"unsupported type: {kind}", f"{pointer}/element/type"))
    else:
        errors += _element_errors(element, f"{pointer}/element")
    return errors


def _block_errors(block: Any, pointer: str) -> list[str]:
    """Validate one block of any type, recursing into its elements."""
    if not isinstance(block, dict) or not isinstance(block.get("type"), str):
        return [_err("missing required field: type", pointer)]
    kind = block["type"]
    if kind not in BLOCK_TYPES:
        return [_err(f"unsupported type: {kind}", f"{pointer}/type")]
    errors: list[str] = []
    _check_id(block.get("block_id"), f"{pointer}/block_id", errors)
    if kind == "header":
        errors += text_object_errors(
            block.get("text"), f"{pointer}/text", limit=150, plain_only=True
        )
    elif kind == "markdown":
        text = block.get("text")
        if not isinstance(text, str) or not text:
            errors.append(_err("must be more than 0 characters", f"{pointer}/text"))
        else:
            _check_len(text, 12000, f"{pointer}/text", errors)
    elif kind == "section":
        errors += _section_errors(block, pointer)
    elif kind == "context":
        errors += _context_errors(block, pointer)
    elif kind == "actions":
        errors += _actions_errors(block, pointer)
    elif kind == "input":
        errors += _input_errors(block, pointer)
    elif kind == "image":
        if not block.get("image_url") and not block.get("slack_file"):
            errors.append(_err("must provide either image_url or slack_file", pointer))
        if not block.get("alt_text"):
            errors.append(_err("missing required field: alt_text", pointer))
        _check_len(block.get("alt_text"), 2000, f"{pointer}/alt_text", errors)
        errors += text_object_errors(
            block.get("title"), f"{pointer}/title", limit=2000, plain_only=True, required=False
        )
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
        required = key == "title" and kind == "modal"
        errors += text_object_errors(
            view.get(key), f"/view/{key}", limit=VIEW_TEXT_MAX, plain_only=True, required=required
        )
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
