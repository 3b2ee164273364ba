"""How the offline risk rules generalise beyond the templated development file.

`data/escalation_holdout.jsonl` holds hand-written messages from several domains (telecom,
SaaS, banking, utilities, airlines, e-commerce) in many registers, with hard negatives: routine
uses of risky words, negations, indirect churn and indirect requests for a person. The rules
were tuned against it, so it guards against regressions rather than proving generalisation.

`UNSEEN` below was written after the last rule change and never tuned on: it is the honest
check of how the rules hold on phrasings nobody fitted them to. Its bar sits lower on purpose.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import OURS, Counts, LabelledMessage, evaluate, load_labelled
from bot.policy import load_policy
from bot.risk import RiskScorer

HOLDOUT = Path(__file__).parent / "data" / "escalation_holdout.jsonl"

# Reached when written: clear-tier recall 98.2 %, routine escalated 0.5 % (clear) / 2.7 % (all).
CLEAR_RECALL_MIN = 0.90
ROUTINE_ESCALATED_MAX = 0.05
# Reached on UNSEEN when written: recall 60 % (12/20), routine escalated 5 % (1/20).
UNSEEN_RECALL_MIN = 0.55
UNSEEN_ROUTINE_ESCALATED_MAX = 0.10

# text, needs_human, reason -- written after tuning; do not tune the rules on these.
UNSEEN: list[tuple[str, bool, str]] = [
    (
        "We'd like to give you 30 days' notice that we're ending our service agreement.",
        True,
        "churn",
    ),
    (
        "I've found the same package for half the price with Octopus, so unless you can do "
        "something I'm switching",
        True,
        "churn",
    ),
    ("how do I permanently deactivate my profile and stop all emails", True, "churn"),
    ("Our board voted to move all banking to a different provider next quarter.", True, "churn"),
    ("Please can a real member of staff call me back about my claim", True, "human_request"),
    (
        "I keep getting the same canned answers. Can I talk to whoever is in charge?",
        True,
        "human_request",
    ),
    ("Transfer me to the retentions team please", True, "human_request"),
    (
        "There's a £250 'early upgrade fee' on my account that I was told would be waived.",
        True,
        "billing_dispute",
    ),
    ("Got charged 3 times for the same taxi ride through your app", True, "billing_dispute"),
    (
        "my salary went in but the app says I've got £0, where has my money gone??",
        True,
        "billing_dispute",
    ),
    (
        "I want the £60 late fee refunded, the payment was late because your website was down",
        True,
        "billing_dispute",
    ),
    (
        "Nobody has responded to my emails in 3 weeks. This level of service is not acceptable.",
        True,
        "complaint",
    ),
    (
        "I'd like to make a formal complaint about how my flight cancellation was handled.",
        True,
        "complaint",
    ),
    ("Honestly you are the most useless company I have ever dealt with", True, "anger"),
    ("for f***'s sake just fix the internet", True, "anger"),
    ("If this isn't resolved I will be taking it up with the Financial Ombudsman.", True, "legal"),
    (
        "You've shared my phone number with a third party without consent, that's a data "
        "protection violation.",
        True,
        "legal",
    ),
    (
        "I received a parcel I never ordered and now there's a payment for it on my card",
        True,
        "other",
    ),
    ("My grandson used my account details to take out credit without asking me", True, "other"),
    ("please block my card, I think someone copied it at a petrol station", True, "other"),
    ("How do I change the PIN on my new card?", False, "none"),
    ("Do you offer a 12-month SIM only contract?", False, "none"),
    ("What is the baggage fee for a second checked bag?", False, "none"),
    ("Can I set a spending limit on my daughter's card?", False, "none"),
    ("the wifi drops when I use the microwave, is that normal?", False, "none"),
    ("How do I add a colleague as an admin on our workspace?", False, "none"),
    ("can I cancel a transfer I scheduled for next week", False, "none"),
    ("What's the difference between the fixed and variable tariff?", False, "none"),
    ("When does my annual subscription renew?", False, "none"),
    ("How do I switch off data roaming on Android?", False, "none"),
    ("I'd like to add travel insurance to my existing booking", False, "none"),
    ("Is there a discount if I pay annually instead of monthly?", False, "none"),
    (
        "is there someone who can explain the new tariffs at a branch? or is it online only",
        False,
        "none",
    ),
    ("Do I get a refund of the unused months if I upgrade mid-contract?", False, "none"),
    ("Where can I see the status page for outages?", False, "none"),
    ("How do I close a pot in the app?", False, "none"),
    ("Can I get my bills in large print?", False, "none"),
    ("Appreciate the quick reply, that's exactly what I needed.", False, "none"),
    ("What documents do I need to open a business account?", False, "none"),
    ("Can I change my seat after online check-in?", False, "none"),
]


@pytest.fixture(scope="module")
def scorer() -> RiskScorer:
    return RiskScorer(load_policy().risk)


def _ours(scorer: RiskScorer, rows: list[LabelledMessage]) -> tuple[Counts, Counts]:
    report = evaluate(scorer, rows)
    detector = next(d for d in report.detectors if d.name == OURS)
    return detector.clear, detector.overall


def test_holdout_file_is_well_formed() -> None:
    rows = load_labelled(HOLDOUT)
    assert len(rows) >= 250
    assert len({row.text for row in rows}) == len(rows)
    reasons = {"churn", "anger", "complaint", "human_request", "billing_dispute", "legal", "other"}
    for row in rows:
        assert row.tier in ("clear", "ambiguous")
        assert (row.reason in reasons) if row.needs_human else (row.reason == "none")
    routine = sum(not row.needs_human for row in rows) / len(rows)
    assert 0.5 <= routine <= 0.7


def test_holdout_clear_tier_recall_and_routine_escalations(scorer: RiskScorer) -> None:
    clear, overall = _ours(scorer, load_labelled(HOLDOUT))
    assert clear.recall is not None and clear.recall >= CLEAR_RECALL_MIN, clear
    assert clear.routine_escalated is not None
    assert clear.routine_escalated <= ROUTINE_ESCALATED_MAX, clear
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= ROUTINE_ESCALATED_MAX, overall


def test_rules_hold_on_unseen_messages(scorer: RiskScorer) -> None:
    rows = [
        LabelledMessage(text=text, needs_human=needed, reason=reason)
        for text, needed, reason in UNSEEN
    ]
    _, overall = _ours(scorer, rows)
    assert overall.recall is not None and overall.recall >= UNSEEN_RECALL_MIN, overall
    assert overall.routine_escalated is not None
    assert overall.routine_escalated <= UNSEEN_ROUTINE_ESCALATED_MAX, overall
