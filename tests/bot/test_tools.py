"""Tests for the model-facing tools, the shipped sample data and the knowledge base."""

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

import bot
from bot.tools import (
    REGIONS,
    TOOL_SPECS,
    Account,
    Outage,
    Toolbox,
    ToolScope,
    YamlAccountDirectory,
    YamlOutageFeed,
    default_accounts_path,
    default_outages_path,
)

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
KB_DIR = Path(bot.__file__).parent / "data" / "kb"
ACME = ToolScope(channel_id="C_ACME", team_id="T_ACME")
GLOBEX = ToolScope(channel_id="C_GLOBEX", team_id="T_GLOBEX")


@pytest.fixture
def toolbox() -> Toolbox:
    return Toolbox.from_files(clock=lambda: NOW)


def _outage(id_: str, status: str, start: str, end: str, region: str = "north") -> Outage:
    return Outage.model_validate(
        {
            "id": id_,
            "region": region,
            "services": ["broadband"],
            "kind": "outage" if status == "active" else "maintenance",
            "status": status,
            "started_at": start,
            "expected_end": end,
            "summary": f"{id_} summary.",
        }
    )


def _mentions_acme(result: Any) -> bool:
    text = result.content + json.dumps(result.data)
    return any(word in text for word in ("Acme", "BW-10001", "Northgate depot", "4800"))


async def test_lookup_account_by_channel_returns_that_channels_account(toolbox: Toolbox) -> None:
    result = await toolbox.call("lookup_account", {}, scope=ToolScope(channel_id="C_ACME"))

    assert not result.is_error
    account = result.data["account"]
    assert account["account_id"] == "BW-10001"
    assert account["name"] == "Acme Logistics"
    assert account["tier"] == "enterprise"
    assert account["region"] == "north"
    assert any("Northgate" in issue for issue in account["open_issues"])
    assert json.loads(result.content) == {"account": account}


async def test_lookup_account_hides_internal_slack_routing_fields(toolbox: Toolbox) -> None:
    result = await toolbox.call("lookup_account", {}, scope=ACME)

    assert "channels" not in result.data["account"]
    assert "C_ACME" not in result.content and "T_ACME" not in result.content


async def test_slack_connect_team_maps_to_its_account_in_an_unmapped_channel(
    toolbox: Toolbox,
) -> None:
    scope = ToolScope(channel_id="C_NEW_SHARED", team_id="T_GLOBEX")

    account = await toolbox.account_for(scope)
    result = await toolbox.call("lookup_account", {}, scope=scope)

    assert account is not None and account.account_id == "BW-10002"
    assert result.data["account"]["name"] == "Globex Retail"


async def test_directory_finds_accounts_by_channel_team_and_id() -> None:
    directory = YamlAccountDirectory.from_file(default_accounts_path())

    by_channel = await directory.find_by_channel("C_INITECH")
    by_team = await directory.find_by_team("T_INITECH")
    by_id = await directory.get("BW-10003")

    assert by_channel == by_team == by_id
    assert by_id is not None and by_id.tier == "standard" and by_id.lines == 6
    assert await directory.find_by_channel("C_UNKNOWN") is None


async def test_globex_scope_cannot_see_acme_even_when_the_model_passes_acmes_id(
    toolbox: Toolbox,
) -> None:
    smuggled = await toolbox.call("lookup_account", {"account_id": "BW-10001"}, scope=GLOBEX)
    plain = await toolbox.call("lookup_account", {}, scope=GLOBEX)

    assert smuggled.is_error
    assert "takes no input" in smuggled.content
    assert not _mentions_acme(smuggled)
    assert plain.data["account"]["account_id"] == "BW-10002"
    assert not _mentions_acme(plain)


async def test_member_of_one_org_in_another_customers_channel_sees_no_account(
    toolbox: Toolbox,
) -> None:
    scope = ToolScope(channel_id="C_GLOBEX", team_id="T_ACME")

    result = await toolbox.call("lookup_account", {}, scope=scope)

    assert await toolbox.account_for(scope) is None
    assert not result.is_error and result.data == {"account": None}
    assert not _mentions_acme(result) and "Globex" not in result.content


async def test_unmapped_channel_has_no_account(toolbox: Toolbox) -> None:
    result = await toolbox.call("lookup_account", {}, scope=ToolScope(channel_id="C_RANDOM"))

    assert result.data == {"account": None}
    assert "No customer account" in result.content


async def test_outage_status_for_acme_names_the_active_north_outage(toolbox: Toolbox) -> None:
    result = await toolbox.call("outage_status", {}, scope=ACME)

    assert not result.is_error
    assert result.data["region"] == "north"
    first = result.data["outages"][0]
    assert first["status"] == "active"
    assert {"mobile_voice", "mobile_data"} <= set(first["services"])
    assert first["expected_end"] == "2026-11-25T18:00:00Z"
    assert "Northgate" in first["summary"]
    assert "2026-11-25T18:00:00Z" in result.content and "Northgate" in result.content


async def test_an_outage_past_its_expected_end_is_never_current() -> None:
    # On 1 Dec the sample's "fixed by 25 Nov" outage is history, whatever its status says.
    for now in (datetime(2026, 12, 1, 9, 0, tzinfo=UTC), datetime(2031, 6, 1, tzinfo=UTC)):
        toolbox = Toolbox.from_files(clock=lambda now=now: now)
        result = await toolbox.call("outage_status", {}, scope=ACME)
        assert result.data["outages"] == []
        assert "INC-88207" not in result.content and "Northgate" not in result.content


async def test_the_sample_is_judged_against_the_real_clock() -> None:
    result = await Toolbox.from_files().call("outage_status", {}, scope=ACME)

    assert datetime.now(UTC) > datetime(2026, 11, 25, 18, 0, tzinfo=UTC)
    assert "INC-88207" not in result.content


async def test_outage_status_takes_an_explicit_region(toolbox: Toolbox) -> None:
    result = await toolbox.call("outage_status", {"region": "metro-east"}, scope=GLOBEX)

    assert result.data["region"] == "metro-east"
    assert [o["services"] for o in result.data["outages"]] == [["broadband"]]


async def test_outage_status_says_so_when_the_region_is_clear(toolbox: Toolbox) -> None:
    result = await toolbox.call("outage_status", {}, scope=GLOBEX)

    assert result.data["outages"] == []
    assert "No active outages" in result.content


async def test_outage_status_without_account_or_region_asks_for_a_region(
    toolbox: Toolbox,
) -> None:
    result = await toolbox.call("outage_status", {}, scope=ToolScope(channel_id="C_RANDOM"))

    assert result.is_error
    assert "metro-west" in result.content


async def test_feed_lists_active_first_then_maintenance_starting_within_24_hours() -> None:
    feed = YamlOutageFeed(
        [
            _outage("M-SOON", "scheduled", "2026-11-25T00:00:00Z", "2026-11-25T04:00:00Z"),
            _outage("M-LATER", "scheduled", "2026-11-27T00:00:00Z", "2026-11-27T04:00:00Z"),
            _outage("M-OVER", "scheduled", "2026-11-20T00:00:00Z", "2026-11-20T04:00:00Z"),
            _outage("O-OLD", "resolved", "2026-11-20T00:00:00Z", "2026-11-20T04:00:00Z"),
            _outage("O-NOW", "active", "2026-11-24T06:00:00Z", "2026-11-24T18:00:00Z"),
            _outage("O-OVERDUE", "active", "2026-11-24T06:00:00Z", "2026-11-24T08:00:00Z"),
            _outage("O-SOUTH", "active", "2026-11-24T06:00:00Z", "2026-11-25T08:00:00Z", "south"),
        ],
        clock=lambda: NOW,
    )

    assert [o.id for o in await feed.active_in("north")] == ["O-NOW", "M-SOON"]
    assert len(await feed.all()) == 7


async def test_unknown_tool_is_an_error_result_not_an_exception(toolbox: Toolbox) -> None:
    result = await toolbox.call("delete_account", {}, scope=ACME)

    assert result.is_error
    assert "Unknown tool 'delete_account'" in result.content
    assert "lookup_account" in result.content


@pytest.mark.parametrize(
    "tool_input", [{"region": "mars"}, {"region": 7}, {"zone": "north"}, None, "north"]
)
async def test_bad_outage_input_is_an_error_result(toolbox: Toolbox, tool_input: Any) -> None:
    result = await toolbox.call("outage_status", tool_input, scope=ACME)

    assert result.is_error
    assert result.content.startswith("Invalid input for outage_status")


@pytest.mark.expect_errors("tool lookup_account failed.*CRM down")
async def test_failing_data_source_becomes_an_error_result() -> None:
    class BrokenDirectory:
        async def find_by_channel(self, channel_id: str) -> Account | None:
            raise ConnectionError("CRM down")

        async def find_by_team(self, team_id: str) -> Account | None:
            raise ConnectionError("CRM down")

        async def find_by_domains(self, domains: tuple[str, ...]) -> Account | None:
            raise ConnectionError("CRM down")

        async def get(self, account_id: str) -> Account | None:
            raise ConnectionError("CRM down")

    toolbox = Toolbox(BrokenDirectory(), YamlOutageFeed([]))

    result = await toolbox.call("lookup_account", {}, scope=ACME)

    assert result.is_error
    assert "unavailable" in result.content


async def test_tool_specs_are_strict_json_schemas_matching_the_toolbox(toolbox: Toolbox) -> None:
    assert [spec["name"] for spec in TOOL_SPECS] == ["lookup_account", "outage_status"]
    for spec in TOOL_SPECS:
        schema = spec["input_schema"]
        jsonschema.Draft202012Validator.check_schema(schema)
        assert spec["strict"] is True
        assert schema["type"] == "object" and schema["additionalProperties"] is False
        assert len(spec["description"]) > 80
        # The toolbox runs every advertised tool, and refuses what its schema forbids.
        answered = await toolbox.call(spec["name"], {}, scope=ACME)
        assert not answered.is_error, answered.content
        extra = await toolbox.call(spec["name"], {"not_in_the_schema": 1}, scope=ACME)
        assert extra.is_error and extra.content.startswith(f"Invalid input for {spec['name']}")
    assert TOOL_SPECS[0]["input_schema"]["properties"] == {}
    assert TOOL_SPECS[1]["input_schema"]["properties"]["region"]["enum"] == list(REGIONS)


def test_directory_refuses_a_channel_claimed_by_two_accounts() -> None:
    acme = Account.model_validate(
        {
            "account_id": "BW-90001",
            "name": "A",
            "channels": ["C_SHARED"],
            "plan": "Business Start",
            "tier": "standard",
            "monthly_value": 18,
            "region": "north",
            "lines": 1,
            "contract_end": "2027-01-31",
        }
    )
    other = acme.model_copy(update={"account_id": "BW-90002", "name": "B"})

    with pytest.raises(ValueError, match="C_SHARED"):
        YamlAccountDirectory([acme, other])


def _required_fields(account: Account) -> dict[str, Any]:
    fields = {"name", "slack_team_id", "channels", "plan", "tier", "monthly_value", "region"}
    return account.model_dump(include=fields | {"lines"})


def test_shipped_accounts_are_complete_and_consistent() -> None:
    raw = yaml.safe_load(default_accounts_path().read_text(encoding="utf-8"))["accounts"]
    accounts = {a.account_id: a for a in (Account.model_validate(item) for item in raw)}
    YamlAccountDirectory(accounts.values())  # no channel or team claimed twice

    assert 30 <= len(accounts) <= 40
    assert _required_fields(accounts["BW-10001"]) == {
        "name": "Acme Logistics",
        "slack_team_id": "T_ACME",
        "channels": ("C_ACME",),
        "plan": "Business Unlimited",
        "tier": "enterprise",
        "monthly_value": 4800,
        "region": "north",
        "lines": 120,
    }
    assert _required_fields(accounts["BW-10002"]) == {
        "name": "Globex Retail",
        "slack_team_id": "T_GLOBEX",
        "channels": ("C_GLOBEX",),
        "plan": "Business Plus",
        "tier": "business",
        "monthly_value": 950,
        "region": "south",
        "lines": 35,
    }
    assert _required_fields(accounts["BW-10003"]) == {
        "name": "Initech Health",
        "slack_team_id": "T_INITECH",
        "channels": ("C_INITECH",),
        "plan": "Business Start",
        "tier": "standard",
        "monthly_value": 180,
        "region": "east",
        "lines": 6,
    }
    (acme_issue,) = accounts["BW-10001"].open_issues
    assert "dropped calls" in acme_issue.lower() and "Northgate" in acme_issue
    for account in accounts.values():
        expected = "standard" if account.lines <= 10 else "business"
        expected = "enterprise" if account.lines >= 100 else expected
        assert account.tier == expected, account.account_id
    assert {a.region for a in accounts.values()} == set(REGIONS)


async def test_shipped_outages_cover_the_required_items() -> None:
    outages = await YamlOutageFeed.from_file(default_outages_path()).all()

    assert 4 <= len(outages) <= 6
    assert len({o.id for o in outages}) == len(outages)
    north = [o for o in outages if o.region == "north" and o.status == "active"]
    assert len(north) == 1 and north[0].expected_end is not None
    assert {"mobile_voice", "mobile_data"} <= set(north[0].services)
    assert {o.kind for o in outages} == {"outage", "maintenance"}


def _articles() -> list[tuple[Path, dict[str, Any], str]]:
    parsed = []
    for path in sorted(KB_DIR.glob("*.md")):
        match = re.fullmatch(r"---\n(.*?)\n---\n(.*)", path.read_text(encoding="utf-8"), re.S)
        assert match, f"{path.name} has no front matter"
        parsed.append((path, yaml.safe_load(match.group(1)), match.group(2)))
    return parsed


def test_knowledge_base_has_22_to_26_articles_with_front_matter_and_real_bodies() -> None:
    articles = _articles()

    assert 22 <= len(articles) <= 26
    titles = [meta["title"] for _, meta, _ in articles]
    assert len(set(titles)) == len(titles)
    for path, meta, body in articles:
        assert isinstance(meta["title"], str) and meta["title"].strip(), path.name
        assert meta["url"] == f"https://help.brightwave.example/articles/{path.stem}", path.name
        assert isinstance(meta["tags"], list) and meta["tags"], path.name
        words = [word for word in body.split() if re.search(r"[A-Za-z0-9]", word)]
        assert 120 <= len(words) <= 350, f"{path.name}: {len(words)} words"


def test_knowledge_base_compensation_article_states_the_policy_limits() -> None:
    body = (KB_DIR / "compensation-service-credits.md").read_text(encoding="utf-8")

    assert "at most 50 EUR" in body
    assert "one month's fee" in body
    assert "approved by a member of our support or billing team" in body


def test_contract_end_dates_parse_as_dates() -> None:
    raw = yaml.safe_load(default_accounts_path().read_text(encoding="utf-8"))["accounts"]
    assert all(isinstance(item["contract_end"], date) for item in raw)
