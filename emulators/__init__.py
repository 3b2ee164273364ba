"""Realistic local stand-ins for Slack and the Claude Messages API, for tests and the sandbox."""

from .anthropic import AnthropicEmulator
from .anthropic_replies import Reply, error, json_reply, text_reply, tool_use
from .calls import ApiCall
from .delivery import Delivery, SlackDelivery
from .errors import ButtonNotFound, EmulatorTimeout, EmulatorUsageError
from .slack import SlackEmulator
from .slack_models import Channel, Team, User, ViewRecord

__all__ = [
    "AnthropicEmulator",
    "ApiCall",
    "ButtonNotFound",
    "Channel",
    "Delivery",
    "EmulatorTimeout",
    "EmulatorUsageError",
    "Reply",
    "SlackDelivery",
    "SlackEmulator",
    "Team",
    "User",
    "ViewRecord",
    "error",
    "json_reply",
    "text_reply",
    "tool_use",
]
