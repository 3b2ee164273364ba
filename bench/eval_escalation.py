"""Print precision and recall of the offline escalation decision on a labelled JSONL file.

Usage: python bench/eval_escalation.py [PATH] [--policy FILE]
PATH defaults to ../shared/data/bitext_escalation_dev.jsonl beside the repository.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bot.evaluation import evaluate, format_report, load_labelled
from bot.policy import load_policy
from bot.risk import RiskScorer

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "bitext_escalation_dev.jsonl"


def main(argv: list[str] | None = None) -> int:
    """Score every labelled message and print the report beside both baselines."""
    parser = argparse.ArgumentParser(description="Evaluate the offline escalation decision.")
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--policy", type=Path, default=None, help="policy YAML to evaluate")
    args = parser.parse_args(argv)
    try:
        scorer = RiskScorer(load_policy(args.policy).risk)
        rows = load_labelled(args.path)
    except (OSError, ValueError) as exc:  # PolicyError and bad rows are ValueErrors
        print(f"error: {exc}", file=sys.stderr)
        return 2
    started = time.perf_counter()
    report = evaluate(scorer, rows)
    elapsed = time.perf_counter() - started
    print(f"data: {args.path}")
    print(format_report(report))
    print(f"\nscored {len(rows)} messages in {elapsed:.2f} s ({len(rows) / elapsed:.0f} msg/s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
