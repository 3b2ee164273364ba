"""The operator's sources: account formats, the Statuspage mapping and what counts as current."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.accounts import AccountIndex, parse_accounts
from bot.config import Settings
from bot.sources import Source, SourceError, read_accounts, read_status
from bot.status import OutageList, parse_statuspage
from emulators import StatuspageEmulator

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CSV = (
    "team_id,domain,name,number,plan,tier,monthly_value,owner,open_issues,crm_notes\n"
    "T_ACME,acme.com; www.acme.co.uk,Acme,ACC-1,Pro,enterprise,4800,Olivia,A; B,ignored\n"
    ",globex.com,Globex,ACC-2,,,,,,\n"
)


def test_csv_maps_organisations_by_team_id_and_domain() -> None:
    index = AccountIndex(parse_accounts(CSV, fmt="csv"))

    acme = index.by_team("T_ACME")
    assert acme is not None and acme.open_issues == ("A", "B") and acme.owner == "Olivia"
    assert acme.monthly_value == 4800 and acme.tier == "enterprise"
    assert index.by_domains(("ACME.co.uk",)) is acme
    globex = index.by_domains(("globex", "globex.com"))
    assert globex is not None and globex.plan is None and globex.monthly_value is None


def test_json_and_yaml_give_the_same_accounts_and_numbers_may_be_numbers() -> None:
    record = {"team_id": "T1", "name": "Acme", "number": 1001, "open_issues": ["x"]}
    as_json = parse_accounts(json.dumps({"accounts": [record]}), fmt="json")
    as_yaml = parse_accounts(
        "- {team_id: T1, name: Acme, number: 1001, open_issues: [x]}", fmt="yaml"
    )

    assert as_json == as_yaml and as_json[0].account_id == "1001"


@pytest.mark.parametrize(
    ("text", "fmt", "problem"),
    [
        ("name,number\nAcme,1\n", "csv", "needs a team_id, a domain or a channel"),
        ("team_id,name\nT1,Acme\n", "csv", "number"),
        ("team_id,name,number\nT1,A,1\nT1,B,2\n", "csv", "Slack team T1 belongs to both"),
        ('{"accounts": {}}', "json", "expected a list"),
        ("{", "json", "not valid JSON"),
        ("team_id,name,number,monthly_value\nT1,A,1,lots\n", "csv", "monthly_value"),
    ],
)
def test_a_bad_accounts_source_says_what_is_wrong(text: str, fmt: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_accounts(text, fmt=fmt)


def test_the_sample_accounts_file_is_a_valid_source() -> None:
    accounts = parse_accounts((ROOT / "bot/data/accounts.yaml").read_text(), fmt="yaml")

    assert len(accounts) > 10 and all(a.slack_team_id or a.channels for a in accounts)


def _page(status: str, **extra: object) -> dict[str, object]:
    incident = {
        "id": "inc1",
        "name": "Mobile data degraded",
        "status": status,
        "created_at": "2026-12-01T07:00:00Z",
        "shortlink": "https://stspg.io/x",
        "incident_updates": [
            {"body": "Investigating.", "created_at": "2026-12-01T07:00:00Z"},
            {"body": "Fix being deployed.", "created_at": "2026-12-01T08:00:00Z"},
        ],
        "components": [{"id": "c1", "name": "Mobile data", "group_id": "g1", "group": False}],
    } | extra
    return {
        "incidents": [incident],
        "components": [{"id": "g1", "name": "north", "group": True}],
    }


@pytest.mark.parametrize(("status", "current"), [("identified", True), ("resolved", False)])
def test_statuspage_incidents_are_current_until_resolved(status: str, current: bool) -> None:
    outages = OutageList(parse_statuspage(_page(status)), clock=lambda: NOW)

    found = outages.current("north")
    assert bool(found) is current
    if current:
        assert found[0].summary == "Mobile data degraded: Fix being deployed."
        assert found[0].region == "north" and found[0].services == ("Mobile data",)
        assert outages.current("south") == []


def test_a_maintenance_past_its_end_is_not_current() -> None:
    page = {
        "scheduled_maintenances": [
            {
                "id": "m1",
                "name": "Core upgrade",
                "status": "in_progress",
                "created_at": "2026-11-30T00:00:00Z",
                "scheduled_for": "2026-11-30T01:00:00Z",
                "scheduled_until": "2026-11-30T03:00:00Z",
            }
        ]
    }

    assert OutageList(parse_statuspage(page), clock=lambda: NOW).current(None) == []


async def test_the_status_page_emulator_is_read_through_its_three_documents() -> None:
    async with StatuspageEmulator() as page:
        north = page.add_component("Broadband", group="north")
        page.open_incident("Broadband down", "Fibre cut.", components=(north,))

        outages = await read_status(page.base_url)
        summary = await read_status(page.root_url + "/api/v2/summary.json")

    assert [o.summary for o in outages.current("north")] == ["Broadband down: Fibre cut."]
    assert [o.id for o in summary.outages] == [o.id for o in outages.outages]
    assert set(page.requests) >= {
        "/api/v2/incidents/unresolved.json",
        "/api/v2/scheduled-maintenances/active.json",
        "/api/v2/components.json",
    }


async def test_a_failing_source_keeps_its_last_good_copy() -> None:
    async with StatuspageEmulator() as page:
        page.open_incident("Outage", "Investigating.")
        source = Source("HITL_STATUS_SOURCE", page.base_url, lambda: read_status(page.base_url), 60)
        await source.load()
        page.failing = True

        assert not await source.refresh()

    assert source.value is not None and len(source.value) == 1
    assert source.due_in() > 59  # a failing page is retried after the TTL, not at once
    health = source.health()
    assert health["ok"] is False and "HITL_STATUS_SOURCE" in health["error"]


async def test_a_missing_accounts_file_is_a_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        await read_accounts(str(tmp_path / "accounts.csv"))


def test_env_example_documents_every_setting() -> None:
    documented = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in documented, name
