"""Policy file: shipped defaults, operator overrides and clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.policy import (
    CATEGORIES,
    ChannelPolicy,
    CompensationPolicy,
    PolicyError,
    TierLimits,
    default_policy_path,
    load_policy,
)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "policy.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_defaults_load() -> None:
    policy = load_policy()
    assert default_policy_path().name == "policy.yaml"
    assert 0 < policy.risk.threshold < 1
    assert set(policy.risk.weights) == set(CATEGORIES)
    assert {rule.category for rule in policy.risk.lexicon.rules} >= {
        "churn",
        "human_request",
        "legal",
        "billing_dispute",
        "money_offer",
        "complaint",
        "anger",
    }
    assert policy.channels.default_mode == "auto"
    assert policy.sla.reminder_minutes == 15


def test_custom_file_replaces_the_defaults_it_names(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
risk:
  threshold: 0.7
  weights: {churn: 0.3}
  lexicon:
    rules:
      - name: fruit
        category: churn
        phrases: [banana]
channels:
  default_mode: review
  modes: {C0123: "off"}
sla:
  mention: S0123
""",
    )
    policy = load_policy(path)
    shipped = load_policy()
    assert policy.risk.threshold == 0.7
    assert policy.risk.weights["churn"] == 0.3
    assert policy.risk.weights["legal"] == shipped.risk.weights["legal"]
    assert [rule.name for rule in policy.risk.lexicon.rules] == ["fruit"]
    assert policy.risk.lexicon.negators == shipped.risk.lexicon.negators
    assert policy.channels.mode_for("C0123") == "off"
    assert policy.channels.mode_for("C9999") == "review"
    assert policy.sla.mention == "S0123"
    assert policy.compensation == shipped.compensation


def test_empty_custom_file_means_the_defaults(tmp_path: Path) -> None:
    assert load_policy(write(tmp_path, "")) == load_policy()


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("risk:\n  threshold: 1.5\n", "risk.threshold"),
        ("risk:\n  weights: {churnn: 0.5}\n", "risk.weights"),
        ("channels:\n  modes: {C1: loud}\n", "channels.modes.C1"),
        ("compensation:\n  tiers: {gold: {max_credit_eur: -1}}\n", "compensation.tiers.gold"),
        ("risk:\n  lexicon:\n    rules: [{name: x, category: moods}]\n", "category"),
        ("risk:\n  treshold: 0.5\n", "risk.treshold"),
    ],
)
def test_malformed_file_names_the_file_and_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(PolicyError) as caught:
        load_policy(path)
    message = str(caught.value)
    assert "\n" not in message
    assert str(path) in message
    assert field in message


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "risk:\n  threshold: [0.5\n")
    with pytest.raises(PolicyError, match=r"not valid YAML at line \d+"):
        load_policy(path)


def test_non_mapping_file_is_rejected(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="expected a mapping"):
        load_policy(write(tmp_path, "- just\n- a list\n"))


def test_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="cannot read"):
        load_policy(tmp_path / "nope.yaml")


def test_unknown_shared_list_is_rejected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "risk:\n  lexicon:\n    rules: [{name: x, category: churn, unless: ['@nope']}]\n",
    )
    with pytest.raises(PolicyError, match="nope"):
        load_policy(path)


def test_policy_error_is_a_value_error() -> None:
    assert issubclass(PolicyError, ValueError)


def test_channel_mode_lookup_falls_back_to_the_default() -> None:
    channels = ChannelPolicy(default_mode="auto", modes={"C1": "review", "C2": "off"})
    assert channels.mode_for("C1") == "review"
    assert channels.mode_for("C2") == "off"
    assert channels.mode_for("C3") == "auto"
    assert ChannelPolicy().mode_for("anything") == "auto"


def test_shipped_compensation_limits_per_tier() -> None:
    compensation = load_policy().compensation
    standard = compensation.limits_for("standard")
    assert (standard.max_credit_eur, standard.max_free_months) == (50, 0)
    assert standard.allowed_offers == ("service_credit",)
    business = compensation.limits_for("business")
    assert business.max_free_months == 1
    assert business.allowed_offers == ("service_credit", "free_month")
    assert business.credit_cap(monthly_fee=80) == 80
    assert business.credit_cap(monthly_fee=4000) == 1000
    assert business.credit_cap() == 1000
    enterprise = compensation.limits_for("Enterprise")
    assert (enterprise.max_credit_eur, enterprise.max_free_months) == (5000, 1)
    assert enterprise.allowed_offers == ("service_credit", "free_month", "discount")


def test_unknown_or_missing_tier_gets_the_default_tier() -> None:
    compensation = load_policy().compensation
    assert compensation.limits_for(None) == compensation.limits_for("standard")
    assert compensation.limits_for("platinum") == compensation.limits_for("standard")


def test_default_tier_missing_falls_back_to_the_most_cautious() -> None:
    compensation = CompensationPolicy(
        default_tier="standard",
        tiers={
            "a": TierLimits(max_credit_eur=10, max_free_months=0, allowed_offers=()),
            "b": TierLimits(max_credit_eur=90, max_free_months=1, allowed_offers=("free_month",)),
        },
    )
    assert compensation.limits_for("zzz").max_credit_eur == 10


def test_policy_models_are_frozen() -> None:
    policy = load_policy()
    with pytest.raises(ValueError):
        policy.risk.threshold = 0.1  # type: ignore[misc]
