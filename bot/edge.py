"""The first look at every request to /slack/events: refuse bad ones with a clear 4xx.

Bolt verifies signatures too, but it logs a forged body whole at INFO and answers 500 to a
timestamp that is not a number; it also trusts the shape of whatever it parses. Here a forged
request is refused with 401 and logged by size and digest, and a body Slack would never send
(nested 1,000 deep, an `event` that is a list, a number where an id belongs) gets 400 before
Bolt or a handler could trip on it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from bot.logs import digest
from bot.metrics import Metrics
from bot.shapes import COMMAND, EVENT_ENVELOPE, INTERACTIVE, MAX_DEPTH, depth, problem

log = logging.getLogger(__name__)

MAX_CLOCK_SKEW_SECONDS = 300
UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused, and with which status."""

    status: int
    reason: str


def signature_refusal(
    body: bytes, *, timestamp: str, signature: str, secret: str, now: float
) -> Refusal | None:
    """Check Slack's v0 signature; a stale or non-numeric timestamp is refused like a bad one."""
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        return Refusal(401, "timestamp_not_a_number")
    if abs(now - int(timestamp)) > MAX_CLOCK_SKEW_SECONDS:
        return Refusal(401, "stale_timestamp")
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return Refusal(401, "invalid_signature")
    return None


def body_refusal(body: bytes, *, content_type: str, charset: str | None) -> Refusal | None:
    """Whether a signed body is one Slack could have sent, in the shape the handlers read."""
    if charset is not None and charset.lower() not in UTF8:
        return Refusal(415, "charset_not_utf8")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Refusal(400, "not_utf8")
    if not text:
        return None
    # The same choice Bolt makes (slack_bolt.request.internals.parse_body).
    if content_type == "application/json" or text.startswith("{"):
        return _json_refusal(text)
    if "payload" in text:
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" not in fields:
            return None
        return _json_refusal(fields["payload"])
    fields = dict(parse_qsl(text, keep_blank_values=True))
    if "command" in fields:
        return _shape_refusal(fields, COMMAND)
    return None


def _json_refusal(text: str) -> Refusal | None:
    try:
        value = json.loads(text)
    except RecursionError:
        return Refusal(400, "nested_too_deep")
    except ValueError:
        return Refusal(400, "malformed_json")
    if not isinstance(value, dict):
        return Refusal(400, "not_an_object")
    if depth(value) > MAX_DEPTH:
        return Refusal(400, "nested_too_deep")
    # Bolt reads a body by its type, whichever way it came; so is it checked here.
    kind = value.get("type")
    if kind == "event_callback" and not isinstance(value.get("event"), dict):
        return Refusal(400, "event is missing")
    if kind == "block_actions" and not value.get("actions"):
        return Refusal(400, "actions is missing")
    spec = EVENT_ENVELOPE if kind == "event_callback" or "event" in value else INTERACTIVE
    if kind in ("url_verification", "ssl_check"):
        return None
    return _shape_refusal(value, spec)


def _shape_refusal(value: dict[str, Any], spec: Any) -> Refusal | None:
    found = problem(value, spec)
    return None if found is None else Refusal(400, found)


def build_guard(
    *,
    path: str,
    signing_secret: str | None,
    metrics: Metrics,
    clock: Callable[[], float] = time.time,
) -> Middleware:
    """The aiohttp middleware that refuses bad requests to `path` before Bolt reads them."""

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.method != "POST" or request.path != path:
            return await handler(request)
        started = time.monotonic()
        try:
            response = await _checked(request, handler)
        except web.HTTPException as error:
            _count(metrics, error.status, started)
            raise
        except BaseException:
            _count(metrics, 500, started)
            raise
        _count(metrics, response.status, started)
        return response

    async def _checked(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            log.warning("refused request: status=413 declared_bytes=%s", request.content_length)
            raise
        refusal = None
        if signing_secret is not None:
            refusal = signature_refusal(
                body,
                timestamp=request.headers.get("X-Slack-Request-Timestamp", ""),
                signature=request.headers.get("X-Slack-Signature", ""),
                secret=signing_secret,
                now=clock(),
            )
        if refusal is None:
            refusal = body_refusal(body, content_type=request.content_type, charset=request.charset)
        if refusal is not None:
            # Never the body itself: it may be huge, forged, or hold a fake log line.
            log.warning(
                "refused request: status=%d reason=%r bytes=%d sha256=%s",
                refusal.status,
                refusal.reason,
                len(body),
                digest(body),
            )
            return web.json_response({"ok": False, "error": refusal.reason}, status=refusal.status)
        return await handler(request)

    return guard


def _count(metrics: Metrics, status: int, started: float) -> None:
    outcome = "acked" if status < 400 else "refused" if status < 500 else "failed"
    metrics.requests.labels(outcome).inc()
    metrics.ack_latency.observe(time.monotonic() - started)
