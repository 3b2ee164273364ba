"""The services handlers may reach, put on Bolt's context by one middleware."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.actions import AgentActions
from bot.command_access import CommandAccess
from bot.desk import Desk
from bot.digest import DigestService
from bot.intake import Intake
from bot.responder import Responder
from bot.worker import Worker

DEPS_KEY = "hitl_deps"


@dataclass(frozen=True)
class Deps:
    """Everything a listener needs, built once by the composition root."""

    intake: Intake
    responder: Responder
    desk: Desk
    actions: AgentActions
    digest: DigestService
    worker: Worker
    agent_channel: str
    command_access: CommandAccess


def deps_from(context: Any) -> Deps:
    """The typed accessor handlers use instead of globals."""
    deps = context.get(DEPS_KEY)
    if not isinstance(deps, Deps):
        raise RuntimeError("Deps missing from the Bolt context: is the middleware registered?")
    return deps
