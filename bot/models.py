"""Frozen values the core takes and returns, parsed at the edge from Slack payloads."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Frozen(BaseModel):
    """Immutable value object."""

    model_config = ConfigDict(frozen=True)


class AuthorKind(StrEnum):
    """Who wrote a message, as the bot must treat it."""

    CUSTOMER = "customer"
    STAFF = "staff"
    BOT = "bot"


class IncomingMessage(Frozen):
    """A new message in a channel the bot is in, reduced to what the core needs."""

    event_id: str | None
    channel_id: str
    ts: str
    thread_ts: str | None
    user_id: str | None
    user_team_id: str | None
    installed_team_id: str | None
    text: str
    subtype: str | None = None
    bot_id: str | None = None
    is_ext_shared_channel: bool = False

    @property
    def root_ts(self) -> str:
        """The thread the message belongs to (its own ts when it starts one)."""
        return self.thread_ts or self.ts


class Source(Frozen):
    """A knowledge-base article an answer stands on."""

    title: str
    url: str


class Passage(Frozen):
    """A ranked section of a knowledge-base article."""

    article_id: str
    title: str
    url: str
    text: str  # the section as one passage: its heading line, then the body
    score: float
    heading: str = ""  # the heading path above the body ("" for opening paragraphs)
    body: str = ""
    items: tuple[str, ...] = ()  # the list items, when the body is a list


class Turn(Frozen):
    """One earlier message of the thread, as the engines see it."""

    role: str  # customer | bot | staff
    text: str
