"""Tell one person something privately, even when they are not in the channel they clicked in."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

# Slack refuses an ephemeral message to someone outside the channel (a public channel can be
# read, and its buttons clicked, without joining it).
NOT_IN_CHANNEL = frozenset({"user_not_in_channel", "not_in_channel", "channel_not_found"})


async def tell_privately(client: AsyncWebClient, *, channel: str, user: str, text: str) -> None:
    """An ephemeral message in the channel, or a direct message when Slack refuses that."""
    try:
        await client.chat_postEphemeral(channel=channel, user=user, text=text)
    except SlackApiError as error:
        if error.response.get("error") not in NOT_IN_CHANNEL:
            raise
        await client.chat_postMessage(channel=user, text=text)
