"""How well money promises are told apart from innocent mentions, per part of the corpus.

The "dev" part is what the detector was built on. It holds four earlier holdout rounds, each
measured blind before its misses were fixed: 25 of 35, 21 of 30, 11 of 20 and 17 of 20 promises
caught; 0, 1, 0 and 0 innocent mentions flagged. The "holdout" part was written after the
detector and measured blind once: 12 of 20 promises caught, 0 of 20 innocent mentions flagged;
its misses were fixed afterwards, so it is no longer blind either. On wordings it has never
seen, the detector catches roughly 55-85% of promises: the offers Claude declares with each
draft are the other, independent check.

    python bench/commitments.py [--show]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.commitments import find_commitments  # noqa: E402

CORPUS = ROOT / "tests" / "bot" / "data" / "commitments.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print every mistake")
    args = parser.parse_args()
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    for split in ("dev", "holdout", "all"):
        part = [r for r in rows if split in ("all", r["split"])]
        promises = [r for r in part if r["promise"]]
        innocent = [r for r in part if not r["promise"]]
        missed = [r for r in promises if not find_commitments(r["text"])]
        flagged = [r for r in innocent if find_commitments(r["text"])]
        print(
            f"{split:8} {len(part):4} phrasings: promises missed {len(missed)}/{len(promises)}, "
            f"innocent flagged {len(flagged)}/{len(innocent)}"
        )
        if args.show:
            for row in missed + flagged:
                print("   ", "MISSED " if row["promise"] else "FLAGGED", row["text"])


if __name__ == "__main__":
    main()
