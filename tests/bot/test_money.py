"""A draft that promises money goes to a person, whichever check finds the promise."""

from __future__ import annotations

from bot.engine import Draft, Offer
from bot.money import money_needs_a_human
from bot.risk import RiskAssessment

ROUTINE = RiskAssessment(score=0.1, decision="auto", reasons=())


def draft(text: str, *offers: Offer) -> Draft:
    return Draft(text=text, grounding=0.9, engine="claude", offers=offers)


def test_a_promise_in_the_text_escalates_with_the_promising_words() -> None:
    assessment = money_needs_a_human(draft("Sorry! I have credited EUR 500 to you."), ROUTINE)

    assert assessment.decision == "escalate" and assessment.score == 1.0
    (reason,) = assessment.reasons
    assert reason.category == "money_offer"
    assert "“I have credited EUR 500 to you.”" in reason.evidence


def test_an_offer_the_model_declares_escalates_even_when_the_text_hides_it() -> None:
    offer = Offer(kind="free_month", months=1, evidence="a little something")

    assessment = money_needs_a_human(draft("Here is a little something.", offer), ROUTINE)

    assert assessment.decision == "escalate"
    assert "1 free month (“a little something”)" in assessment.reasons[0].evidence


def test_quoting_the_compensation_policy_changes_nothing() -> None:
    text = (
        "Under our SLA, outages of 4 to 24 hours earn a 10% service credit, at most 50 EUR "
        "for Standard accounts, and approved credits appear on your next invoice."
    )

    assert money_needs_a_human(draft(text), ROUTINE) is ROUTINE
