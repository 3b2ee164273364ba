"""Search over the knowledge base: the answering section, places, and an honest confidence."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, default_kb_dir
from bot.knowledge.articles import load_articles, split_sections
from bot.knowledge.places import Gazetteer
from bot.knowledge.query import clean_question, is_pleasantry
from bot.knowledge.semantic import Embedder
from bot.offline import answer_from
from bot.policy import load_policy

THRESHOLD = load_policy(None).risk.grounding_min


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_folder(default_kb_dir())


@pytest.mark.parametrize(
    ("question", "article"),
    [
        ("How do I download last month's invoice?", "billing-cycle-invoices"),
        ("my calls keep dropping", "dropped-calls"),
        ("what is the PUK code for my SIM", "sim-pin-puk"),
        ("What is the early termination fee?", "cancellation-fees"),
        ("How much does roaming in Spain cost?", "roaming-eu-uk"),
        (
            "How much does it cost to use my phone in France? Is there a roaming fee?",
            "roaming-eu-uk",
        ),
        ("heading to Norway for a conference, will my allowance work there?", "roaming-eu-uk"),
        ("our MD is in Zurich next week, what does roaming cost there?", "roaming-rest-of-world"),
        ("hey team, quick one – how long is a PAC code valid?", "number-porting-out"),
    ],
)
def test_questions_find_their_article_with_confidence(
    kb: KnowledgeBase, question: str, article: str
) -> None:
    result = kb.search(question)

    assert result.best is not None and result.best.article_id == article
    assert result.confidence >= THRESHOLD


@pytest.mark.parametrize(
    ("question", "article", "places"),
    [
        (
            "flying to Tokyo on Monday, what will data cost me there?",
            "roaming-rest-of-world",
            "Tokyo (Japan)",
        ),
        (
            "going to Lisbon next week, do we pay extra for data?",
            "roaming-eu-uk",
            "Lisbon (Portugal)",
        ),
        ("How much does it cost to use my phone in France?", "roaming-eu-uk", "France"),
    ],
)
def test_a_place_finds_the_article_covering_its_country(
    kb: KnowledgeBase, question: str, article: str, places: str
) -> None:
    result = kb.search(question)

    assert result.best is not None and result.best.article_id == article
    assert result.places == (places,)


@pytest.mark.parametrize(
    "question",
    [
        "help me set up Outlook on my new laptop",
        "what's the weather in Lisbon tomorrow",
        "do you sell leather cases for the Galaxy S24?",
    ],
)
def test_questions_the_knowledge_base_cannot_answer_get_low_confidence(
    kb: KnowledgeBase, question: str
) -> None:
    assert kb.search(question).confidence < THRESHOLD


@pytest.mark.parametrize(
    "wrapping",
    [
        "{q}",
        "hey team, quick one – {q}",
        "Hi all :wave: {q} thanks!",
        "<@U0123ABCD> {q} Cheers, Tom",
        "Morning! {q}\nBest, Priya",
    ],
)
def test_greetings_names_and_markup_do_not_change_the_answer(
    kb: KnowledgeBase, wrapping: str
) -> None:
    question = "how long is a PAC code valid?"
    plain = kb.search(question)

    wrapped = kb.search(wrapping.format(q=question))

    assert wrapped.question == plain.question
    assert wrapped.best == plain.best and wrapped.confidence == plain.confidence


def test_cleaning_keeps_the_substance_of_the_question() -> None:
    assert clean_question("hey team, quick one – can <@U01> get a new eSIM QR code? ty!") == (
        "can get a new eSIM QR code?"
    )
    assert clean_question("Tom here - how long is a PAC code valid?") == (
        "how long is a PAC code valid?"
    )
    assert clean_question("thanks!") == "thanks!"  # nothing else to keep


def test_a_passage_is_never_a_bare_heading() -> None:
    for article in load_articles(default_kb_dir()):
        for section in split_sections(article):
            assert section.body.strip()
            assert not section.body.rstrip().endswith(":") or section.items


def test_an_answer_keeps_steps_as_a_list(kb: KnowledgeBase) -> None:
    result = kb.search(
        "how do I get an eSIM for one of our lines, what are the steps in the portal"
    )

    assert result.best is not None and result.best.article_id == "esim-activation"
    reply = answer_from(result.best)
    assert "> Getting an eSIM (admins):" in reply
    assert "> 1. In the Business Portal" in reply and "> 2. Confirm" in reply


def test_places_come_from_the_country_and_city_data() -> None:
    places = Gazetteer().find("flying from Lisbon to Zurich, then roaming in spain")

    assert {p.country_code for p in places} == {"PT", "CH", "ES"}
    assert Gazetteer().find("reading the invoice, nice and clear") == []


def test_the_semantic_model_loads_from_the_package_with_the_network_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_network(*args: object, **kwargs: object) -> socket.socket:
        raise OSError("network is off in this test")

    monkeypatch.setattr(socket, "socket", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)

    embedder = Embedder.from_package()

    vectors = embedder.embed(["roaming charges in Spain", "roaming prices in the EU"])
    assert vectors.shape == (2, 256)
    assert float(vectors[0] @ vectors[1]) > 0.5


def test_a_custom_folder_replaces_the_sample(tmp_path: Path) -> None:
    (tmp_path / "wifi.md").write_text(
        "---\ntitle: Office Wi-Fi\nurl: https://x/wifi\n---\nThe password is on the router.\n"
    )

    result = KnowledgeBase.from_folder(tmp_path).search("office wifi password")

    assert result.best is not None and result.best.url == "https://x/wifi"


def test_front_matter_countries_route_a_place_to_its_article(tmp_path: Path) -> None:
    (tmp_path / "nordics.md").write_text(
        "---\ntitle: Travel in the Nordics\ncountries: [SE, NO, DK, FI]\n---\n"
        "Your plan works there at no extra cost.\n"
    )
    (tmp_path / "world.md").write_text(
        "---\ntitle: Travel elsewhere\ncountries: ['*']\n---\nA day pass costs 9 EUR.\n"
    )
    kb = KnowledgeBase.from_folder(tmp_path)

    oslo = kb.search("going to Oslo, does my plan work?")

    assert oslo.best is not None and oslo.best.article_id == "nordics"
    assert oslo.places == ("Oslo (Norway)",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hi all :wave:", True),
        ("thanks, that worked", True),
        ("cheers, Tom", True),
        ("perfect 👍", True),
        ("Thanks, still broken", False),
        ("hi, how long is a PAC code valid?", False),
        ("Thanks for the help, but it still does not work", False),
    ],
)
def test_a_message_that_is_only_a_pleasantry_is_recognised(text: str, expected: bool) -> None:
    assert is_pleasantry(text) is expected
