"""Offline evaluation: counts worked out by hand on a tiny labelled file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.evaluation import (
    NAIVE,
    OURS,
    SENTIMENT,
    Counts,
    EvalReport,
    evaluate,
    format_report,
    load_labelled,
)
from bot.policy import load_policy
from bot.risk import RiskScorer

# text, needs_human, reason, tier   -> ours / naive words / sentiment (VADER < -0.5)
ROWS = [
    ("I want to close my account", True, "churn", "clear"),  # T / F / F
    ("please cancel my contract", True, "churn", "clear"),  # T / T / F
    ("how do I cancel my order?", False, "none", "clear"),  # F / T / F
    ("How do I set up voicemail?", False, "none", "clear"),  # F / F / F
    ("I am so angry, this is terrible", True, "anger", "ambiguous"),  # T / T / T
    ("Can I speak to an agent?", True, "human_request", "clear"),  # T / F / F
    # VADER -0.89: our anger cue (0.6 x 0.89) and the sentiment baseline both fire.
    (
        "The old phone was a terrible, horrible disaster. How do I set up the new one?",
        False,
        "none",
        "ambiguous",
    ),  # T / F / T
    ("I need help with something", True, "complaint", "clear"),  # F / F / F
]


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> EvalReport:
    path = tmp_path_factory.mktemp("eval") / "labelled.jsonl"
    lines = [
        json.dumps(
            {"id": f"r{i}", "text": t, "needs_human": n, "reason": r, "tier": tier, "extra": 1}
        )
        for i, (t, n, r, tier) in enumerate(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    rows = load_labelled(path)
    assert len(rows) == len(ROWS)
    return evaluate(RiskScorer(load_policy().risk), rows)


def detector(report: EvalReport, name: str) -> dict[str, Counts]:
    found = next(d for d in report.detectors if d.name == name)
    return {"overall": found.overall, "clear": found.clear, **found.per_reason}


def test_row_counts(report: EvalReport) -> None:
    assert (report.rows, report.clear_rows) == (8, 6)


def test_scorer_counts_overall_and_on_the_clear_tier(report: EvalReport) -> None:
    ours = detector(report, OURS)
    assert ours["overall"] == Counts(tp=4, fp=1, fn=1, tn=2)
    assert ours["overall"].precision == pytest.approx(0.8)
    assert ours["overall"].recall == pytest.approx(0.8)
    assert ours["overall"].routine_escalated == pytest.approx(1 / 3)
    assert ours["clear"] == Counts(tp=3, fp=0, fn=1, tn=2)
    assert ours["clear"].precision == 1.0
    assert ours["clear"].recall == pytest.approx(0.75)
    assert ours["clear"].routine_escalated == 0.0


def test_naive_word_baseline(report: EvalReport) -> None:
    naive = detector(report, NAIVE)
    assert naive["overall"] == Counts(tp=2, fp=1, fn=3, tn=2)
    assert naive["overall"].precision == pytest.approx(2 / 3)
    assert naive["overall"].recall == pytest.approx(0.4)
    assert naive["clear"] == Counts(tp=1, fp=1, fn=3, tn=1)
    assert naive["clear"].routine_escalated == pytest.approx(0.5)


def test_sentiment_baseline(report: EvalReport) -> None:
    sentiment = detector(report, SENTIMENT)
    assert sentiment["overall"] == Counts(tp=1, fp=1, fn=4, tn=2)
    assert sentiment["clear"] == Counts(tp=0, fp=0, fn=4, tn=2)
    assert sentiment["clear"].precision is None
    assert sentiment["clear"].recall == 0.0


def test_recall_per_reason(report: EvalReport) -> None:
    ours, naive = detector(report, OURS), detector(report, NAIVE)
    assert {r: ours[r].recall for r in ("churn", "anger", "human_request", "complaint")} == {
        "churn": 1.0,
        "anger": 1.0,
        "human_request": 1.0,
        "complaint": 0.0,
    }
    assert naive["churn"].recall == 0.5
    assert naive["human_request"].recall == 0.0


def test_top_reason_agreement_and_precision_by_top_reason(report: EvalReport) -> None:
    assert report.reason_agreement == {"anger": (1, 1), "churn": (2, 2), "human_request": (1, 1)}
    by_top = report.fired_by_top_reason
    assert by_top["churn"] == Counts(tp=2)
    assert by_top["anger"] == Counts(tp=1, fp=1)
    assert by_top["anger"].precision == 0.5


def test_format_report_prints_every_detector_and_slice(report: EvalReport) -> None:
    text = format_report(report)
    assert "8 labelled messages (6 on the clear tier)" in text
    for name in (OURS, NAIVE, SENTIMENT):
        assert name in text
    ours_all = next(line for line in text.splitlines() if line.startswith("all rows     risk"))
    assert "80.0%" in ours_all
    assert "33.3%" in ours_all
    ours_clear = next(line for line in text.splitlines() if line.startswith("clear tier   risk"))
    assert "100.0%" in ours_clear
    assert "75.0%" in ours_clear
    assert "complaint" in text


def test_bad_row_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "hi", "needs_human": false}\n{"text": "no label"}\n')
    with pytest.raises(ValueError, match=r"bad\.jsonl:2"):
        load_labelled(path)
