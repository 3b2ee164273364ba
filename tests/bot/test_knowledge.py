"""Search over the knowledge base: the right article, and an honest coverage figure."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, default_kb_dir


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_folder(default_kb_dir())


@pytest.mark.parametrize(
    ("question", "title"),
    [
        ("How do I download last month's invoice?", "Billing cycle and downloading invoices"),
        ("my calls keep dropping", "Dropped calls and poor call quality"),
        ("what is the PUK code for my SIM", "SIM not detected, PIN and PUK codes"),
        ("What is the early termination fee?", "Cancellation policy and early termination fees"),
    ],
)
def test_questions_find_their_article(kb: KnowledgeBase, question: str, title: str) -> None:
    result = kb.search(question)

    assert result.best is not None and result.best.title == title
    assert result.coverage >= 0.5


def test_unrelated_question_has_low_coverage(kb: KnowledgeBase) -> None:
    assert kb.search("what's the weather in Lisbon tomorrow").coverage < 0.35


def test_a_custom_folder_replaces_the_sample(tmp_path: Path) -> None:
    (tmp_path / "wifi.md").write_text(
        "---\ntitle: Office Wi-Fi\nurl: https://x/wifi\n---\nThe password is on the router.\n"
    )

    result = KnowledgeBase.from_folder(tmp_path).search("office wifi password")

    assert result.best is not None and result.best.url == "https://x/wifi"
