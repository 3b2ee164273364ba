"""Realistic local stand-ins for Slack, the Claude Messages API and a status page."""

from .anthropic import AnthropicEmulator
from .anthropic_replies import Reply, error, json_reply, text_reply, tool_use
from .calls import ApiCall
from .delivery import Delivery, SlackDelivery
from .errors import ButtonNotFound, EmulatorTimeout, EmulatorUsageError
from .slack import SlackEmulator
from .slack_models import Channel, Team, User, ViewRecord
from .statuspage import JsonDocumentServer, StatuspageEmulator

__all__ = [
    "AnthropicEmulator",
    "ApiCall",
    "ButtonNotFound",
    "Channel",
    "Delivery",
    "EmulatorTimeout",
    "EmulatorUsageError",
    "JsonDocumentServer",
    "Reply",
    "SlackDelivery",
    "SlackEmulator",
    "StatuspageEmulator",
    "Team",
    "User",
    "ViewRecord",
    "error",
    "json_reply",
    "text_reply",
    "tool_use",
]
