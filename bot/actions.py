"""What agents do on a card: Approve, Edit, Take over, Hand back, Resolve.

Each action is one compare-and-set on the escalation's status, so of two clicks at the same
moment exactly one acts; the other is told who already handled it. Only members of the agent
channel who belong to our own workspace may act.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timedelta

from rapidfuzz.distance import Levenshtein
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels import ChannelDirectory
from bot.compensation import over_limit
from bot.desk import Desk
from bot.identity import IdentityCache
from bot.models import Frozen
from bot.mrkdwn import escape_around_tokens
from bot.outbox import Outbox
from bot.policy import Policy
from bot.tools import Toolbox
from storage.escalations import EscalationStore
from storage.store import Store
from storage.tables import Escalation, utcnow

log = logging.getLogger(__name__)

MAX_REPLY_CHARS = 3000  # one section block: what the customer sees in full
RETRY_SEND_AFTER = timedelta(minutes=1)
MEMBERS_TTL_SECONDS = 60.0
CARD_TS_WAIT_STEPS = 20
CARD_TS_WAIT_SECONDS = 0.1


class Actor(Frozen):
    """Who clicked, as the interactive payload says."""

    user_id: str
    team_id: str | None


class ClickedOn(Frozen):
    """The message a button was clicked on, as the payload's container names it."""

    channel_id: str
    message_ts: str


class Outcome(Frozen):
    """What the clicker should be told (ephemeral), if anything."""

    done: bool
    notice: str | None = None


class AgentActions:
    """Carry out agents' decisions on escalations, once each, by the right people."""

    def __init__(
        self,
        *,
        client: AsyncWebClient,
        store: Store,
        escalations: EscalationStore,
        desk: Desk,
        outbox: Outbox,
        toolbox: Toolbox,
        policy: Policy,
        channels: ChannelDirectory,
        identity: IdentityCache,
    ) -> None:
        self._channels = channels
        self._client = client
        self._store = store
        self._escalations = escalations
        self._desk = desk
        self._outbox = outbox
        self._toolbox = toolbox
        self._policy = policy
        self._identity = identity
        self._members: tuple[float, frozenset[str]] | None = None

    async def refusal(self, actor: Actor) -> str | None:
        """Why this person may not act on cards, or None when they may."""
        if actor.team_id != await self._our_team():
            return "Only members of the support team can act on escalations."
        try:
            members = await self._agent_members()
        except SlackApiError as error:
            log.error("cannot list agent channel members: %s", error.response.get("error"))
            return "I could not check your access right now; please try again."
        if actor.user_id not in members:
            return "Only members of the agent channel can act on escalations."
        return None

    async def misplaced(self, escalation_id: int, clicked_on: ClickedOn) -> str | None:
        """Why a card button may not act on this escalation from where it was clicked.

        A button acts only on the escalation whose card carries it, and only in the agent
        channel: a value copied onto another message cannot reach another customer's draft.
        """
        if clicked_on.channel_id != self._desk.agent_channel:
            log.warning(
                "card action refused: escalation=%s clicked in channel=%r, not the agent channel",
                escalation_id,
                clicked_on.channel_id,
            )
            return "Escalations can only be handled from the agent channel."
        escalation = await self._escalations.get(escalation_id)
        # The card's ts is stored once chat.postMessage has answered: a click in that moment
        # waits for it rather than being refused.
        for _ in range(CARD_TS_WAIT_STEPS):
            if escalation is None or escalation.card_ts is not None:
                break
            await asyncio.sleep(CARD_TS_WAIT_SECONDS)
            escalation = await self._escalations.get(escalation_id)
        if escalation is None:
            return "This escalation no longer exists."
        if (escalation.card_channel, escalation.card_ts) != (
            clicked_on.channel_id,
            clicked_on.message_ts,
        ):
            log.warning(
                "card action refused: escalation=%s clicked on channel=%r ts=%r, its card is "
                "channel=%r ts=%r",
                escalation_id,
                clicked_on.channel_id,
                clicked_on.message_ts,
                escalation.card_channel,
                escalation.card_ts,
            )
            return "This button does not belong to this card; nothing was done."
        return None

    async def _agent_members(self) -> frozenset[str]:
        """The agent channel's members, every page, cached briefly (Edit has 3 s to open)."""
        now = time.monotonic()
        if self._members is not None and now - self._members[0] < MEMBERS_TTL_SECONDS:
            return self._members[1]
        members: set[str] = set()
        cursor: str | None = None
        while True:
            page = await self._client.conversations_members(
                channel=self._desk.agent_channel, cursor=cursor, limit=200
            )
            members.update(page.get("members", []))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                break
        self._members = (now, frozenset(members))
        return self._members[1]

    async def approve(self, escalation_id: int, actor: Actor) -> Outcome:
        """Send the stored draft unchanged."""
        escalation = await self._escalations.get(escalation_id)
        if escalation is None:
            return Outcome(done=False, notice="This escalation no longer exists.")
        if escalation.over_limit:
            return Outcome(
                done=False,
                notice=f"The draft breaks the compensation policy ({escalation.over_limit}): "
                "use Edit.",
            )
        return await self._send(escalation, actor, text=escalation.draft, action="approved")

    async def editable(
        self, escalation_id: int | None, actor: Actor
    ) -> tuple[Escalation | None, str | None]:
        """The escalation this agent may open in the Edit modal now, or why not."""
        refusal = await self.refusal(actor)
        if refusal is not None:
            return None, refusal
        escalation = await self._escalations.get(escalation_id) if escalation_id else None
        if escalation is None or escalation.status != "pending":
            return None, handled_by(escalation)
        return escalation, None

    async def edit_errors(self, escalation_id: int, text: str) -> str | None:
        """Why an edited reply cannot be sent, in words for the modal; None when it can."""
        stripped = text.strip()
        if not stripped:
            return "Write a reply before sending."
        if len(stripped) > MAX_REPLY_CHARS:
            return f"Keep the reply under {MAX_REPLY_CHARS} characters ({len(stripped)} now)."
        escalation = await self._escalations.get(escalation_id)
        if escalation is None:
            return "This escalation no longer exists."
        tier, fee = await self._tier(escalation)
        problem = over_limit(stripped, self._policy.compensation, tier=tier, monthly_fee=fee)
        if problem:
            return f"Over the compensation policy: {problem}."
        return None

    async def send_edited(self, escalation_id: int, actor: Actor, text: str) -> Outcome:
        """Send an agent's edited reply (validated by `edit_errors` first)."""
        escalation = await self._escalations.get(escalation_id)
        if escalation is None:
            return Outcome(done=False, notice="This escalation no longer exists.")
        # Typed text is escaped once here; the draft's links, kept as tokens in the modal, stay.
        reply = escape_around_tokens(text.strip())
        return await self._send(escalation, actor, text=reply, action="edited")

    async def take_over(self, escalation_id: int, actor: Actor) -> Outcome:
        """Give the conversation to the agent; the bot stays silent in that thread."""
        escalation = await self._escalations.transition(
            escalation_id=escalation_id,
            expected=("pending",),
            status="taken_over",
            actor_user_id=actor.user_id,
            conversation_state="taken_over",
            owner_user_id=actor.user_id,
            action="taken_over",
        )
        if escalation is None:
            return await self._already_handled(escalation_id)
        await self._desk.refresh_card(escalation)
        return Outcome(done=True)

    async def hand_back(self, escalation_id: int, actor: Actor) -> Outcome:
        """The owner gives the thread back to the bot."""
        return await self._close_owned(escalation_id, actor, status="handed_back")

    async def resolve(self, escalation_id: int, actor: Actor) -> Outcome:
        """The owner marks the conversation resolved; a new message reopens it."""
        return await self._close_owned(escalation_id, actor, status="resolved")

    async def staff_replied(self, *, conversation_id: int, user_id: str) -> None:
        """An agent wrote in the customer's thread: that is taking it over.

        Only agents count: a colleague from elsewhere in the company chiming in changes nothing.
        """
        if await self.refusal(Actor(user_id=user_id, team_id=await self._our_team())):
            return
        escalation = await self._escalations.open_for(conversation_id=conversation_id)
        if escalation is not None and escalation.id is not None:
            if escalation.status == "pending":
                await self.take_over(escalation.id, Actor(user_id=user_id, team_id=None))
            return
        conversation = await self._store.conversation(conversation_id)
        if conversation is not None:
            await self._desk.record_take_over(conversation=conversation, user_id=user_id)

    async def deliver_unsent(self, *, now: datetime | None = None) -> int:
        """Send decided replies a Slack failure kept from the customer (a scheduled job)."""
        cutoff = (now or utcnow()) - RETRY_SEND_AFTER
        sent = 0
        for escalation in await self._escalations.unsent(decided_before=cutoff):
            assert escalation.id is not None
            sent += await self._deliver_reply(escalation.id)
        return sent

    async def _our_team(self) -> str:
        return (await self._identity.get()).team_id

    async def _close_owned(self, escalation_id: int, actor: Actor, *, status: str) -> Outcome:
        current = await self._escalations.get(escalation_id)
        if current is None:
            return Outcome(done=False, notice="This escalation no longer exists.")
        if current.status == "taken_over" and current.actor_user_id != actor.user_id:
            return Outcome(
                done=False, notice=f"Only <@{current.actor_user_id}>, who took this over, can."
            )
        escalation = await self._escalations.transition(
            escalation_id=escalation_id,
            expected=("taken_over",),
            status=status,
            actor_user_id=actor.user_id,
            conversation_state="open" if status == "handed_back" else "resolved",
            owner_user_id=None,
            closes=True,
        )
        if escalation is None:
            return await self._already_handled(escalation_id)
        await self._desk.refresh_card(escalation)
        return Outcome(done=True)

    async def _send(
        self, escalation: Escalation, actor: Actor, *, text: str, action: str
    ) -> Outcome:
        assert escalation.id is not None
        won = await self._escalations.transition(
            escalation_id=escalation.id,
            expected=("pending",),
            status=action,
            actor_user_id=actor.user_id,
            conversation_state="escalated",  # silent until the reply is out (see mark_sent)
            owner_user_id=None,
            final_text=text,
            action=action,
            closes=True,
            edit_distance=Levenshtein.distance(escalation.draft, text),
        )
        if won is None:
            return await self._already_handled(escalation.id)
        if not await self._deliver_reply(escalation.id):
            return Outcome(
                done=True,
                notice="Slack did not take the reply just now; it is stored and will be sent "
                "automatically within a minute or two.",
            )
        return Outcome(done=True)

    async def _deliver_reply(self, escalation_id: int) -> int:
        """Send a decided reply once: claimed first, released again if Slack refuses it."""
        claimed = await self._escalations.claim_send(escalation_id=escalation_id)
        if claimed is None:
            return 0
        conversation = await self._store.conversation(claimed.conversation_id)
        assert conversation is not None and conversation.id is not None
        try:
            await self._outbox.send_human_reply(
                conversation, claimed, actor_user_id=claimed.actor_user_id or ""
            )
        except SlackApiError as error:
            log.warning("reply for escalation %s not sent: %s", escalation_id, error)
            await self._escalations.unclaim_send(escalation_id=escalation_id)
            return 0
        await self._escalations.mark_sent(
            escalation_id=escalation_id, conversation_id=conversation.id
        )
        await self._desk.refresh_card(claimed)
        return 1

    async def _already_handled(self, escalation_id: int) -> Outcome:
        current = await self._escalations.get(escalation_id)
        return Outcome(done=False, notice=handled_by(current))

    async def _tier(self, escalation: Escalation) -> tuple[str | None, float | None]:
        conversation = await self._store.conversation(escalation.conversation_id)
        if conversation is None:
            return None, None
        account = await self._toolbox.account_for(await self._channels.scope_for(conversation))
        return (account.tier, account.monthly_value) if account else (None, None)


def handled_by(escalation: Escalation | None) -> str:
    """The polite refusal for a click on an escalation someone already acted on."""
    who = f"<@{escalation.actor_user_id}>" if escalation and escalation.actor_user_id else "someone"
    return f"This escalation was already handled by {who}."
