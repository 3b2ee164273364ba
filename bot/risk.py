"""Score each customer message for risk and decide whether a human must take it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.english import english_words
from bot.lexicon import LexiconMatcher
from bot.own_words import spoken
from bot.policy import RiskPolicy
from bot.tone import ToneReader

_FROZEN = ConfigDict(frozen=True)
_CAP = 0.95  # a count-based signal never reaches certainty on its own
_MODEL_REASONS_SHOWN = 3
_ANGER = "anger"
# Categories of how the customer feels, which a settled, thankful message overrides.
_MOOD = frozenset({_ANGER, "frustration"})


class RiskReason(BaseModel):
    """Explain one signal: its category, what fired, and how much it weighs."""

    model_config = _FROZEN

    category: str
    evidence: str
    weight: float = Field(ge=0.0, le=1.0)


class ModelAssessment(BaseModel):
    """Carry Claude's own risk judgement, which the caller obtains and passes in."""

    model_config = _FROZEN

    score: float = Field(ge=0.0, le=1.0)
    reasons: tuple[RiskReason, ...] = ()


class RiskSignals(BaseModel):
    """Carry the context the caller gathered about the conversation and the customer."""

    model_config = _FROZEN

    thread_customer_texts: tuple[str, ...] = ()
    recent_contacts: int = Field(default=0, ge=0)
    unresolved_turns: int = Field(default=0, ge=0)
    account_tier: str | None = None
    monthly_value: float | None = None
    grounding: float | None = Field(default=None, ge=0.0, le=1.0)
    model_assessment: ModelAssessment | None = None


class RiskAssessment(BaseModel):
    """State the risk score, the decision and the reasons behind it, strongest first."""

    model_config = _FROZEN

    score: float = Field(ge=0.0, le=1.0)
    decision: Literal["auto", "escalate"]
    reasons: tuple[RiskReason, ...]

    @property
    def top_reason(self) -> RiskReason | None:
        """Return the reason that weighs most, if any."""
        return self.reasons[0] if self.reasons else None


@dataclass(frozen=True, slots=True)
class _Part:
    """Hold one piece of evidence before pieces of the same category are merged."""

    category: str
    evidence: str
    weight: float
    stacks: bool  # independent cues add up; repeated word hits of one category do not


def noisy_or(weights: list[float]) -> float:
    """Combine independent signals so each one raises the score without passing 1."""
    remaining = 1.0
    for weight in weights:
        remaining *= 1.0 - min(max(weight, 0.0), 1.0)
    return 1.0 - remaining


class RiskScorer:
    """Assess messages against a risk policy; built once, holds compiled patterns and VADER."""

    def __init__(self, policy: RiskPolicy) -> None:
        """Compile the policy's word lists and load the sentiment analyzer."""
        self._policy = policy
        self._tone = ToneReader(policy.tone)
        self._matcher = LexiconMatcher(
            policy.lexicon,
            dictionary=self._tone.dictionary,
            english=english_words(policy.lexicon.real_word_min_count),
        )

    @property
    def policy(self) -> RiskPolicy:
        """Return the policy this scorer applies."""
        return self._policy

    def assess_text_only(self, text: str) -> RiskAssessment:
        """Assess a message on its words and tone alone, as the offline evaluation does."""
        return self.assess(text)

    def assess(self, text: str, signals: RiskSignals | None = None) -> RiskAssessment:
        """Assess a message with its context; customer text never alters the policy."""
        signals = signals or RiskSignals()
        parts = [*self._text_parts(text, signals), *self._context_parts(signals)]
        if signals.model_assessment is not None:
            parts.append(self._model_part(signals.model_assessment))
        parts = [part for part in parts if part.weight > 0]
        if parts:
            # High value only lowers the bar for other signals; alone it never escalates.
            parts.extend(self._high_value_parts(signals))
        reasons = _merge(parts)
        score = round(min(max(noisy_or([r.weight for r in reasons]), 0.0), 1.0), 4)
        decision: Literal["auto", "escalate"] = (
            "escalate" if reasons and score >= self._policy.threshold else "auto"
        )
        return RiskAssessment(score=score, decision=decision, reasons=reasons)

    def _text_parts(self, text: str, signals: RiskSignals) -> list[_Part]:
        """Collect word-list hits and tone cues of the message."""
        hits = self._matcher.match(text)
        if any(hit.rule.category in _MOOD for hit in hits) and self._tone.settled(spoken(text)):
            # "I was frustrated at first, but it's sorted now, thanks!": a mood word in a
            # content message tells of the past or of oneself, not of the company now.
            hits = [hit for hit in hits if hit.rule.category not in _MOOD]
        parts = [
            _Part(
                hit.rule.category,
                f'"{hit.evidence}"',
                hit.rule.weight
                if hit.rule.weight is not None
                else self._policy.weight(hit.rule.category),
                stacks=False,
            )
            for hit in hits
            # "Damn good service": a swearword amid praise is emphasis, not anger.
            if not (hit.rule.category == _ANGER and self._tone.praises(text, hit.evidence))
        ]
        earlier = [spoken(before) for before in signals.thread_customer_texts]
        for cue in self._tone.read(spoken(text), earlier):
            weight = self._policy.weight(cue.category) * cue.strength
            parts.append(_Part(cue.category, cue.evidence, weight, stacks=True))
        return parts

    def _context_parts(self, signals: RiskSignals) -> list[_Part]:
        """Collect repeated contacts, unresolved turns and low grounding."""
        policy = self._policy
        parts: list[_Part] = []
        if signals.recent_contacts >= policy.repeat_contact_min:
            contacts = signals.recent_contacts
            weight = policy.weight("repeated_contact") * contacts / policy.repeat_contact_min
            hours = f"{policy.repeat_contact_window_hours:g}"
            evidence = f"{contacts + 1} contacts in {hours} h"
            parts.append(_Part("repeated_contact", evidence, min(weight, _CAP), stacks=True))
        if signals.unresolved_turns >= policy.unresolved_min:
            turns = signals.unresolved_turns
            weight = min(policy.weight("unresolved") * turns, _CAP)
            evidence = f"customer came back after {turns} bot answer{'s' if turns > 1 else ''}"
            parts.append(_Part("unresolved", evidence, weight, stacks=True))
        if signals.grounding is not None and signals.grounding < policy.grounding_min:
            evidence = f"grounding {signals.grounding:.2f} < {policy.grounding_min:.2f}"
            weight = policy.weight("low_confidence")
            parts.append(_Part("low_confidence", evidence, weight, stacks=True))
        return parts

    def _high_value_parts(self, signals: RiskSignals) -> list[_Part]:
        """Mark a high-tier or high-paying account."""
        policy = self._policy
        tiers = {tier.lower() for tier in policy.high_value_tiers}
        facts = []
        if signals.account_tier is not None and signals.account_tier.lower() in tiers:
            facts.append(f"{signals.account_tier} tier")
        value = signals.monthly_value
        if value is not None and value >= policy.high_value_monthly_eur:
            facts.append(f"{value:g} EUR/month ≥ {policy.high_value_monthly_eur:g}")
        if not facts:
            return []
        return [_Part("high_value", ", ".join(facts), policy.weight("high_value"), stacks=True)]

    def _model_part(self, assessment: ModelAssessment) -> _Part:
        """Turn Claude's own score into one weighted reason."""
        shown = "; ".join(
            f"{reason.category}: {reason.evidence}"
            for reason in assessment.reasons[:_MODEL_REASONS_SHOWN]
        )
        evidence = f"model score {assessment.score:.2f}" + (f" ({shown})" if shown else "")
        return _Part("model", evidence, assessment.score * self._policy.weight("model"), True)


def _distinct(evidence: Iterable[str]) -> list[str]:
    """Drop repeated evidence and quotes contained in a longer one ("real person")."""
    unique = list(dict.fromkeys(evidence))
    return [
        item
        for item in unique
        if not any(item != other and item.strip('"') in other for other in unique)
    ]


def _merge(parts: list[_Part]) -> tuple[RiskReason, ...]:
    """Fold pieces into one reason per category, strongest first."""
    by_category: dict[str, list[_Part]] = {}
    for part in parts:
        by_category.setdefault(part.category, []).append(part)
    reasons = []
    for category, group in by_category.items():
        words = [part.weight for part in group if not part.stacks]
        cues = [part.weight for part in group if part.stacks]
        weight = noisy_or(([max(words)] if words else []) + cues)
        evidence = "; ".join(_distinct(part.evidence for part in group))
        reasons.append(RiskReason(category=category, evidence=evidence, weight=round(weight, 4)))
    return tuple(sorted(reasons, key=lambda reason: (-reason.weight, reason.category)))
