"""Assertions shared by the risk scorer's tests: what fired, and whether a person is needed."""

from __future__ import annotations

from collections.abc import Iterable

from bot.risk import RiskAssessment, RiskScorer


def categories(assessment: RiskAssessment) -> set[str]:
    """The categories of every reason in an assessment."""
    return {reason.category for reason in assessment.reasons}


def assert_routine(scorer: RiskScorer, text: str, *, silent: Iterable[str] = ()) -> None:
    """The bot keeps the message, and none of the `silent` categories fired at all."""
    assessment = scorer.assess(text)
    assert assessment.decision == "auto", assessment.reasons
    assert not categories(assessment) & set(silent), assessment.reasons


def assert_fires(scorer: RiskScorer, text: str, category: str) -> None:
    """The message goes to a person, for this category among others."""
    assessment = scorer.assess(text)
    assert assessment.decision == "escalate", assessment.reasons
    assert category in categories(assessment), assessment.reasons
