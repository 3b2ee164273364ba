"""Tools the model may call (account lookup, outage status), always bound to one conversation."""

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from bot.accounts import Account, AccountIndex, parse_accounts
from bot.status import Clock, Outage, OutageList, utcnow

__all__ = ["REGIONS", "Account", "Outage", "ToolResult", "ToolScope", "Toolbox"]

logger = logging.getLogger(__name__)

Region = Literal["north", "south", "east", "west", "central", "coastal", "metro-east", "metro-west"]
REGIONS: tuple[str, ...] = get_args(Region)
_DATA_DIR = Path(__file__).parent / "data"
TeamDomains = Callable[[str], Awaitable[tuple[str, ...]]]
NO_ACCOUNT_DATA = (
    "No account data is configured for this workspace (HITL_ACCOUNTS_SOURCE is not set), so "
    "the customer's account is unknown. Do not guess account details."
)
NO_STATUS_DATA = (
    "No status data is configured for this workspace (HITL_STATUS_SOURCE is not set), so "
    "outages cannot be checked. Do not say whether there is an outage."
)


class _Frozen(BaseModel):
    """Immutable and strict: unknown fields are errors, never silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class AccountDirectory(Protocol):
    """Where accounts come from: the sample file, or the operator's file or URL."""

    async def find_by_channel(self, channel_id: str) -> Account | None: ...
    async def find_by_team(self, team_id: str) -> Account | None: ...
    async def find_by_domains(self, domains: tuple[str, ...]) -> Account | None: ...
    async def get(self, account_id: str) -> Account | None: ...


class OutageFeed(Protocol):
    """Where network status comes from: the sample file, or the operator's status page."""

    async def active_in(self, region: str | None) -> list[Outage]: ...
    async def all(self) -> list[Outage]: ...


def default_accounts_path() -> Path:
    """Return the shipped sample accounts file."""
    return _DATA_DIR / "accounts.yaml"


def default_outages_path() -> Path:
    """Return the shipped sample outages file."""
    return _DATA_DIR / "outages.yaml"


class IndexedAccounts:
    """Serve accounts from an index that a source may replace at any time."""

    def __init__(self, index: Callable[[], AccountIndex | None]) -> None:
        self._index = index

    def _current(self) -> AccountIndex:
        return self._index() or AccountIndex(())

    async def find_by_channel(self, channel_id: str) -> Account | None:
        """Return the account a channel is mapped to."""
        return self._current().by_channel(channel_id)

    async def find_by_team(self, team_id: str) -> Account | None:
        """Return the account whose Slack Connect org has this team id."""
        return self._current().by_team(team_id)

    async def find_by_domains(self, domains: tuple[str, ...]) -> Account | None:
        """Return the one account claiming any of an organisation's domains."""
        return self._current().by_domains(domains)

    async def get(self, account_id: str) -> Account | None:
        """Return an account by id (for our code only: never exposed to the model)."""
        return self._current().by_id(account_id)


class YamlAccountDirectory(IndexedAccounts):
    """Serve accounts held in memory, loaded from a YAML file."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        index = AccountIndex(accounts)
        super().__init__(lambda: index)

    @classmethod
    def from_file(cls, path: Path) -> Self:
        """Load and validate the accounts file."""
        try:
            return cls(parse_accounts(Path(path).read_text(encoding="utf-8"), fmt="yaml"))
        except ValueError as exc:
            raise ValueError(f"{path}: {exc}") from exc


class ListedOutages:
    """Serve outages from a list that a source may replace at any time."""

    def __init__(self, outages: Callable[[], OutageList | None]) -> None:
        self._outages = outages

    async def active_in(self, region: str | None) -> list[Outage]:
        """Current items, then items starting within 24 hours; None: those tied to no region."""
        current = self._outages()
        return current.current(region) if current is not None else []

    async def all(self) -> list[Outage]:
        """Return every item, in source order."""
        current = self._outages()
        return list(current.outages) if current is not None else []


class YamlOutageFeed(ListedOutages):
    """Serve outages loaded from a YAML file in the sample's shape."""

    def __init__(self, outages: Iterable[Outage], *, clock: Clock = utcnow) -> None:
        listed = OutageList(outages, clock=clock)
        super().__init__(lambda: listed)

    @classmethod
    def from_file(cls, path: Path, *, clock: Clock = utcnow) -> Self:
        """Load and validate the outages file."""
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        items = raw.get("outages") if isinstance(raw, dict) else raw
        if not isinstance(items, list):
            raise ValueError(f"{path}: expected a list under 'outages'")
        try:
            return cls(TypeAdapter(list[Outage]).validate_python(items), clock=clock)
        except ValidationError as exc:
            raise ValueError(f"{path}: {exc}") from exc


class ToolScope(_Frozen):
    """The conversation a tool call serves; set by our code, never by the model."""

    channel_id: str
    team_id: str | None = None


class ToolResult(_Frozen):
    """What a tool returns: `content` for the model, `data` for our code."""

    content: str
    is_error: bool = False
    data: dict[str, Any] = Field(default_factory=dict)


class _NoInput(_Frozen):
    pass


class _OutageInput(_Frozen):
    region: Region | None = None


TOOL_SPECS: list[dict[str, Any]] = [
    {
        "name": "lookup_account",
        "description": (
            "Return the customer account of this conversation: id, company, plan, tier, region, "
            "lines, monthly value (EUR excl. VAT), open issues, contract end. The channel fixes "
            "the account, so it takes no input and cannot see other customers. Call it before "
            "answering about the customer's plan, lines, contract or issues; never guess them."
        ),
        "input_schema": {"type": "object", "properties": {}, "additionalProperties": False},
        "strict": True,
    },
    {
        "name": "outage_status",
        "description": (
            "Return active outages and maintenance starting within 24 hours in a region: id, "
            "kind, status, services, start and expected end (UTC), a customer-readable summary. "
            "Without a region it checks the customer's own region. Call it for dropped calls, no "
            "mobile data, broadband down or delayed texts, before suggesting troubleshooting."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "region": {
                    "type": "string",
                    "enum": list(REGIONS),
                    "description": "Region to check; omit it to use the customer's own region.",
                }
            },
            "additionalProperties": False,
        },
        "strict": True,
    },
]


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _error(message: str) -> ToolResult:
    return ToolResult(content=message, is_error=True)


def _account_view(account: Account) -> dict[str, Any]:
    """Describe an account for the model, without our internal Slack routing fields."""
    return account.model_dump(
        mode="json", exclude={"slack_team_id", "channels", "domains"}, exclude_none=True
    )


@dataclass(frozen=True)
class _Tool:
    input_model: type[BaseModel]
    run: Callable[[Any, ToolScope], Awaitable[ToolResult]]
    hint: str = ""


class Toolbox:
    """Run the model's tool calls against replaceable data sources, scoped to one conversation."""

    TOOL_SPECS: ClassVar[list[dict[str, Any]]] = TOOL_SPECS

    def __init__(
        self,
        accounts: AccountDirectory,
        outages: OutageFeed,
        *,
        team_domains: TeamDomains | None = None,
        accounts_configured: bool = True,
        status_configured: bool = True,
    ) -> None:
        self._accounts = accounts
        self._outages = outages
        self._team_domains = team_domains
        self.accounts_configured = accounts_configured
        self.status_configured = status_configured
        self._tools: dict[str, _Tool] = {
            "lookup_account": _Tool(
                _NoInput,
                self._lookup_account,
                "lookup_account takes no input: it always returns the account of this "
                "conversation.",
            ),
            "outage_status": _Tool(_OutageInput, self._outage_status),
        }

    @classmethod
    def from_files(
        cls,
        accounts_path: Path | None = None,
        outages_path: Path | None = None,
        *,
        clock: Clock = utcnow,
    ) -> Self:
        """Build a toolbox over YAML files, the shipped samples by default."""
        accounts = YamlAccountDirectory.from_file(accounts_path or default_accounts_path())
        outages = YamlOutageFeed.from_file(outages_path or default_outages_path(), clock=clock)
        return cls(accounts, outages)

    @classmethod
    def unconfigured(cls) -> Self:
        """A toolbox that knows no accounts and no outages, and says so."""
        return cls(
            IndexedAccounts(lambda: None),
            ListedOutages(lambda: None),
            accounts_configured=False,
            status_configured=False,
        )

    async def name_of(self, slack_id: str) -> str | None:
        """The account name behind a Slack team or channel id, for reports to staff."""
        account = await self._accounts.find_by_team(
            slack_id
        ) or await self._accounts.find_by_channel(slack_id)
        return account.name if account else None

    async def account_for(self, scope: ToolScope) -> Account | None:
        """Return the account behind a conversation: its channel, else its Slack org.

        The org is found by team id, and by its domains when no account names the team id.
        """
        by_channel = await self._accounts.find_by_channel(scope.channel_id)
        by_team = await self._accounts.find_by_team(scope.team_id) if scope.team_id else None
        if by_team is None and scope.team_id and self._team_domains is not None:
            domains = await self._team_domains(scope.team_id)
            by_team = await self._accounts.find_by_domains(domains) if domains else None
        if by_channel and by_team and by_channel.account_id != by_team.account_id:
            # A member of one customer's org in another customer's channel: show neither.
            logger.warning(
                "channel %s and team %s map to different accounts", scope.channel_id, scope.team_id
            )
            return None
        return by_channel or by_team

    def card_facts(self, account: Account | None) -> tuple[tuple[str, str], ...]:
        """What an escalation card says about the account (or why it shows none)."""
        if account is None:
            if not self.accounts_configured:
                return (("Account", "no account data configured (HITL_ACCOUNTS_SOURCE)"),)
            return (("Account", "not found for this channel"),)
        facts = [("Account", f"{account.name} ({account.account_id})")]
        plan = " · ".join(part for part in (account.plan, account.tier) if part)
        if plan:
            facts.append(("Plan", plan))
        if account.monthly_value is not None:
            money = f"{account.monthly_value:,.0f}"
            facts.append(
                ("Monthly value", f"{money} {account.currency}" if account.currency else money)
            )
        if account.owner:
            facts.append(("Owner", account.owner))
        if account.region:
            facts.append(("Region", account.region))
        if account.open_issues:
            facts.append(("Open issues", "; ".join(account.open_issues)))
        return tuple(facts)

    async def call(self, name: str, tool_input: Any, *, scope: ToolScope) -> ToolResult:
        """Run one tool call; every failure becomes an error result the model can act on."""
        tool = self._tools.get(name)
        if tool is None:
            return _error(f"Unknown tool {name!r}. Available tools: {', '.join(self._tools)}.")
        if not isinstance(tool_input, dict):
            return _error(f"Invalid input for {name}: expected a JSON object.")
        try:
            parsed = tool.input_model.model_validate(tool_input)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or 'input'}: {e['msg']}" for e in exc.errors()
            )
            return _error(f"Invalid input for {name}: {problems}. {tool.hint}".strip())
        try:
            return await tool.run(parsed, scope)
        except Exception:
            # A broken data source must not end the conversation: the model is told, and escalates.
            logger.exception("tool %s failed", name)
            return _error(f"{name} is unavailable right now; do not guess the answer.")

    async def _lookup_account(self, _: _NoInput, scope: ToolScope) -> ToolResult:
        account = await self.account_for(scope)
        if account is None:
            if not self.accounts_configured:
                return ToolResult(content=NO_ACCOUNT_DATA, data={"account": None})
            return ToolResult(
                content="No customer account is linked to this conversation. "
                "Do not guess account details.",
                data={"account": None},
            )
        view = _account_view(account)
        return ToolResult(content=_compact({"account": view}), data={"account": view})

    async def _outage_status(self, parsed: _OutageInput, scope: ToolScope) -> ToolResult:
        if not self.status_configured:
            return ToolResult(content=NO_STATUS_DATA, data={"outages": [], "note": NO_STATUS_DATA})
        region: str | None = parsed.region
        if region is None:
            account = await self.account_for(scope)
            region = account.region if account else None
        found = await self._outages.active_in(region)
        if region is None and not found and await self._has_regional_items():
            return _error(
                "No account with a region is linked to this conversation. "
                f"Pass a region: one of {', '.join(REGIONS)}."
            )
        outages = [o.model_dump(mode="json", exclude_none=True) for o in found]
        data: dict[str, Any] = {"region": region, "outages": outages}
        if not outages:
            data["note"] = "No active outages or maintenance starting within 24 hours."
        return ToolResult(content=_compact(data), data=data)

    async def _has_regional_items(self) -> bool:
        return any(o.region is not None for o in await self._outages.all())
