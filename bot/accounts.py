"""Customer accounts: the model, the operator's file or URL formats, and an in-memory index."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import date
from typing import Any, Self

import yaml
from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

# Cells of a CSV export that hold several values (open issues, domains, channels) use this.
CSV_LIST_SEPARATOR = ";"


class Account(BaseModel):
    """A business customer and the Slack Connect organisation and channels that speak for it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    account_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    slack_team_id: str | None = None
    domains: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    plan: str | None = None
    tier: str | None = None
    monthly_value: float | None = Field(default=None, ge=0)
    currency: str | None = None
    owner: str | None = None
    region: str | None = None
    lines: int | None = Field(default=None, ge=0)
    open_issues: tuple[str, ...] = ()
    contract_end: date | None = None


def _split(value: Any) -> Any:
    """A CSV cell or a YAML scalar holding several values becomes a list."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(CSV_LIST_SEPARATOR) if part.strip()]
    return value


class SourceAccount(BaseModel):
    """One record of the operator's accounts source, in any of its accepted spellings."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True)

    number: str = Field(min_length=1, validation_alias=AliasChoices("number", "account_id"))
    name: str = Field(min_length=1)
    team_id: str | None = Field(
        default=None, validation_alias=AliasChoices("team_id", "slack_team_id")
    )
    domains: tuple[str, ...] = Field(default=(), validation_alias=AliasChoices("domain", "domains"))
    channels: tuple[str, ...] = ()
    plan: str | None = None
    tier: str | None = None
    monthly_value: float | None = Field(default=None, ge=0)
    currency: str | None = None
    owner: str | None = None
    region: str | None = None
    lines: int | None = Field(default=None, ge=0)
    open_issues: tuple[str, ...] = ()
    contract_end: date | None = None

    @field_validator("*", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: Any) -> Any:
        # An empty CSV cell means "not given".
        if isinstance(value, str) and not value.strip():
            return None
        return value

    @field_validator("domains", "channels", "open_issues", mode="before")
    @classmethod
    def _lists(cls, value: Any) -> Any:
        return () if value is None else _split(value)

    @field_validator("number", "team_id", mode="before")
    @classmethod
    def _text(cls, value: Any) -> Any:
        # Account numbers read from YAML or JSON may be numbers.
        return str(value) if isinstance(value, int) else value

    @model_validator(mode="after")
    def _reachable(self) -> Self:
        if not (self.team_id or self.domains or self.channels):
            raise ValueError("needs a team_id, a domain or a channel to match an organisation")
        return self

    def to_account(self) -> Account:
        """The account as the rest of the product knows it."""
        return Account(
            account_id=self.number,
            name=self.name,
            slack_team_id=self.team_id,
            domains=tuple(d.lower().removeprefix("www.") for d in self.domains),
            channels=self.channels,
            plan=self.plan,
            tier=self.tier,
            monthly_value=self.monthly_value,
            currency=self.currency,
            owner=self.owner,
            region=self.region,
            lines=self.lines,
            open_issues=self.open_issues,
            contract_end=self.contract_end,
        )


def parse_accounts(text: str, *, fmt: str) -> list[Account]:
    """Parse the operator's accounts in `csv`, `yaml` or `json`; errors name the record."""
    records: Any
    if fmt == "csv":
        records = list(csv.DictReader(io.StringIO(text)))
    else:
        try:
            raw = json.loads(text) if fmt == "json" else yaml.safe_load(text)
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            raise ValueError(f"not valid {fmt.upper()}: {str(error).splitlines()[0]}") from None
        records = raw.get("accounts") if isinstance(raw, dict) else raw
    if not isinstance(records, list):
        raise ValueError('expected a list of accounts (or a mapping with an "accounts" list)')
    try:
        parsed = TypeAdapter(list[SourceAccount]).validate_python(records)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"account {where}: {first['msg']}") from None
    accounts = [record.to_account() for record in parsed]
    AccountIndex(accounts)  # refuses keys that two accounts claim
    return accounts


def _claim(index: dict[str, Account], key: str, account: Account, what: str) -> None:
    """Index `account` under `key`, refusing a key two accounts claim (it would leak data)."""
    other = index.setdefault(key, account)
    if other is not account:
        raise ValueError(
            f"{what} {key} belongs to both {other.account_id} and {account.account_id}"
        )


class AccountIndex:
    """Accounts held in memory, found by id, channel, Slack team id or organisation domain."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self.accounts = tuple(accounts)
        self._by_id: dict[str, Account] = {}
        self._by_channel: dict[str, Account] = {}
        self._by_team: dict[str, Account] = {}
        self._by_domain: dict[str, Account] = {}
        for account in self.accounts:
            _claim(self._by_id, account.account_id, account, "account id")
            for channel_id in account.channels:
                _claim(self._by_channel, channel_id, account, "channel")
            if account.slack_team_id:
                _claim(self._by_team, account.slack_team_id, account, "Slack team")
            for domain in account.domains:
                _claim(self._by_domain, domain.lower(), account, "domain")

    def __len__(self) -> int:
        return len(self.accounts)

    def by_id(self, account_id: str) -> Account | None:
        """Return an account by its number."""
        return self._by_id.get(account_id)

    def by_channel(self, channel_id: str) -> Account | None:
        """Return the account a channel is mapped to."""
        return self._by_channel.get(channel_id)

    def by_team(self, team_id: str) -> Account | None:
        """Return the account whose Slack Connect organisation has this team id."""
        return self._by_team.get(team_id)

    def by_domains(self, domains: Iterable[str]) -> Account | None:
        """Return the one account that claims any of these domains (none when ambiguous)."""
        found = {a.account_id: a for d in domains if (a := self._by_domain.get(d.lower()))}
        return next(iter(found.values())) if len(found) == 1 else None
