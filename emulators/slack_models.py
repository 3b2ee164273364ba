"""Describe the nouns of a workspace: teams, users, channels, views, triggers, files."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Team:
    """A Slack workspace: ours (the vendor) or a Slack Connect customer's."""

    id: str
    name: str
    domain: str
    email_domain: str = ""

    def to_api(self) -> dict[str, Any]:
        """Render the team.info `team` object."""
        return {
            "id": self.id,
            "name": self.name,
            "domain": self.domain,
            "email_domain": self.email_domain,
            "icon": {"image_default": True},
        }


@dataclass
class User:
    """A human or bot member of some team."""

    id: str
    name: str
    team_id: str
    real_name: str
    is_bot: bool = False
    is_admin: bool = False
    bot_id: str | None = None
    tz: str = "America/New_York"
    # Guests of our workspace: multi-channel (restricted) or single-channel (ultra restricted).
    is_restricted: bool = False
    is_ultra_restricted: bool = False

    def to_api(self) -> dict[str, Any]:
        """Render the users.info `user` object."""
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.name,
            "team": self.team_id,
        }
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": self.team_id,
            "name": self.name,
            "deleted": False,
            "real_name": self.real_name,
            "tz": self.tz,
            "tz_label": "Eastern Standard Time",
            "tz_offset": -18000,
            "profile": profile,
            "is_admin": self.is_admin,
            "is_owner": False,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "is_restricted": self.is_restricted,
            "is_ultra_restricted": self.is_ultra_restricted,
            "updated": 1700000000,
        }


@dataclass
class Channel:
    """A conversation with its members and its messages (top level and replies, ts order)."""

    id: str
    name: str
    is_private: bool
    is_ext_shared: bool
    connected_team_ids: list[str]
    members: list[str]
    created: int
    messages: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ViewRecord:
    """A modal (or Home tab) the app opened for one user, with its lifecycle."""

    id: str
    user: str
    view: dict[str, Any]
    is_open: bool = True
    stack: list[str] = field(default_factory=list)
    history: list[str] = field(default_factory=list)


@dataclass
class Trigger:
    """A trigger_id handed to the app: usable once, within 3 seconds of the emulator clock."""

    id: str
    user: str
    created_at: float
    used: bool = False


@dataclass
class StoredFile:
    """A file announced by files.getUploadURLExternal, with its bytes once uploaded."""

    id: str
    name: str
    length: int
    data: bytes | None = None
    title: str | None = None
    mimetype: str = "application/octet-stream"


def domain_for(name: str) -> str:
    """Derive a Slack-like subdomain ("Brightwave Telecom" -> "brightwave")."""
    first = name.split()[0] if name.split() else "workspace"
    return re.sub(r"[^a-z0-9-]", "", first.lower()) or "workspace"
