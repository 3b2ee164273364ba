"""Money in a reply: find the offers a draft makes and check them against the policy.

The limits come only from the policy file and the account's tier in our own data; nothing a
customer writes can raise them.
"""

from __future__ import annotations

import re

from bot.engine import Offer
from bot.policy import CompensationPolicy

_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "six": 6, "twelve": 12}
_AMOUNT = r"(?:€\s?(\d+(?:[.,]\d{1,2})?)|(\d+(?:[.,]\d{1,2})?)\s?(?:€|eur\b|euros?\b))"
_CREDIT = re.compile(
    _AMOUNT + r"[^.\n]{0,40}?\b(credit|refund|compensation|goodwill)"
    r"|\b(credit|refund|compensation|goodwill)\w*[^.\n]{0,40}?" + _AMOUNT,
    re.IGNORECASE,
)
_MONTHS = re.compile(
    r"\b(\d+|a|an|one|two|three|four|six|twelve)\s+(?:free\s+)?months?\s+(?:free|of\s+free|at\s+no"
    r"\s+(?:charge|cost)|on\s+us|without\s+charge)"
    r"|\b(\d+|a|an|one|two|three|four|six|twelve)\s+free\s+months?",
    re.IGNORECASE,
)
_PERCENT = re.compile(
    r"\b(\d{1,3}(?:[.,]\d+)?)\s?%\s*(discount|off|reduction|refund)", re.IGNORECASE
)
# Amounts and periods written other ways, rewritten into the forms above before matching. Other
# currencies count one to one: the caps are there to stop large offers, not to convert money.
_REWRITES = (
    (re.compile(r"\b(?:eur|euros?)\s?(?=\d)", re.IGNORECASE), "€"),
    (re.compile(r"[£$]\s?(?=\d)"), "€"),
    (
        re.compile(r"(?<=\d)\s?(?:usd|dollars?|gbp|pounds?|quid|chf|francs?)\b", re.IGNORECASE),
        " EUR",
    ),
    (re.compile(r"\b(?:a|one)\s+free\s+year\b|\bfree\s+year\b", re.IGNORECASE), "12 free months"),
    (
        re.compile(
            r"\b(?:this|next|the next|your next|your first|the whole of \w+|\w+uary)\s+month"
            r"(?:'s \w+)?\s+(?:is|will be)\s+(?:free|on us|on the house)",
            re.IGNORECASE,
        ),
        "one month free",
    ),
)


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def _count(word: str) -> int:
    return int(word) if word.isdigit() else _NUMBER_WORDS.get(word.lower(), 1)


def find_offers(text: str) -> list[Offer]:
    """Every offer of money a text makes: credits and refunds, free months, discounts."""
    offers: list[Offer] = []
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    for match in _CREDIT.finditer(text):
        groups = match.groups()
        amount = next(g for g in (groups[0], groups[1], groups[4], groups[5]) if g)
        word = (groups[2] or groups[3] or "credit").lower()
        kind = "refund" if word.startswith("refund") else "service_credit"
        offers.append(Offer(kind=kind, amount_eur=_number(amount)))
    for match in _MONTHS.finditer(text):
        offers.append(Offer(kind="free_month", months=_count(match.group(1) or match.group(2))))
    for match in _PERCENT.finditer(text):
        kind = "refund" if match.group(2).lower() == "refund" else "discount"
        offers.append(Offer(kind=kind, percent=_number(match.group(1))))
    return offers


def over_limit(
    text: str, policy: CompensationPolicy, *, tier: str | None, monthly_fee: float | None = None
) -> str | None:
    """Why a reply offers more than the tier allows, or None when it stays within policy."""
    limits = policy.limits_for(tier)
    cap = limits.credit_cap(monthly_fee)
    tier_name = tier or policy.default_tier
    problems: list[str] = []
    for offer in find_offers(text):
        allowed_kind = offer.kind in limits.allowed_offers or (
            offer.kind == "refund" and "service_credit" in limits.allowed_offers
        )
        if not allowed_kind:
            problems.append(
                f"{offer.kind.replace('_', ' ')} is not allowed for {tier_name} accounts"
            )
        elif offer.amount_eur is not None and offer.amount_eur > cap:
            problems.append(f"€{offer.amount_eur:g} exceeds the €{cap:g} cap for {tier_name}")
        elif offer.months is not None and offer.months > limits.max_free_months:
            problems.append(
                f"{offer.months} free months exceeds the {tier_name} limit of "
                f"{limits.max_free_months}"
            )
        elif offer.percent is not None and offer.percent >= 100:
            problems.append(f"a {offer.percent:g}% {offer.kind} is never allowed")
    return "; ".join(dict.fromkeys(problems)) or None


def describe_offer(offer: Offer) -> str:
    """A few words for an offer, as agents read it on the card."""
    if offer.amount_eur is not None:
        return f"a €{offer.amount_eur:g} {offer.kind.replace('_', ' ')}"
    if offer.months is not None:
        return f"{offer.months} free month{'s' if offer.months != 1 else ''}"
    if offer.percent is not None:
        return f"a {offer.percent:g}% {offer.kind.replace('_', ' ')}"
    return offer.kind.replace("_", " ")
