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
