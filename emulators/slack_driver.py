"""Let tests act as Slack users toward the connected app (messages, clicks, modals)."""

from __future__ import annotations

import asyncio
from typing import Any

from .delivery import Delivery, SlackDelivery
from .interactions import Interactions


class AppDriver:
    """Mixin for SlackEmulator: connect the app's request URL and deliver user actions to it."""

    _delivery: SlackDelivery | None = None
    _interactions: Interactions | None = None

    def connect_app(self, request_url: str, signing_secret: str) -> SlackDelivery:
        """Point event and interactivity delivery at the app's request URL."""
        if self._delivery is not None and self._delivery.has_session:
            # The old session belongs to the running loop; close it there.
            asyncio.get_running_loop().create_task(self._delivery.close())
        self._delivery = SlackDelivery(self, request_url, signing_secret)  # type: ignore[arg-type]
        self._interactions = Interactions(self._delivery)
        return self._delivery

    @property
    def delivery(self) -> SlackDelivery:
        """Return the connected app's delivery client."""
        if self._delivery is None:
            raise RuntimeError("call emulator.connect_app(request_url, signing_secret) first")
        return self._delivery

    @property
    def interactions(self) -> Interactions:
        """Return the connected app's interactivity driver."""
        if self._interactions is None:
            raise RuntimeError("call emulator.connect_app(request_url, signing_secret) first")
        return self._interactions

    async def disconnect_app(self) -> None:
        """Close the delivery session (done by stop() too)."""
        if self._delivery is not None:
            await self._delivery.close()

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
        """Post a human's message and deliver its event to the app."""
        return await self.delivery.user_says(
            channel, user, text, thread_ts=thread_ts, retry_num=retry_num, event_id=event_id
        )

    async def user_edits(self, channel: str, user: str, ts: str, text: str) -> Delivery:
        """Edit a human's message and deliver message_changed."""
        return await self.delivery.user_edits(channel, user, ts, text)

    async def user_deletes(self, channel: str, user: str, ts: str) -> Delivery:
        """Delete a human's message and deliver message_deleted."""
        return await self.delivery.user_deletes(channel, user, ts)

    async def send_event(self, event: dict[str, Any], **envelope_overrides: Any) -> Delivery:
        """Deliver an arbitrary event in a realistic envelope."""
        return await self.delivery.send_event(event, **envelope_overrides)

    async def send_raw(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: str | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> Delivery:
        """POST exact bytes to the app (forged signatures, stale timestamps...)."""
        return await self.delivery.send_raw(
            body,
            content_type=content_type,
            timestamp=timestamp,
            signature=signature,
            extra_headers=extra_headers,
        )

    async def redeliver(
        self, delivery: Delivery, retry_num: int = 1, reason: str = "http_timeout"
    ) -> Delivery:
        """Re-send a delivery as Slack's retry number `retry_num`."""
        return await self.delivery.redeliver(delivery, retry_num, reason)

    async def click(
        self,
        user: str,
        channel: str,
        message_ts: str,
        action_id: str,
        *,
        value: str | None = None,
        block_id: str | None = None,
    ) -> Delivery:
        """Click a button on a message (or on an ephemeral the user sees)."""
        return await self.interactions.click(
            user, channel, message_ts, action_id, value=value, block_id=block_id
        )

    async def submit_view(
        self, user: str, view_id: str, values: dict[str, dict[str, Any]]
    ) -> Delivery:
        """Submit a modal with values[block_id][action_id] and apply the app's answer."""
        return await self.interactions.submit_view(user, view_id, values)

    async def close_view(self, user: str, view_id: str) -> Delivery | None:
        """Cancel a modal (delivers view_closed when notify_on_close is set)."""
        return await self.interactions.close_view(user, view_id)

    async def slash_command(
        self, user: str, channel: str, command: str, text: str = ""
    ) -> Delivery:
        """Run a slash command as a user."""
        return await self.interactions.slash_command(user, channel, command, text)
