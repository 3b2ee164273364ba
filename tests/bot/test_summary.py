"""The card's summary says what the customer wants, in one line, without a model."""

from __future__ import annotations

import pytest

from bot.summary import SUMMARY_MAX, clean, summarize_request


@pytest.mark.parametrize(
    ("message", "summary"),
    [
        ("Hi! How much does roaming in Spain cost? Thanks", "Asks how much roaming in Spain costs"),
        ("how much is the EU day pass?", "Asks how much the EU day pass costs"),
        ("Hello team, how do I download my invoice?", "Asks how to download their invoice"),
        ("Why does my bill show two charges?", "Asks why their bill shows two charges"),
        ("Can I use my phone in Spain?", "Asks whether they can use their phone in Spain"),
        ("Is there an outage in Northgate?", "Asks whether there is an outage in Northgate"),
        ("Did my payment go through?", "Asks whether their payment went through"),
        ("When will my refund arrive?", "Asks when their refund will arrive"),
        ("Where can I find my PUK code?", "Asks where they can find their PUK code"),
        ("What happens if I cancel early?", "Asks what happens if they cancel early"),
        (
            "Good morning! Quick question. Do I need a new SIM for 5G?",
            "Asks whether they need a new SIM for 5G",
        ),
        ("We would like to add 5 lines", "Wants to add 5 lines"),
        ("I'd like a copy of the contract", "Wants a copy of the contract"),
        ("We need help porting our numbers", "Needs help porting their numbers"),
        (
            "<@U0BOT> can you refund the double charge please? Cheers, Dana",
            "Asks us to refund the double charge",
        ),
        ("hey, my mobile data is not working", "Reports mobile data not working"),
        ("The internet at our office keeps dropping", "Reports internet dropping"),
        ("*URGENT* no signal at the warehouse :rage:", "Reports no signal"),
        (
            "Our invoice shows a charge for roaming we never used. Please check.",
            "Their invoice shows a charge for roaming they never used",
        ),
    ],
)
def test_summary_says_what_the_customer_wants(message: str, summary: str) -> None:
    assert summarize_request(message) == summary


def test_the_mood_and_a_fault_in_another_sentence_follow_the_wish() -> None:
    message = (
        "This is the THIRD time this week our calls dropped at the depot!!! "
        "I want to cancel our contract."
    )

    assert summarize_request(message, mood="angry") == (
        "Wants to cancel their contract; angry about calls dropping"
    )
    assert summarize_request(message) == "Wants to cancel their contract; reports calls dropping"
    assert summarize_request("Can you call me back?", mood="frustrated") == (
        "Asks us to call them back; sounds frustrated"
    )


def test_earlier_customer_messages_are_counted_not_copied() -> None:
    summary = summarize_request(
        "my mobile data is still not working",
        earlier=("Hi", "Mobile data down since 9", "anyone??"),
    )

    assert summary == "Reports mobile data not working (2 earlier messages in the thread)"


def test_the_article_title_names_the_topic_of_a_vague_message() -> None:
    summary = summarize_request("spain roaming prices", article_title="Roaming in the EU and UK")

    assert summary == "About Roaming in the EU and UK: Spain roaming prices"
    assert summarize_request("How do I roam?", article_title="Roaming") == "Asks how to roam"


def test_only_a_greeting_or_thanks_still_says_something() -> None:
    assert summarize_request("Thanks!") == "Thanks!"
    assert summarize_request("") == "The customer asked for a person."
    assert summarize_request("hi", earlier=("How do I port my number?",)) == (
        "Asks how to port their number (1 earlier message in the thread)"
    )


def test_summary_is_one_short_line_whatever_the_message() -> None:
    summary = summarize_request("I want to " + "really " * 200 + "leave.\nNow!")

    assert len(summary) <= SUMMARY_MAX and "\n" not in summary and summary.endswith("…")


def test_clean_drops_slack_markup_but_keeps_a_customers_literal_brackets() -> None:
    text = clean(
        "<@U1> see <https://x.example/a|the page> in <#C1|billing> &amp; *now* <!here> <b>"
    )

    assert text == "see the page in #billing & now <b>"
