"""Tools the model may call (account lookup, outage status), always bound to one conversation."""

import json
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from operator import attrgetter
from pathlib import Path
from typing import Any, ClassVar, Literal, Protocol, Self, TypeVar, get_args

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

logger = logging.getLogger(__name__)

Region = Literal["north", "south", "east", "west", "central", "coastal", "metro-east", "metro-west"]
REGIONS: tuple[str, ...] = get_args(Region)
Tier = Literal["standard", "business", "enterprise"]
Service = Literal["mobile_voice", "mobile_data", "broadband", "sms"]
SCHEDULED_HORIZON = timedelta(hours=24)
_DATA_DIR = Path(__file__).parent / "data"
Clock = Callable[[], datetime]


class _Frozen(BaseModel):
    """Immutable and strict: unknown fields are errors, never silently dropped."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class Account(_Frozen):
    """A business customer and the Slack channels and org that speak for it."""

    account_id: str = Field(pattern=r"^BW-\d{5}$")
    name: str
    slack_team_id: str | None = None
    channels: tuple[str, ...] = ()
    plan: str
    tier: Tier
    monthly_value: float = Field(ge=0)
    region: Region
    lines: int = Field(ge=0)
    open_issues: tuple[str, ...] = ()
    contract_end: date


class Outage(_Frozen):
    """An outage or maintenance item; `status` is authoritative, the times are informational."""

    id: str
    region: Region
    services: tuple[Service, ...] = Field(min_length=1)
    kind: Literal["outage", "maintenance"]
    status: Literal["active", "resolved", "scheduled"]
    started_at: AwareDatetime
    expected_end: AwareDatetime | None = None
    summary: str


class AccountDirectory(Protocol):
    """Where accounts come from; a CRM can replace the YAML file behind this."""

    async def find_by_channel(self, channel_id: str) -> Account | None: ...
    async def find_by_team(self, team_id: str) -> Account | None: ...
    async def get(self, account_id: str) -> Account | None: ...


class OutageFeed(Protocol):
    """Where network status comes from; a NOC feed can replace the YAML file behind this."""

    async def active_in(self, region: str) -> list[Outage]: ...
    async def all(self) -> list[Outage]: ...


def default_accounts_path() -> Path:
    """Return the shipped sample accounts file."""
    return _DATA_DIR / "accounts.yaml"


def default_outages_path() -> Path:
    """Return the shipped sample outages file."""
    return _DATA_DIR / "outages.yaml"


_M = TypeVar("_M", bound=BaseModel)


def _load_items(path: Path, key: str, model: type[_M]) -> list[_M]:
    """Read a YAML list (top level or under `key`) and validate it, naming the file on error."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    items = raw.get(key) if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise ValueError(f"{path}: expected a list under {key!r}")
    try:
        return TypeAdapter(list[model]).validate_python(items)  # type: ignore[valid-type]
    except ValidationError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def _claim(index: dict[str, Account], key: str, account: Account, what: str) -> None:
    """Index `account` under `key`, refusing a key two accounts claim (it would leak data)."""
    other = index.setdefault(key, account)
    if other is not account:
        raise ValueError(
            f"{what} {key} belongs to both {other.account_id} and {account.account_id}"
        )


class YamlAccountDirectory:
    """Serve accounts held in memory, loaded from a YAML file."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_id: dict[str, Account] = {}
        self._by_channel: dict[str, Account] = {}
        self._by_team: dict[str, Account] = {}
        for account in accounts:
            _claim(self._by_id, account.account_id, account, "account id")
            for channel_id in account.channels:
                _claim(self._by_channel, channel_id, account, "channel")
            if account.slack_team_id:
                _claim(self._by_team, account.slack_team_id, account, "Slack team")

    @classmethod
    def from_file(cls, path: Path) -> Self:
        """Load and validate the accounts file."""
        return cls(_load_items(path, "accounts", Account))

    async def find_by_channel(self, channel_id: str) -> Account | None:
        """Return the account a channel is mapped to."""
        return self._by_channel.get(channel_id)

    async def find_by_team(self, team_id: str) -> Account | None:
        """Return the account whose Slack Connect org has this team id."""
        return self._by_team.get(team_id)

    async def get(self, account_id: str) -> Account | None:
        """Return an account by id (for our code only: never exposed to the model)."""
        return self._by_id.get(account_id)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class YamlOutageFeed:
    """Serve outages held in memory, loaded from a YAML file; the clock is injectable for tests."""

    def __init__(self, outages: Iterable[Outage], *, clock: Clock = _utcnow) -> None:
        self._outages = tuple(outages)
        self._clock = clock

    @classmethod
    def from_file(cls, path: Path, *, clock: Clock = _utcnow) -> Self:
        """Load and validate the outages file."""
        return cls(_load_items(path, "outages", Outage), clock=clock)

    async def active_in(self, region: str) -> list[Outage]:
        """Return active items, then items scheduled to start within 24 hours, for a region."""
        now = self._clock()
        mine = [o for o in self._outages if o.region == region]
        active = [o for o in mine if o.status == "active"]
        soon = [
            o
            for o in mine
            if o.status == "scheduled"
            and o.started_at <= now + SCHEDULED_HORIZON
            and (o.expected_end or o.started_at) > now
        ]
        by_start = attrgetter("started_at")
        return sorted(active, key=by_start) + sorted(soon, key=by_start)

    async def all(self) -> list[Outage]:
        """Return every item, in file order."""
        return list(self._outages)


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
    return account.model_dump(mode="json", exclude={"slack_team_id", "channels"})


@dataclass(frozen=True)
class _Tool:
    input_model: type[BaseModel]
    run: Callable[[Any, ToolScope], Awaitable[ToolResult]]
    hint: str = ""


class Toolbox:
    """Run the model's tool calls against replaceable data sources, scoped to one conversation."""

    TOOL_SPECS: ClassVar[list[dict[str, Any]]] = TOOL_SPECS

    def __init__(self, accounts: AccountDirectory, outages: OutageFeed) -> None:
        self._accounts = accounts
        self._outages = outages
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
        clock: Clock = _utcnow,
    ) -> Self:
        """Build a toolbox over YAML files, the shipped samples by default."""
        accounts = YamlAccountDirectory.from_file(accounts_path or default_accounts_path())
        outages = YamlOutageFeed.from_file(outages_path or default_outages_path(), clock=clock)
        return cls(accounts, outages)

    async def name_of(self, slack_id: str) -> str | None:
        """The account name behind a Slack team or channel id, for reports to staff."""
        account = await self._accounts.find_by_team(
            slack_id
        ) or await self._accounts.find_by_channel(slack_id)
        return account.name if account else None

    async def account_for(self, scope: ToolScope) -> Account | None:
        """Return the account behind a conversation: its channel first, else its Slack org."""
        by_channel = await self._accounts.find_by_channel(scope.channel_id)
        by_team = await self._accounts.find_by_team(scope.team_id) if scope.team_id else None
        if by_channel and by_team and by_channel.account_id != by_team.account_id:
            # A member of one customer's org in another customer's channel: show neither.
            logger.warning(
                "channel %s and team %s map to different accounts", scope.channel_id, scope.team_id
            )
            return None
        return by_channel or by_team

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
            return ToolResult(
                content="No customer account is linked to this conversation. "
                "Do not guess account details.",
                data={"account": None},
            )
        view = _account_view(account)
        return ToolResult(content=_compact({"account": view}), data={"account": view})

    async def _outage_status(self, parsed: _OutageInput, scope: ToolScope) -> ToolResult:
        region: str | None = parsed.region
        if region is None:
            account = await self.account_for(scope)
            if account is None:
                return _error(
                    "No account is linked to this conversation, so its region is unknown. "
                    f"Pass a region: one of {', '.join(REGIONS)}."
                )
            region = account.region
        outages = [o.model_dump(mode="json") for o in await self._outages.active_in(region)]
        data: dict[str, Any] = {"region": region, "outages": outages}
        if not outages:
            data["note"] = "No active outages or maintenance starting within 24 hours."
        return ToolResult(content=_compact(data), data=data)
