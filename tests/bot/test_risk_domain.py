"""The product's own vocabulary stays routine; the intent behind the same words still fires.

Each test is a class of failure seen on routine business-telecom traffic, checked over several
wordings that appear in no data file, so a fix must work for the class, not the sentence.
"""

from __future__ import annotations

import pytest

from bot.policy import load_policy
from bot.risk import RiskScorer
from bot.risk_text import PRICE_CUT, RATE, TIMES, split_sentences
from tests.bot.risk_checks import assert_fires, assert_routine, categories


@pytest.fixture(scope="module")
def scorer() -> RiskScorer:
    return RiskScorer(load_policy().risk)


# Intents a routine question in the product's own words must not even hint at.
INTENTS = ("churn", "human_request", "legal", "money_offer")


@pytest.mark.parametrize(
    "text",
    [
        "Does the PAC expire if we don't use it within a month?",
        "what format is a PAC code in, letters and numbers?",
        "we're bringing 8 numbers over from Telco X, where does the PAC go in the order form?",
        "the porting code from our previous provider didn't work, can we choose a new port date?",
        "Is porting in free for landline numbers too?",
        "how many days does a porting code stay valid",
    ],
)
def test_porting_and_pac_codes_as_a_topic_stay_routine(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "please send us the PAC for our 6 lines",
        "I need my PAC code by Friday",
        "can you text me our porting code",
        "How do I port my number out?",
    ],
)
def test_asking_for_ones_own_porting_code_is_churn(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "churn")


@pytest.mark.parametrize(
    "text",
    [
        "What share of the monthly fee is credited after a 30 hour outage?",
        "Are service credits capped per incident or per month?",
        "how is the credit for a broadband outage worked out?",
        "does a credit for an outage show on the invoice or get paid to the bank?",
        "Who approves service credits?",
        "Is there compensation when planned maintenance overruns?",
    ],
)
def test_how_service_credits_work_is_not_a_money_request(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "We were down all day yesterday, can we get a credit for the outage?",
        "after three days without broadband we should get compensation",
        "how do I request compensation for last week's outage",
        "I think we deserve a discount after all this",
    ],
)
def test_asking_for_money_for_oneself_still_fires(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "money_offer")


@pytest.mark.parametrize(
    "text",
    [
        'Your answer said "a pro-rata credit can be offered for the days a service was '
        'unusable" - which days count?',
        "> Every credit, refund or free month is approved by a member of our support team\n"
        "ok so who do we ask?",
        "The article says “renew for 24 months with 10% off the monthly line fee”, for all lines?",
        '"If you cancel within 30 days of the notice, no early termination fee applies" '
        "- does the notice come by email?",
        "&gt; Requests about personal data are handled only by our Data Protection Team\n"
        "what's their email?",
    ],
)
def test_quoting_an_article_or_answer_is_not_saying_it(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        'You told us "the fee will be waived" and it is on the invoice again',
        'I want to "cancel" nothing, I want to close the account',
    ],
)
def test_words_around_a_quote_still_count(scorer: RiskScorer, text: str) -> None:
    assessment = scorer.assess(text)
    assert assessment.decision == "escalate", assessment.reasons


@pytest.mark.parametrize(
    "text",
    [
        "We have a batch of 60 SIMs to activate, can we do them all at once?",
        "second batch of eSIMs arrived this morning",
        "we need 4x eSIMs and 2x physical SIMs for the new starters",
        "Can invoices be sent twice a month, one per cost centre?",
        "the quote shows 3 x 38 EUR for Business Unlimited, is that right?",
        "is the 5% off on renewal before or after VAT?",
    ],
)
def test_batches_counts_and_prices_stay_routine(scorer: RiskScorer, text: str) -> None:
    assessment = scorer.assess(text)
    assert assessment.decision == "auto", assessment.reasons


@pytest.mark.parametrize(
    "text",
    ["you charged us twice for one invoice", "the direct debit went out 2x this month"],
)
def test_repeated_charges_still_dispute(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "billing_dispute")


def test_multipliers_rates_and_price_cuts_read_as_one_word() -> None:
    def words(text: str) -> list[str]:
        return [token.word for sentence in split_sentences(text) for token in sentence]

    assert TIMES not in words("2x direct debits") and TIMES not in words("5 x SIMs")
    assert TIMES in words("charged 2x for it") and TIMES in words("they took it x2")
    assert words("billed twice a month") == ["billed", RATE]
    assert words("3 times weekly") == [RATE]
    assert words("10% off") == [PRICE_CUT] and words("€5 off") == [PRICE_CUT]


@pytest.mark.parametrize(
    "text",
    [
        "Our compliance officer wants to know which sub-processors you use",
        "Where's the DPA? legal needs it before Friday",
        "Is call recording on our lines compliant with GDPR?",
        "Quick data protection question: how long are itemised call records kept?",
        "Which country is our data stored in? It's for our GDPR register",
        "can you send the compliance pack for the tender?",
    ],
)
def test_compliance_and_data_protection_questions_stay_routine(
    scorer: RiskScorer, text: str
) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "You passed our staff numbers to a marketing firm, that breaches GDPR",
        "This is a violation of data protection law and we will take it further",
        "Under GDPR we are formally requesting all data you hold on our employees",
    ],
)
def test_claims_under_data_protection_law_stay_legal(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "legal")


@pytest.mark.parametrize(
    "text",
    [
        "Can I use Wi-Fi calling from the client's office in Ghent?",
        "can staff use their eSIM from a Surface laptop?",
        "Can we call Dutch mobiles from Belgium on Business Plus?",
        "can I get data from a hotel in Zurich with the day pass?",
        "Could our drivers use the 4G backup from the van?",
        "can I use video calling from the Teams app over our lines?",
    ],
)
def test_can_i_use_x_from_y_is_no_request_for_a_person(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "hey team :wave: quick one – where's the PUK?",
        "Hi all! :sweat_smile: how do I add a Data Boost?",
        "<@U0ABCDEF> <@U0GHIJKL> what's the APN on Android?",
        "Morning <!here>, is there maintenance in metro-west tonight?",
        "Hi Brightwave :raised_hands: *quick* question: is 5G in Antwerp yet?",
        "hey <#C0123|support-acme> folks, where do I see the audit log?",
    ],
)
def test_greetings_emoji_and_mentions_stay_routine(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks Nadia! I'll talk to Joost about the roaming bars and come back",
        "Kemal in our finance team asked how the invoice is split by cost centre",
        "cheers Ingrid, can you check with Bram which lines need eSIMs?",
        "our manager wants a copy of the contract end dates",
        "How do I bar a line when someone leaves the company?",
        "someone in sales broke their phone, how do we order a new SIM?",
    ],
)
def test_colleagues_names_and_third_persons_are_no_request(scorer: RiskScorer, text: str) -> None:
    assert_routine(scorer, text, silent=INTENTS)


@pytest.mark.parametrize(
    "text",
    [
        "Could I speak to Rosa again? She handled our port last month",
        "put me through to Daniel please",
        "I want to speak to a manager about this",
        "can someone phone me about the renewal",
    ],
)
def test_asking_for_a_person_or_named_staff_still_escalates(scorer: RiskScorer, text: str) -> None:
    assert_fires(scorer, text, "human_request")


@pytest.mark.parametrize(
    "text",
    [
        "is there a batch discount for 100 handsets?",
        "please confirm the port date",
        "can you explain this *bit* of the invoice?",
        "the *shift* team needs roaming on",
        "Is Bitdefender included with Device Cover?",
        "can you clarify the bill for the Dutch site",
    ],
)
def test_fuzzy_matching_never_turns_a_real_word_into_an_intent(
    scorer: RiskScorer, text: str
) -> None:
    assessment = scorer.assess(text)
    assert assessment.decision == "auto", assessment.reasons
    assert not categories(assessment) & {"anger", "legal", "churn"}


@pytest.mark.parametrize(
    "text",
    ["cancle my contarct", "I want a refnud", "this is bullsh*t", "f u c k this", "sh*tty service"],
)
def test_real_typos_and_masked_swearing_still_match(scorer: RiskScorer, text: str) -> None:
    assert scorer.assess(text).decision == "escalate"
