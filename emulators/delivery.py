"""Sign and POST Events API requests to the app like Slack does, and record the answers."""

from __future__ import annotations

import copy
import json
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from slack_sdk.signature import SignatureVerifier

from . import payloads
from .errors import EmulatorUsageError
from .slack_state import Workspace

if TYPE_CHECKING:
    from .slack import SlackEmulator

FORM = "application/x-www-form-urlencoded"
# Slack gives up on any request (event, interaction, command) not answered within 3 seconds.
ACK_DEADLINE_SECONDS = 3.0
MAX_EVENT_RETRIES = 3
SLACK_USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


@dataclass(frozen=True)
class Delivery:
    """One request Slack made to the app and the app's answer."""

    status: int
    body: str
    json: dict[str, Any] | None
    payload: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    elapsed: float = 0.0
    request_body: bytes = b""
    content_type: str = "application/json"

    @property
    def ok(self) -> bool:
        """Return whether the app acknowledged with a 2xx."""
        return 200 <= self.status < 300

    @property
    def late(self) -> bool:
        """Return whether the answer came after Slack's 3-second deadline (Slack gave up)."""
        return self.elapsed > ACK_DEADLINE_SECONDS

    @property
    def ts(self) -> str | None:
        """Return the ts of the delivered message event, if this was one."""
        event = self.payload.get("event")
        return event.get("ts") if isinstance(event, dict) else None


def _parse_payload(body: bytes, content_type: str) -> dict[str, Any]:
    """Decode what we sent so tests can inspect it (JSON, form, or form with payload=)."""
    try:
        if content_type.startswith("application/json"):
            parsed = json.loads(body)
            return parsed if isinstance(parsed, dict) else {}
        fields = dict(urllib.parse.parse_qsl(body.decode(), keep_blank_values=True))
        return json.loads(fields["payload"]) if "payload" in fields else fields
    except (ValueError, UnicodeDecodeError):
        return {}


class SlackDelivery:
    """Sign and POST requests to one app request URL on behalf of the emulated workspace."""

    def __init__(
        self,
        emulator: SlackEmulator,
        request_url: str,
        signing_secret: str,
        *,
        verification_token: str = "emulator-verification-token",
    ) -> None:
        self.emulator = emulator
        self.request_url = request_url
        self.verifier = SignatureVerifier(signing_secret)
        self.token = verification_token
        self.sent: list[Delivery] = []
        self._session: aiohttp.ClientSession | None = None

    @property
    def ws(self) -> Workspace:
        """Return the workspace whose users are acting."""
        return self.emulator.workspace

    @property
    def has_session(self) -> bool:
        """Return whether an HTTP session is open (it is created on first send)."""
        return self._session is not None

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    # -- transport -----------------------------------------------------------------------------

    async def send_raw(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: str | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Delivery:
        """POST exact bytes, signed correctly unless a signature/timestamp is forced."""
        stamp = timestamp or str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "User-Agent": SLACK_USER_AGENT,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature
            or self.verifier.generate_signature(timestamp=stamp, body=body)
            or "",
            **(extra_headers or {}),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        started = time.perf_counter()
        async with self._session.post(self.request_url, data=body, headers=headers) as response:
            text = await response.text()
            status, answer_headers = response.status, dict(response.headers)
        try:
            answer = json.loads(text) if text else None
        except ValueError:
            answer = None
        delivery = Delivery(
            status=status,
            body=text,
            json=answer if isinstance(answer, dict) else None,
            payload=_parse_payload(body, content_type),
            headers=answer_headers,
            elapsed=time.perf_counter() - started,
            request_body=body,
            content_type=content_type,
        )
        self.sent.append(delivery)
        if delivery.late:
            kind = delivery.payload.get("type") or delivery.payload.get("command") or "request"
            self.ws.late_acks.append({"kind": str(kind), "elapsed": delivery.elapsed})
            await self._retry_late_event(delivery, extra_headers or {})
        return delivery

    async def _retry_late_event(self, delivery: Delivery, headers: dict[str, str]) -> None:
        """Redeliver an event acknowledged too late, as Slack does (up to 3 retries).

        Slack retries Events API requests that took longer than 3 seconds; interactivity and
        slash commands are not retried (the person sees an error instead).
        """
        if delivery.payload.get("type") != "event_callback":
            return
        previous = int(headers.get("X-Slack-Retry-Num", "0"))
        if previous >= MAX_EVENT_RETRIES:
            return
        await self.redeliver(delivery, retry_num=previous + 1, reason="http_timeout")

    async def _post_json(self, payload: dict[str, Any], retry_num: int | None) -> Delivery:
        """POST an Events API body as JSON, with retry headers when retry_num is set."""
        extra = _retry_headers(retry_num, "http_timeout")
        body = json.dumps(payload).encode()
        return await self.send_raw(body, content_type="application/json", extra_headers=extra)

    async def post_form(self, fields: dict[str, str]) -> Delivery:
        """POST flat form fields (slash commands)."""
        return await self.send_raw(urllib.parse.urlencode(fields).encode(), content_type=FORM)

    async def post_interactive(self, payload: dict[str, Any]) -> Delivery:
        """POST an interactive payload as the single form field payload=<json>."""
        return await self.post_form({"payload": json.dumps(payload)})

    async def redeliver(
        self, delivery: Delivery, retry_num: int = 1, reason: str = "http_timeout"
    ) -> Delivery:
        """Re-send the same body (same event_id) as Slack's retry N, freshly signed."""
        extra = _retry_headers(retry_num, reason)
        return await self.send_raw(
            delivery.request_body, content_type=delivery.content_type, extra_headers=extra
        )

    # -- events --------------------------------------------------------------------------------

    async def send_event(
        self, event: dict[str, Any], *, retry_num: int | None = None, **overrides: Any
    ) -> Delivery:
        """Deliver an arbitrary event wrapped in a realistic envelope."""
        event = copy.deepcopy(event)
        if "ts" in event:
            event.setdefault("event_ts", event["ts"])
        body = payloads.envelope(
            self.ws, event, token=self.token, event_time=int(self.ws.clock()), **overrides
        )
        return await self._post_json(body, retry_num)

    async def user_says(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        retry_num: int | None = None,
        event_id: str | None = None,
    ) -> Delivery:
        """Store a human's message and deliver its message event to the app."""
        message = self.emulator.post_as_user(channel, user, text, thread_ts=thread_ts)
        event = payloads.as_event(self.ws.channels[channel], message)
        overrides = {"event_id": event_id} if event_id else {}
        return await self.send_event(event, retry_num=retry_num, **overrides)

    async def user_edits(self, channel: str, user: str, ts: str, text: str) -> Delivery:
        """Edit a human's message and deliver the message_changed event."""
        message = self.ws.find_message(channel, ts)
        if message is None or message.get("user") != user:
            raise EmulatorUsageError(f"{user} has no message {ts} in {channel} to edit")
        previous = copy.deepcopy(message)
        edit_ts = self.ws.next_ts()
        message.update(
            text=text, blocks=payloads.rich_text(text), edited={"user": user, "ts": edit_ts}
        )
        self.ws.publish(
            "message_changed", channel=channel, ts=ts, message=message, previous=previous
        )
        return await self.send_event(
            self._changed_event(
                channel,
                "message_changed",
                edit_ts,
                {"message": copy.deepcopy(message), "previous_message": previous},
            )
        )

    async def user_deletes(self, channel: str, user: str, ts: str) -> Delivery:
        """Delete a human's message and deliver the message_deleted event."""
        message = self.ws.find_message(channel, ts)
        if message is None or message.get("user") != user:
            raise EmulatorUsageError(f"{user} has no message {ts} in {channel} to delete")
        self.ws.remove_message(channel, ts)
        return await self.send_event(
            self._changed_event(
                channel,
                "message_deleted",
                self.ws.next_ts(),
                {"deleted_ts": ts, "previous_message": message},
            )
        )

    def _changed_event(
        self, channel: str, subtype: str, ts: str, extra: dict[str, Any]
    ) -> dict[str, Any]:
        """Build a hidden message_changed/message_deleted event."""
        found = self.ws.channels[channel]
        return {
            "type": "message",
            "subtype": subtype,
            "hidden": True,
            "channel": channel,
            "ts": ts,
            "event_ts": ts,
            "channel_type": payloads.channel_type(found),
            **extra,
        }


def _retry_headers(retry_num: int | None, reason: str) -> dict[str, str]:
    """Return Slack's retry headers for a retry number (none for the first try)."""
    if retry_num is None:
        return {}
    return {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": reason}
