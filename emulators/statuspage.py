"""A status page speaking the Atlassian Statuspage v2 JSON API, and a plain JSON document server.

Only the read side a subscriber uses: unresolved incidents, active maintenances, components and
the summary. Tests open, update and resolve incidents through the Python API and can make the
page fail, to see what a client does when the page is unreachable.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from .server import LocalServer

UNRESOLVED = ("investigating", "identified", "monitoring")
ACTIVE_MAINTENANCE = ("in_progress", "verifying")


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class _Component:
    id: str
    name: str
    group_id: str | None
    group: bool
    status: str = "operational"


@dataclass
class _Update:
    id: str
    status: str
    body: str
    at: datetime


@dataclass
class _Incident:
    id: str
    name: str
    status: str
    impact: str
    created_at: datetime
    components: list[str]
    updates: list[_Update] = field(default_factory=list)
    resolved_at: datetime | None = None
    scheduled_for: datetime | None = None
    scheduled_until: datetime | None = None


class StatuspageEmulator(LocalServer):
    """Serve one status page's incidents, maintenances and components on loopback."""

    def __init__(self, name: str = "Example Status") -> None:
        super().__init__()
        self.name = name
        self.page_id = "pg0example"
        self.failing = False
        self.requests: list[str] = []
        self._components: dict[str, _Component] = {}
        self._incidents: dict[str, _Incident] = {}
        self._ids = itertools.count(1)

    @property
    def base_url(self) -> str:
        """The page's base URL, as an operator would configure it."""
        return self.root_url + "/"

    def _next(self, prefix: str) -> str:
        return f"{prefix}{next(self._ids):06d}"

    # -- the Python API tests drive ------------------------------------------------------------

    def add_component(self, name: str, *, group: str | None = None) -> str:
        """Add a component, inside a component group (created on first use) when given."""
        group_id = None
        if group is not None:
            found = [c for c in self._components.values() if c.group and c.name == group]
            group_id = found[0].id if found else self._next("grp")
            if not found:
                self._components[group_id] = _Component(group_id, group, None, True)
        component_id = self._next("cmp")
        self._components[component_id] = _Component(component_id, name, group_id, False)
        return component_id

    def open_incident(
        self,
        name: str,
        body: str,
        *,
        components: tuple[str, ...] = (),
        impact: str = "major",
        status: str = "investigating",
        at: datetime | None = None,
    ) -> str:
        """Open an incident on some component ids; returns its id."""
        now = at or datetime.now(UTC)
        incident = _Incident(self._next("inc"), name, status, impact, now, list(components))
        incident.updates.append(_Update(self._next("upd"), status, body, now))
        self._incidents[incident.id] = incident
        for component_id in components:
            self._components[component_id].status = "major_outage"
        return incident.id

    def update_incident(self, incident_id: str, status: str, body: str) -> None:
        """Post an update that moves the incident to `status`."""
        incident = self._incidents[incident_id]
        now = datetime.now(UTC)
        incident.status = status
        incident.updates.append(_Update(self._next("upd"), status, body, now))
        if status in ("resolved", "completed"):
            incident.resolved_at = now
            for component_id in incident.components:
                self._components[component_id].status = "operational"

    def find(self, name: str) -> str:
        """The id of the incident or maintenance with this name."""
        return next(i.id for i in self._incidents.values() if i.name == name)

    def resolve(self, incident_id: str, body: str = "This incident has been resolved.") -> None:
        """Resolve an incident (or complete a maintenance)."""
        done = "completed" if self._incidents[incident_id].scheduled_for else "resolved"
        self.update_incident(incident_id, done, body)

    def start_maintenance(
        self,
        name: str,
        body: str,
        *,
        scheduled_for: datetime,
        scheduled_until: datetime,
        components: tuple[str, ...] = (),
        status: str = "in_progress",
    ) -> str:
        """Add a scheduled maintenance; returns its id."""
        incident_id = self.open_incident(
            name, body, components=components, impact="maintenance", status=status
        )
        incident = self._incidents[incident_id]
        incident.scheduled_for = scheduled_for
        incident.scheduled_until = scheduled_until
        return incident_id

    # -- the wire ------------------------------------------------------------------------------

    def build_app(self) -> web.Application:
        """Return the aiohttp application serving the Statuspage v2 routes."""
        app = web.Application(middlewares=[self._record])
        routes = {
            "/api/v2/incidents/unresolved.json": self._unresolved,
            "/api/v2/scheduled-maintenances/active.json": self._active_maintenances,
            "/api/v2/components.json": self._components_json,
            "/api/v2/summary.json": self._summary,
        }
        for path, handler in routes.items():
            app.router.add_get(path, handler)
        return app

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(request.path)
        if self.failing:
            return web.json_response({"error": "service unavailable"}, status=503)
        response: web.StreamResponse = await handler(request)
        return response

    def _page(self) -> dict[str, Any]:
        return {
            "id": self.page_id,
            "name": self.name,
            "url": self.root_url,
            "time_zone": "Etc/UTC",
            "updated_at": _iso(datetime.now(UTC)),
        }

    def _component(self, component: _Component) -> dict[str, Any]:
        return {
            "id": component.id,
            "name": component.name,
            "status": component.status,
            "created_at": "2026-01-01T00:00:00.000Z",
            "updated_at": _iso(datetime.now(UTC)),
            "position": list(self._components).index(component.id) + 1,
            "description": None,
            "showcase": False,
            "start_date": None,
            "group_id": component.group_id,
            "page_id": self.page_id,
            "group": component.group,
            "only_show_if_degraded": False,
        }

    def _incident(self, incident: _Incident) -> dict[str, Any]:
        body: dict[str, Any] = {
            "id": incident.id,
            "name": incident.name,
            "status": incident.status,
            "impact": incident.impact,
            "created_at": _iso(incident.created_at),
            "updated_at": _iso(incident.updates[-1].at),
            "monitoring_at": None,
            "resolved_at": _iso(incident.resolved_at) if incident.resolved_at else None,
            "started_at": _iso(incident.created_at),
            "shortlink": f"{self.root_url}/incidents/{incident.id}",
            "page_id": self.page_id,
            "incident_updates": [
                {
                    "id": update.id,
                    "status": update.status,
                    "body": update.body,
                    "incident_id": incident.id,
                    "created_at": _iso(update.at),
                    "updated_at": _iso(update.at),
                    "display_at": _iso(update.at),
                    "affected_components": None,
                    "deliver_notifications": True,
                    "custom_tweet": None,
                    "tweet_id": None,
                }
                for update in reversed(incident.updates)  # newest first, as Statuspage does
            ],
            "components": [self._component(self._components[c]) for c in incident.components],
        }
        if incident.scheduled_for is not None and incident.scheduled_until is not None:
            body["scheduled_for"] = _iso(incident.scheduled_for)
            body["scheduled_until"] = _iso(incident.scheduled_until)
        return body

    def _incidents_in(self, statuses: tuple[str, ...], *, maintenance: bool) -> list[Any]:
        return [
            self._incident(i)
            for i in self._incidents.values()
            if i.status in statuses and (i.scheduled_for is not None) == maintenance
        ]

    async def _unresolved(self, _request: web.Request) -> web.Response:
        incidents = self._incidents_in(UNRESOLVED, maintenance=False)
        return web.json_response({"page": self._page(), "incidents": incidents})

    async def _active_maintenances(self, _request: web.Request) -> web.Response:
        items = self._incidents_in(ACTIVE_MAINTENANCE, maintenance=True)
        return web.json_response({"page": self._page(), "scheduled_maintenances": items})

    async def _components_json(self, _request: web.Request) -> web.Response:
        components = [self._component(c) for c in self._components.values()]
        return web.json_response({"page": self._page(), "components": components})

    async def _summary(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "page": self._page(),
                "components": [self._component(c) for c in self._components.values()],
                "incidents": self._incidents_in(UNRESOLVED, maintenance=False),
                "scheduled_maintenances": self._incidents_in(
                    ("scheduled", *ACTIVE_MAINTENANCE), maintenance=True
                ),
                "status": {"indicator": "none", "description": "All Systems Operational"},
            }
        )


class JsonDocumentServer(LocalServer):
    """Serve JSON documents at fixed paths (an operator's CRM export, say); can be made to fail."""

    def __init__(self) -> None:
        super().__init__()
        self.documents: dict[str, Any] = {}
        self.failing = False

    def url(self, path: str) -> str:
        """The URL of a document path such as `/accounts.json`."""
        return self.root_url + path

    def build_app(self) -> web.Application:
        """Return the aiohttp application serving the documents."""
        app = web.Application()
        app.router.add_get("/{path:.*}", self._serve)
        return app

    async def _serve(self, request: web.Request) -> web.Response:
        if self.failing:
            return web.json_response({"error": "unavailable"}, status=503)
        document = self.documents.get(request.path)
        if document is None:
            return web.json_response({"error": "not found"}, status=404)
        return web.json_response(document)
