"""Routine account work in risky words stays with the bot; leaving, disputing, suing still fire.

Each test is a class of false alarm seen on business-telecom questions written the way
customers write in Slack, checked over wordings that appear in no data file: a leaver's line is
no churn, numbers coming in are no port-out, a question about how disputes or complaints run is
none of its own, a legal team named as a place is no threat, a stolen handset is an errand, and
"for 20 people" asks for no person.
"""

from __future__ import annotations

import pytest

from bot.policy import load_policy
from bot.risk import RiskScorer
from bot.risk_text import HEADCOUNT, split_sentences
from bot.tone import ToneReader
from tests.bot.risk_checks import assert_fires, assert_routine


@pytest.fixture(scope="module")
def scorer() -> RiskScorer:
    return RiskScorer(load_policy().risk)


@pytest.mark.parametrize(
    "text",
    [
        "Tomasz left the company last week, can you cancel his line please?",
        "How do I disconnect the line of an employee who has left?",
        "one of our drivers quit, can we cancel his SIM and keep the number for the next hire?",
        "can I terminate a single line on our account or do they all end together?",
        "Is there a charge to close one line of the 12 on our plan?",
        "a leaver wants to keep their work number, how do we release the PAC to them?",
        "a director is leaving and taking her number to her new company, what's the process?",
        "how do I stop the line of someone on long-term sick leave without losing the number?",
        "do we have to give notice if we don't want to renew one of the broadband lines?",
    ],
)
def test_one_line_of_a_leaver_is_housekeeping_not_churn(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text)


@pytest.mark.parametrize(
    "text",
    [
        "We're bringing our 30 numbers across from our old provider. What do you need from us?",
        "our numbers are coming over from another network. Where do we put the PAC codes?",
        "we are porting in 5 mobiles, do we need to ask for the codes first?",
        "Do I have to terminate our contract with the old provider before you port them?",
        "should we cancel with our current provider ourselves or do you handle that?",
    ],
)
def test_numbers_coming_to_us_are_never_churn(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text)


@pytest.mark.parametrize(
    "text",
    [
        "I want to cancel our contract and move to another provider",
        "please cancel all our lines, we're leaving",
        "send us the PAC codes for all our lines please",
        "we are closing our account with you",
        "I want to cancel my broadband",
        "how do I port my number out?",
        "Who do I speak to to cancel our contract?",
        "We're moving our numbers over to another provider. Please send our PAC codes.",
    ],
)
def test_the_customers_own_departure_still_fires(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "churn")


@pytest.mark.parametrize(
    "text",
    [
        "how long do billing disputes usually take to resolve?",
        "Who on our side is allowed to raise a dispute about an invoice?",
        "Can our finance manager open a billing dispute or does it have to be the admin?",
        "does a disputed invoice still need paying while you look into it?",
        "How long does it take for a complaint to get a response?",
        "who can request compensation for downtime, only the account owner?",
        "how is the early termination fee worked out for a line with 6 months left?",
        "If a number ports out mid-contract, is there a fee for that?",
    ],
)
def test_how_a_process_runs_is_no_case_of_it(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("We dispute the March invoice, the amount is wrong", "billing_dispute"),
        ("I want to dispute this charge", "billing_dispute"),
        ("I'd like to make a formal complaint about the installer", "complaint"),
        ("we were charged twice for the same line", "billing_dispute"),
    ],
)
def test_a_dispute_or_complaint_of_ones_own_still_fires(
    scorer: RiskScorer, text: str, category: str
) -> None:
    assert_fires(scorer, text, category)


@pytest.mark.parametrize(
    "text",
    [
        "Our legal team needs 3 extra seats, can you add them?",
        "the printer in the legal department needs a new phone line",
        "Can you set up a hunt group for the legal team?",
        "the lawyers on our side need to review the MSA, can you send the latest version?",
        "Our in-house counsel and the solicitor's office upstairs both need desk phones",
        "one of our engineers had his phone stolen, can you bar the SIM?",
        "My work phone got stolen on the train. How do I block it and get a new SIM?",
        "a company laptop with a data SIM was stolen from a van, can you suspend the SIM?",
        "what's your process if someone tries a SIM swap on one of our numbers?",
        "how do we report a suspected phishing text?",
    ],
)
def test_a_legal_team_as_a_place_and_a_stolen_handset_stay_routine(
    scorer: RiskScorer, text: str
) -> None:
    assert_routine(scorer, text)


@pytest.mark.parametrize(
    "text",
    [
        "I'm passing this to our legal department",
        "you will hear from our legal team",
        "someone stole my identity and opened a contract in my name",
        "we've been scammed by someone claiming to be from you",
        "We will be taking legal action",
        "My solicitor will be in touch about this",
        "I'm speaking to a lawyer about the contract you broke",
    ],
)
def test_legal_threats_and_fraud_still_fire(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "legal")


def test_a_lost_or_stolen_device_reads_neutral() -> None:
    tone = ToneReader(load_policy().risk.tone)
    assert tone.compound("our work phone has been stolen, how do we bar it?") > -0.3
    assert tone.compound("can you block the stolen handset?") > tone.compound(
        "can you block the stolen handset, you useless idiots?"
    )
    assert tone.compound("the money was stolen from my account") < -0.3


@pytest.mark.parametrize(
    "text",
    [
        "Can we get 5G routers for 20 people working remotely?",
        "We need mobiles for twelve staff, what's the lead time?",
        "could you quote us for five people on unlimited data?",
        "Do you have a bundle for 40 users working from home?",
        "can we get a SIM for each person in the sales team?",
    ],
)
def test_a_headcount_asks_for_no_person(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text)


def test_a_count_of_people_reads_as_one_word() -> None:
    def words(text: str) -> list[str]:
        return [token.word for sentence in split_sentences(text) for token in sentence]

    assert HEADCOUNT in words("for 20 people") and HEADCOUNT in words("twelve staff")
    assert HEADCOUNT not in words("a person") and HEADCOUNT not in words("3 agents")


@pytest.mark.parametrize(
    "text",
    ["can I talk to a person", "I want to speak to someone, not a bot"],
)
def test_asking_for_a_person_still_fires(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "human_request")
