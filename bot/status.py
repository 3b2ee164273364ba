"""Network status: outages and maintenance, from the sample file or a Statuspage v2 page.

What is current is decided here, against the clock, so no answer ever presents an incident that
is resolved or whose expected end has passed as ongoing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

SCHEDULED_HORIZON = timedelta(hours=24)
# The three documents of the Statuspage v2 API the feed reads, under the page's base URL.
STATUSPAGE_PATHS = {
    "incidents": "api/v2/incidents/unresolved.json",
    "scheduled_maintenances": "api/v2/scheduled-maintenances/active.json",
    "components": "api/v2/components.json",
}
Clock = Callable[[], datetime]


def utcnow() -> datetime:
    """The real clock, in UTC."""
    return datetime.now(UTC)


class Outage(BaseModel):
    """An outage or maintenance item; `region` None means it is not tied to one region."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    region: str | None = None
    services: tuple[str, ...] = ()
    kind: Literal["outage", "maintenance"]
    status: Literal["active", "resolved", "scheduled"]
    started_at: AwareDatetime
    expected_end: AwareDatetime | None = None
    summary: str
    url: str | None = None

    def is_current(self, now: datetime) -> bool:
        """Ongoing now: active, and not past its expected end."""
        return self.status == "active" and (self.expected_end is None or self.expected_end > now)

    def is_coming(self, now: datetime) -> bool:
        """Scheduled to start within the horizon and not over yet."""
        return (
            self.status == "scheduled"
            and self.started_at <= now + SCHEDULED_HORIZON
            and (self.expected_end or self.started_at) > now
        )

    def concerns(self, region: str | None) -> bool:
        """Whether it affects `region` (items without a region affect everyone)."""
        if self.region is None:
            return True
        return region is not None and self.region.lower() == region.lower()


class OutageList:
    """Outages held in memory; the clock is injectable for tests."""

    def __init__(self, outages: Iterable[Outage], *, clock: Clock = utcnow) -> None:
        self.outages = tuple(outages)
        self._clock = clock

    def __len__(self) -> int:
        return len(self.outages)

    def current(self, region: str | None) -> list[Outage]:
        """Active items, then items starting within 24 hours, for a region (None: global only)."""
        now = self._clock()
        mine = [o for o in self.outages if o.concerns(region)]
        by_start = attrgetter("started_at")
        active = sorted((o for o in mine if o.is_current(now)), key=by_start)
        return active + sorted((o for o in mine if o.is_coming(now)), key=by_start)


# -- Statuspage v2 --------------------------------------------------------------------------------


class _Loose(BaseModel):
    model_config = ConfigDict(extra="ignore")


class _Component(_Loose):
    id: str
    name: str
    group_id: str | None = None
    group: bool = False


class _Update(_Loose):
    body: str = ""
    created_at: AwareDatetime | None = None
    display_at: AwareDatetime | None = None


class _Incident(_Loose):
    id: str
    name: str
    status: str
    created_at: AwareDatetime
    started_at: AwareDatetime | None = None
    scheduled_for: AwareDatetime | None = None
    scheduled_until: AwareDatetime | None = None
    shortlink: str | None = None
    incident_updates: list[_Update] = Field(default_factory=list)
    components: list[_Component] = Field(default_factory=list)


class StatuspageDocuments(_Loose):
    """The Statuspage v2 documents the feed reads (the shape of `/api/v2/summary.json`)."""

    incidents: list[_Incident] = Field(default_factory=list)
    scheduled_maintenances: list[_Incident] = Field(default_factory=list)
    components: list[_Component] = Field(default_factory=list)


_INCIDENT_STATUS: dict[str, Literal["active", "resolved", "scheduled"]] = {
    "resolved": "resolved",
    "postmortem": "resolved",
    "completed": "resolved",
    "scheduled": "scheduled",
}


def outages_from_statuspage(documents: StatuspageDocuments) -> list[Outage]:
    """Map Statuspage incidents and maintenances onto outages; the name leads the summary."""
    groups = {c.id: c.name for c in documents.components if c.group}
    items = [_outage(i, "outage", groups) for i in documents.incidents]
    items += [_outage(m, "maintenance", groups) for m in documents.scheduled_maintenances]
    return items


def _outage(
    item: _Incident, kind: Literal["outage", "maintenance"], groups: dict[str, str]
) -> Outage:
    updates = sorted(
        (u for u in item.incident_updates if u.body.strip()),
        key=lambda u: u.display_at or u.created_at or item.created_at,
    )
    latest = updates[-1].body.strip() if updates else ""
    affected = [c for c in item.components if not c.group]
    # A region is the component group every affected component belongs to, when there is one.
    owning = {groups.get(c.group_id or "") for c in affected}
    region = owning.pop() if len(owning) == 1 else None
    started = item.scheduled_for if kind == "maintenance" else item.started_at
    return Outage(
        id=item.id,
        region=region,
        services=tuple(c.name for c in affected),
        kind=kind,
        status=_INCIDENT_STATUS.get(item.status, "active"),
        started_at=started or item.created_at,
        expected_end=item.scheduled_until if kind == "maintenance" else None,
        summary=f"{item.name}: {latest}" if latest else item.name,
        url=item.shortlink,
    )


def parse_statuspage(data: dict[str, Any]) -> list[Outage]:
    """Validate a Statuspage document (or the three merged) and map it onto outages."""
    return outages_from_statuspage(StatuspageDocuments.model_validate(data))
