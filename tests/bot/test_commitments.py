"""Promises of money are found in any wording; quoting the policy or the knowledge base is not one.

The corpus (tests/bot/data/commitments.jsonl) has a "dev" part the detector was built on and a
"holdout" part written after it. The holdout was measured blind once (12 of 20 promises caught,
0 of 20 innocent mentions flagged); the misses were then fixed by generalising the structure,
which is why the whole corpus is now caught. bench/commitments.py prints the counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.commitments import find_commitments
from bot.knowledge import default_kb_dir, load_articles

CORPUS = Path(__file__).parent / "data" / "commitments.jsonl"


def corpus() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def test_corpus_mixes_promises_and_innocent_mentions_in_both_splits() -> None:
    rows = corpus()

    assert len(rows) >= 200
    for split in ("dev", "holdout"):
        labels = [row["promise"] for row in rows if row["split"] == split]
        assert labels.count(True) >= 20 and labels.count(False) >= 20


def test_no_promise_in_the_corpus_is_missed() -> None:
    missed = [
        row["text"] for row in corpus() if row["promise"] and not find_commitments(row["text"])
    ]

    assert missed == []


def test_innocent_mentions_are_answered_automatically() -> None:
    flagged = {
        split: [
            row["text"]
            for row in corpus()
            if row["split"] == split and not row["promise"] and find_commitments(row["text"])
        ]
        for split in ("dev", "holdout")
    }

    assert flagged["dev"] == []
    assert len(flagged["holdout"]) <= 2, flagged["holdout"]


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]


def test_no_sentence_of_the_knowledge_base_is_a_promise() -> None:
    articles = load_articles(default_kb_dir())
    sentences = [s for article in articles for s in _sentences(article.body)]

    assert len(sentences) > 300
    assert [s for s in sentences if find_commitments(s)] == []
    assert all(find_commitments(a.body) == [] for a in articles)


@pytest.mark.parametrize(
    "text",
    [
        "Thanks for your patience. We will give you a 100% refund for March.",
        "I have credited EUR 500 to your account. Anything else?",
        "Sorry about that! This month is on the house.",
        "Use voucher code FREE2027 when you renew.",
        "As an apology, here's a free year of service on us.",
    ],
)
def test_evidence_quotes_the_promising_sentence(text: str) -> None:
    found = find_commitments(text)

    assert len(found) == 1
    assert found[0].evidence in text
    assert not found[0].evidence.startswith(("Thanks", "Anything"))


def test_a_reply_quoting_the_customer_or_a_policy_promises_nothing() -> None:
    reply = (
        'You wrote that you were promised "a free year on us". Under our SLA, service credits '
        "are 10% of the monthly fee per day of outage, and refunds go back to the original card "
        "within 5 days. I've passed your request to our billing team.\n"
        "> we will refund you in full"
    )

    assert find_commitments(reply) == []


def test_a_promise_after_reported_speech_is_still_a_promise() -> None:
    assert find_commitments("You asked for a refund so we have credited €50 to your account.")
    assert not find_commitments("You asked whether we would refund the fee and I passed it on.")
