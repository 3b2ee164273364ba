"""Risk reasons as an agent reads them: one plain sentence each, the numbers one level down.

A reason's evidence mixes the customer's words (quoted), cues in words ("same question asked 2
times") and measurements ("VADER compound -0.72", "grounding 0.21 < 0.50"). The sentence keeps
the words; the measurements go to the context line under the reasons.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import model_validator

from bot.models import Frozen
from bot.mrkdwn import escape, mention, truncate

REASON_LABELS = {
    "churn": "Churn risk",
    "human_request": "Asked for a person",
    "legal": "Legal or compliance",
    "billing_dispute": "Billing dispute",
    "money_offer": "Money requested",
    "complaint": "Complaint",
    "anger": "Anger",
    "frustration": "Frustration",
    "repeated_contact": "Repeated contact",
    "unresolved": "Unresolved turns",
    "high_value": "High-value account",
    "low_confidence": "Not grounded",
    "model": "AI assessment",
    "ai_unavailable": "AI unavailable",
    "review": "Review mode",
    "agent_reply": "Agent replied",
}

# What the customer's words show, for reasons whose sentence is the lead and their words.
_LEADS = {
    "churn": "Wants to leave",
    "human_request": "Asked for a person",
    "legal": "Mentions legal steps",
    "billing_dispute": "Disputes a charge",
    "money_offer": "Asks for money",
    "complaint": "Complains",
    "anger": "Customer sounds angry",
    "frustration": "Customer sounds frustrated",
}

# Reasons that say the same whatever their evidence; the evidence goes one level down.
_FIXED = {
    "low_confidence": "No article answers this",
    "ai_unavailable": "AI unavailable, so this draft comes from the built-in engine",
    "review": "Review mode: a person checks every reply in this channel",
    "agent_reply": "An agent replied in the thread",
}

SENTENCE_LIMIT = 300
DETAILS_LIMIT = 1500
_MEASURE = re.compile(r"\d\.\d|[<>≥≤→]|\bVADER\b|\bscore\b|\bgrounding\b", re.IGNORECASE)
_PRESSED = re.compile(r"^<@([A-Z0-9_]+)>\s+(pressed .+)$")
_CONTACTS = re.compile(r"(\d+)\s+contacts?\s+in\s+([\d.]+)\s*h")
_BOT_ANSWERS = re.compile(r"after\s+(\d+)\s+bot\s+answers?")
_DRAFT_OFFERS = "the draft offers "


def reason_label(category: str) -> str:
    """A short label for a reason category, as the card's header and the digest name it."""
    return REASON_LABELS.get(category, category.replace("_", " ").capitalize())


class ReasonLine(Frozen):
    """One risk reason as the card shows it; `user_id` is the person the evidence is about."""

    category: str
    evidence: str
    weight: float
    user_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _person_apart(cls, data: Any) -> Any:
        # "Talk to a person" reasons name who pressed it as a leading mention ("<@U1> pressed
        # Talk to a person"): keep the person apart, so the mention renders and only the
        # rest is escaped. Only that shape: a mention in anything else stays plain text.
        if isinstance(data, dict) and data.get("category") == "human_request":
            found = _PRESSED.match(str(data.get("evidence", "")))
            if found and not data.get("user_id"):
                data = {**data, "user_id": found.group(1), "evidence": found.group(2)}
        return data


class AccountBrief(Frozen):
    """What a high-value reason says about the account."""

    tier: str | None = None
    monthly_value: float | None = None


def reason_sentence(reason: ReasonLine, account: AccountBrief | None = None) -> str:
    """One plain mrkdwn sentence for a reason, customer and model words escaped once."""
    category, evidence = reason.category, reason.evidence
    if category in _FIXED:
        return _FIXED[category]
    if category == "human_request" and evidence.lower().startswith("pressed "):
        if reason.user_id:
            return f"{mention(reason.user_id)} {escape(evidence)}"
        return escape(evidence[0].upper() + evidence[1:])
    if category == "money_offer" and evidence.lower().startswith(_DRAFT_OFFERS):
        return f"The draft offers money: {_clip(escape(evidence[len(_DRAFT_OFFERS) :]))}"
    if category == "high_value":
        return _high_value(evidence, account)
    if category == "repeated_contact":
        found = _CONTACTS.search(evidence)
        if found:
            return f"{_ordinal(int(found.group(1)))} contact in {found.group(2)} h"
        return "Contacted us repeatedly"
    if category == "unresolved":
        found = _BOT_ANSWERS.search(evidence)
        if found:
            n = int(found.group(1))
            return f"Came back after {n} bot answer{'s' if n != 1 else ''}"
        return "Came back after the bot answered"
    if category == "model":
        return _with_words("The AI sees a risk", _model_words(evidence))
    lead = _LEADS.get(category, reason_label(category))
    return _with_words(lead, _words(evidence))


def reason_details(reason: ReasonLine) -> str:
    """The measurements behind a reason, for the line under the reasons; "" when none."""
    category, evidence = reason.category, reason.evidence
    if category in ("review", "agent_reply", "repeated_contact", "unresolved"):
        return ""
    if category in _FIXED or category == "high_value":
        shown = evidence.removeprefix("AI unavailable: ")
    elif category == "model":
        shown = evidence.partition(" (")[0]
    else:
        shown = "; ".join(p for p in _pieces(evidence) if _is_measure(p))
    return f"{_short(category)}: {escape(shown)}" if shown.strip() else ""


def weights_line(score: float, reasons: tuple[ReasonLine, ...]) -> str:
    """The risk score and each reason's weight: `risk 0.82 · anger 0.60 · churn 0.80`."""
    parts = [f"risk {score:.2f}"]
    parts += [f"{_short(r.category)} {r.weight:.2f}" for r in reasons if r.weight > 0]
    return escape(" · ".join(parts))


def details_line(reasons: tuple[ReasonLine, ...]) -> str:
    """Every reason's measurements on one line; "" when none has any."""
    details = [d for d in (reason_details(r) for r in reasons) if d]
    return truncate(" · ".join(details), DETAILS_LIMIT)


def _high_value(evidence: str, account: AccountBrief | None) -> str:
    tier = account.tier if account else None
    value = account.monthly_value if account else None
    if tier is None and (found := re.search(r"(\w[\w-]*) tier", evidence)):
        tier = found.group(1)
    if value is None and (found := re.search(r"([\d.]+) EUR/month", evidence)):
        value = float(found.group(1))
    parts = [f"{escape(tier.capitalize())} account" if tier else "High-value account"]
    if value is not None:
        parts.append(f"EUR {value:,.0f}/month")
    return ", ".join(parts)


def _pieces(evidence: str) -> list[str]:
    return [piece.strip() for piece in evidence.split(";") if piece.strip()]


def _words(evidence: str) -> str:
    """The evidence in words (the customer's quotes, cues), without the measurements."""
    words = [_cue(p) for p in _pieces(evidence) if not _is_measure(p)]
    return ", ".join(list(dict.fromkeys(words))[:3])


def _is_measure(piece: str) -> bool:
    return not piece.startswith('"') and bool(_MEASURE.search(piece))


def _cue(piece: str) -> str:
    if piece.startswith("ALL CAPS: "):
        return f'writes in capitals: "{piece.removeprefix("ALL CAPS: ")}"'
    return piece


def _model_words(evidence: str) -> str:
    inner = evidence.partition(" (")[2].removesuffix(")")
    said = [item.partition(": ")[2] or item for item in inner.split("; ") if item]
    return "; ".join(said)


def _with_words(lead: str, words: str) -> str:
    return f"{lead}: {_clip(escape(words))}" if words.strip() else lead


def _clip(text: str) -> str:
    return truncate(" ".join(text.split()), SENTENCE_LIMIT)


def _short(category: str) -> str:
    return category.replace("_", " ")


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
