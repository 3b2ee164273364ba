"""Print how well the offline engine answers: the right article, and honesty when there is none.

Usage: python bench/answering.py [--split holdout|dev|all] [--fit] [--threshold P]

Reads the labelled questions in bench/data/answering/ (routine questions with the article that
answers them, and calm questions the knowledge base cannot answer). `--fit` calibrates the
ranking and answerability models on the dev split and writes bot/data/answering_model.json;
figures are then printed on the split asked for (the holdout split by default, never tuned on),
beside the engine as it was before (BM25 over passages with a coverage threshold) in the same run.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize
from sklearn.linear_model import LogisticRegression

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from bench.baseline_knowledge import KnowledgeBase as BaselineKnowledgeBase  # noqa: E402
from bot.knowledge import KnowledgeBase, default_kb_dir, load_articles  # noqa: E402
from bot.knowledge.calibration import SHIPPED, AnsweringModel, Logistic  # noqa: E402
from bot.knowledge.search import ANSWER_FEATURES, RANK_FEATURES  # noqa: E402
from bot.policy import load_policy  # noqa: E402
from bot.risk import RiskScorer, RiskSignals  # noqa: E402

DATA = REPO_ROOT / "bench" / "data" / "answering"
BASELINE_COVERAGE = 0.35  # the old engine's threshold


@dataclass(frozen=True)
class Question:
    """One labelled question: the article that answers it, or None."""

    id: str
    text: str
    article: str | None
    split: str


def load_questions(split: str) -> list[Question]:
    """Routine and unanswerable questions of one split ("all" for both)."""
    rows = []
    for name in ("routine.jsonl", "unanswerable.jsonl"):
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                rows.append(Question(row["id"], row["text"], row.get("article"), row["split"]))
    return [q for q in rows if split == "all" or q.split == split]


def fit(kb: KnowledgeBase, questions: list[Question]) -> AnsweringModel:
    """Calibrate the ranker on (question, article) pairs, then the answerability model."""
    groups = []
    for question in questions:
        if question.article is None:
            continue
        ranked = kb.rank_features(question.text)
        ids = [article_id for article_id, _ in ranked]
        if question.article in ids:
            matrix = np.array([[f[name] for name in RANK_FEATURES] for _, f in ranked])
            groups.append((matrix, ids.index(question.article)))
    weights = _listwise(groups)
    rank_model = Logistic(weights=dict(zip(RANK_FEATURES, map(float, weights), strict=True)))
    draft = AnsweringModel(ranker=rank_model, answerable=Logistic(weights={}), fitted_on="")
    ranked = KnowledgeBase(list(kb.articles.values()), model=draft)
    x, y = [], []
    for question in questions:
        result = ranked.search(question.text)
        features = dict(result.features)
        x.append([features.get(name, 0.0) for name in ANSWER_FEATURES])
        best = result.best.article_id if result.best else None
        y.append(int(question.article is not None and best == question.article))
    answerable = LogisticRegression(C=1.0, max_iter=1000).fit(np.array(x), np.array(y))
    counts = f"{sum(q.article is not None for q in questions)} routine and "
    counts += f"{sum(q.article is None for q in questions)} unanswerable questions"
    return AnsweringModel(
        ranker=rank_model,
        answerable=Logistic(
            weights=dict(zip(ANSWER_FEATURES, map(float, answerable.coef_[0]), strict=True)),
            bias=float(answerable.intercept_[0]),
        ),
        fitted_on=f"bench/data/answering dev split: {counts}",
    )


def _listwise(groups: list[tuple[np.ndarray, int]], l2: float = 0.01) -> np.ndarray:
    """Weights that maximise the softmax likelihood of the right article among all articles."""

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = l2 * float(w @ w), 2 * l2 * w
        for matrix, right in groups:
            scores = matrix @ w
            scores -= scores.max()
            p = np.exp(scores) / np.exp(scores).sum()
            total -= float(np.log(p[right] + 1e-12))
            grad -= matrix[right] - p @ matrix
        return total / len(groups), grad / len(groups)

    start = np.ones(len(RANK_FEATURES))
    return minimize(loss, start, jac=True, method="L-BFGS-B").x


def pct(part: int, whole: int) -> str:
    """A share as a percentage with its counts."""
    return f"{100 * part / whole:5.1f} % ({part}/{whole})" if whole else "  n/a"


def report(kb: KnowledgeBase, questions: list[Question], threshold: float) -> None:
    """Print retrieval recall and the answer-or-hand-off figures, new engine beside the old."""
    baseline = BaselineKnowledgeBase(load_articles(default_kb_dir()))
    scorer = RiskScorer(load_policy(None).risk)
    routine = [q for q in questions if q.article is not None]
    unanswerable = [q for q in questions if q.article is None]
    rows: dict[str, list[int]] = {k: [0, 0] for k in ("at1", "at3", "auto", "unans", "rules")}
    started = time.perf_counter()
    for question in questions:
        new = kb.search(question.text)
        old = baseline.search(question.text)
        new_ids = [p.article_id for p in new.passages]
        old_ids = [p.article_id for p in old.passages]
        answered_new = new.confidence >= threshold
        answered_old = old.coverage >= BASELINE_COVERAGE
        assessment = scorer.assess(question.text, RiskSignals(grounding=new.confidence))
        if question.article is not None:
            rows["at1"][0] += new_ids[:1] == [question.article]
            rows["at1"][1] += old_ids[:1] == [question.article]
            rows["at3"][0] += question.article in new_ids[:3]
            rows["at3"][1] += question.article in old_ids[:3]
            rows["auto"][0] += answered_new and new_ids[:1] == [question.article]
            rows["auto"][1] += answered_old and old_ids[:1] == [question.article]
            rows["rules"][0] += assessment.decision == "auto" and new_ids[:1] == [question.article]
        else:
            rows["unans"][0] += answered_new
            rows["unans"][1] += answered_old
    elapsed = time.perf_counter() - started
    n, m = len(routine), len(unanswerable)
    print(f"{'figure':58} {'this engine':>18} {'engine before':>18}")
    lines = [
        ("retrieval recall@1 (right article first)", "at1", n),
        ("retrieval recall@3", "at3", n),
        ("routine answered automatically, right article (≥ 90 %)", "auto", n),
        ("unanswerable questions answered (≤ 5 %)", "unans", m),
    ]
    for label, key, whole in lines:
        print(f"{label:58} {pct(rows[key][0], whole):>18} {pct(rows[key][1], whole):>18}")
    label = "routine auto-answered, right article, after the risk rules"
    print(f"{label:58} {pct(rows['rules'][0], n):>18}")
    each = 1000 * elapsed / len(questions)
    print(f"\n{len(questions)} questions, {each:.1f} ms each (both engines)")


def main(argv: list[str] | None = None) -> int:
    """Optionally calibrate on the dev split, then print the figures on the chosen split."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("holdout", "dev", "all"), default="holdout")
    parser.add_argument("--fit", action="store_true", help="calibrate on dev, write the model")
    parser.add_argument("--threshold", type=float, default=None, help="default: the policy's")
    args = parser.parse_args(argv)
    kb = KnowledgeBase.from_folder(default_kb_dir())
    if args.fit:
        model = fit(kb, load_questions("dev"))
        model.save(SHIPPED)
        print(f"wrote {SHIPPED.relative_to(REPO_ROOT)}: {model.fitted_on}")
        kb = KnowledgeBase(list(kb.articles.values()), model=model)
    threshold = args.threshold
    if threshold is None:
        threshold = load_policy(None).risk.grounding_min
    questions = load_questions(args.split)
    print(f"split: {args.split} · answer when confidence ≥ {threshold:.2f}\n")
    report(kb, questions, threshold)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
