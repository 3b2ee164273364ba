"""Money in a draft: the one rule that keeps a promise of money from reaching a customer alone."""

from __future__ import annotations

from bot.commitments import find_commitments
from bot.compensation import describe_offer
from bot.engine import Draft, Offer
from bot.mrkdwn import truncate
from bot.risk import RiskAssessment, RiskReason


def money_needs_a_human(draft: Draft, assessment: RiskAssessment) -> RiskAssessment:
    """A draft that promises money is never sent automatically, whatever the risk score.

    Two independent checks: the offers the engine declares with its draft, and the promises
    found in the draft's final text. Either one is enough.
    """
    promises = find_commitments(draft.text)
    if not promises and not draft.offers:
        return assessment
    found = []
    if promises:
        quoted = "; ".join(f"“{truncate(p.evidence, 160)}”" for p in promises[:2])
        found.append(f"the draft promises money: {quoted}")
    if draft.offers:
        declared = ", ".join(_declared(o) for o in draft.offers)
        found.append(f"the model says the draft offers {declared}")
    reason = RiskReason(category="money_offer", evidence="; ".join(found), weight=1.0)
    return RiskAssessment(
        score=max(assessment.score, reason.weight),
        decision="escalate",
        reasons=(reason, *assessment.reasons),
    )


def _declared(offer: Offer) -> str:
    words = describe_offer(offer)
    return f"{words} (“{truncate(offer.evidence, 80)}”)" if offer.evidence else words
