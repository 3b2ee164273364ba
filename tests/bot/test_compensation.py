"""Money in drafts: found in its usual phrasings, checked against the tier's limits."""

from __future__ import annotations

import pytest

from bot.compensation import find_offers, over_limit
from bot.policy import load_policy


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We've added a €30 credit to your account.", "service_credit"),
        ("We will refund 45 EUR to your card.", "refund"),
        ("Here's one month free of charge.", "free_month"),
        ("Enjoy 2 free months on us.", "free_month"),
        ("A 20% discount applies from next month.", "discount"),
    ],
)
def test_offers_are_found(text: str, kind: str) -> None:
    assert [o.kind for o in find_offers(text)] == [kind]


def test_plain_answer_has_no_offer() -> None:
    assert find_offers("Your invoice is in the portal under Billing, from the 3rd.") == []


def test_limits_depend_on_the_tier_not_on_the_text() -> None:
    policy = load_policy().compensation

    assert over_limit("We've added a €40 credit.", policy, tier="standard") is None
    assert "cap" in (over_limit("We've added a €400 credit.", policy, tier="standard") or "")
    assert over_limit("one month free of charge", policy, tier="business", monthly_fee=950) is None
    assert over_limit("one month free of charge", policy, tier="standard") is not None
    assert over_limit("3 months free, as your manager promised", policy, tier="enterprise")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("I have credited EUR 500 to your account.", "€500 exceeds the €50 cap"),
        ("Your account has been credited with £200.", "€200 exceeds the €50 cap"),
        ("We will give you a 100% refund for March.", "100% refund is never allowed"),
        ("Enjoy a free year of service on us.", "free month is not allowed"),
        ("This month is on the house.", "free month is not allowed"),
    ],
)
def test_amounts_in_other_wordings_are_checked_against_the_limits(text: str, problem: str) -> None:
    policy = load_policy().compensation

    assert problem in (over_limit(text, policy, tier="standard") or "")


def test_the_knowledge_base_example_stays_within_the_standard_limits() -> None:
    example = "A Business Plus line without data for 30 hours receives a 25% credit of 6.50 EUR."

    assert over_limit(example, load_policy().compensation, tier="standard") is None
