"""Routine business-telecom questions, written as people write in Slack, stay with the bot.

`data/routine_domain.jsonl` holds routine questions of the product's own domain (porting and
PAC codes, service credits as a topic, batches of numbers, compliance and data protection,
"can I use X from Y", greetings, names and mentions, typos, quotes of help articles) and a few
of banking, e-commerce and SaaS. Rows were split by a hash of their text before any rule
changed: the rules were tuned on `dev` only; `holdout` was scored, never tuned on.

Reached when written: dev 14.8 % and holdout 15.8 % escalated; after the round on domain
vocabulary dev 0.0 % and holdout 1.3 %.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.evaluation import load_labelled
from bot.policy import load_policy
from bot.risk import RiskScorer

ROUTINE = Path(__file__).parent / "data" / "routine_domain.jsonl"
ESCALATED_MAX = 0.03


@pytest.fixture(scope="module")
def scorer() -> RiskScorer:
    return RiskScorer(load_policy().risk)


def test_routine_set_is_well_formed() -> None:
    rows = load_labelled(ROUTINE)
    assert len(rows) >= 150
    assert all(not row.needs_human and row.reason == "none" for row in rows)
    assert all(row.tier == "clear" for row in rows)
    assert len({row.id for row in rows}) == len(rows)
    assert len({row.text for row in rows}) == len(rows)
    splits = Counter(row.split for row in rows)
    assert set(splits) == {"dev", "holdout"}
    assert 0.35 <= splits["holdout"] / len(rows) <= 0.45


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_rules_escalate_at_most_three_percent_of_routine_rows(
    scorer: RiskScorer, split: str
) -> None:
    rows = [row for row in load_labelled(ROUTINE) if row.split == split]
    escalated = [row.text for row in rows if scorer.assess_text_only(row.text).decision != "auto"]
    assert len(escalated) / len(rows) <= ESCALATED_MAX, escalated
