"""Measure the offline escalation decision on labelled messages, beside two naive baselines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.risk import RiskScorer

_FROZEN = ConfigDict(frozen=True)
NAIVE_WORDS = re.compile(r"\b(cancel|frustrated|angry)", re.IGNORECASE)
SENTIMENT_CUTOFF = -0.5
OURS, NAIVE, SENTIMENT = "risk scorer", "naive words", "sentiment only"


class LabelledMessage(BaseModel):
    """Hold one labelled customer message: does it need a human, and why."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    text: str
    needs_human: bool
    reason: str = "none"
    tier: str = "clear"
    id: str | None = None
    # Which part of a hand-made set a row belongs to ("dev" to tune on, "holdout" never).
    split: str | None = None


class Counts(BaseModel):
    """Count a detector's decisions against the labels on one slice of rows."""

    model_config = _FROZEN

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @property
    def precision(self) -> float | None:
        """Return the share of escalations that needed a human."""
        fired = self.tp + self.fp
        return self.tp / fired if fired else None

    @property
    def recall(self) -> float | None:
        """Return the share of messages needing a human that were escalated."""
        needed = self.tp + self.fn
        return self.tp / needed if needed else None

    @property
    def routine_escalated(self) -> float | None:
        """Return the share of routine messages that were escalated anyway."""
        routine = self.fp + self.tn
        return self.fp / routine if routine else None


class DetectorReport(BaseModel):
    """Collect one detector's figures: all rows, the clear tier, and each labelled reason."""

    model_config = _FROZEN

    name: str
    overall: Counts
    clear: Counts
    per_reason: dict[str, Counts]


class EvalReport(BaseModel):
    """Hold the evaluation of the scorer and both baselines over one labelled file."""

    model_config = _FROZEN

    rows: int
    clear_rows: int
    detectors: tuple[DetectorReport, ...]
    # For the scorer only: among escalated rows whose label names a reason, how many had
    # that reason as the top reason; and, per top reason, how many of its escalations were right.
    reason_agreement: dict[str, tuple[int, int]]
    fired_by_top_reason: dict[str, Counts]


def load_labelled(path: Path) -> list[LabelledMessage]:
    """Read a JSONL file of labelled messages, naming the line of any bad row."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(LabelledMessage.model_validate(json.loads(line)))
            except (json.JSONDecodeError, ValidationError) as exc:
                first = str(exc).splitlines()[0]
                raise ValueError(f"{path}:{number}: not a labelled message: {first}") from None
    return rows


def evaluate(scorer: RiskScorer, rows: Sequence[LabelledMessage]) -> EvalReport:
    """Run the offline risk decision and both baselines over the rows and count outcomes."""
    vader = SentimentIntensityAnalyzer()
    assessments = [scorer.assess_text_only(row.text) for row in rows]
    ours = [assessment.decision == "escalate" for assessment in assessments]
    naive = [bool(NAIVE_WORDS.search(row.text)) for row in rows]
    sentiment = [vader.polarity_scores(row.text)["compound"] < SENTIMENT_CUTOFF for row in rows]
    detectors = tuple(
        _detector(name, rows, fired)
        for name, fired in ((OURS, ours), (NAIVE, naive), (SENTIMENT, sentiment))
    )
    agreement: dict[str, tuple[int, int]] = {}
    by_top: dict[str, list[tuple[bool, bool]]] = {}
    for row, assessment, fired in zip(rows, assessments, ours, strict=True):
        top = assessment.top_reason
        if not fired or top is None:
            continue
        by_top.setdefault(top.category, []).append((True, row.needs_human))
        if row.needs_human and row.reason not in ("none", "other"):
            hits, total = agreement.get(row.reason, (0, 0))
            agreement[row.reason] = (hits + (top.category == row.reason), total + 1)
    return EvalReport(
        rows=len(rows),
        clear_rows=sum(row.tier == "clear" for row in rows),
        detectors=detectors,
        reason_agreement=dict(sorted(agreement.items())),
        fired_by_top_reason={k: count_pairs(v) for k, v in sorted(by_top.items())},
    )


def _detector(name: str, rows: Sequence[LabelledMessage], fired: list[bool]) -> DetectorReport:
    """Count one detector's decisions overall, on the clear tier and per labelled reason."""
    pairs = list(zip(fired, (row.needs_human for row in rows), strict=True))
    clear = [pair for pair, row in zip(pairs, rows, strict=True) if row.tier == "clear"]
    reasons = sorted({row.reason for row in rows if row.needs_human})
    per_reason = {
        reason: count_pairs(
            pair for pair, row in zip(pairs, rows, strict=True) if row.reason == reason
        )
        for reason in reasons
    }
    return DetectorReport(
        name=name, overall=count_pairs(pairs), clear=count_pairs(clear), per_reason=per_reason
    )


def count_pairs(pairs: Iterable[tuple[bool, bool]]) -> Counts:
    """Tally (fired, needed) pairs into a confusion count."""
    tp = fp = fn = tn = 0
    for fired, needed in pairs:
        if fired and needed:
            tp += 1
        elif fired:
            fp += 1
        elif needed:
            fn += 1
        else:
            tn += 1
    return Counts(tp=tp, fp=fp, fn=fn, tn=tn)


def format_report(report: EvalReport) -> str:
    """Render the report as plain-text tables for a terminal."""
    lines = [f"{report.rows} labelled messages ({report.clear_rows} on the clear tier)", ""]
    header = f"{'slice':<12} {'detector':<15} {'precision':>9} {'recall':>7} {'routine esc.':>12}"
    lines += [header, "-" * len(header)]
    for title, pick in (("all rows", _overall), ("clear tier", _clear)):
        for detector in report.detectors:
            counts = pick(detector)
            lines.append(
                f"{title:<12} {detector.name:<15} {_pct(counts.precision):>9}"
                f" {_pct(counts.recall):>7} {_pct(counts.routine_escalated):>12}"
                f"   (tp {counts.tp}, fp {counts.fp}, fn {counts.fn}, tn {counts.tn})"
            )
    lines += ["", "Recall per labelled reason (all rows)"]
    names = [detector.name for detector in report.detectors]
    header = f"{'reason':<16} {'rows':>5} " + " ".join(f"{name:>15}" for name in names)
    header += f" {'top reason agrees':>18}"
    lines += [header, "-" * len(header)]
    for reason, counts in report.detectors[0].per_reason.items():
        cells = " ".join(f"{_pct(d.per_reason[reason].recall):>15}" for d in report.detectors)
        hits, total = report.reason_agreement.get(reason, (0, 0))
        agrees = f"{hits}/{total}" if total else "-"
        lines.append(f"{reason:<16} {counts.tp + counts.fn:>5} {cells} {agrees:>18}")
    lines += ["", f"Escalations of the {report.detectors[0].name} by top reason"]
    header = f"{'top reason':<16} {'fired':>6} {'needed a human':>15}"
    lines += [header, "-" * len(header)]
    for reason, counts in report.fired_by_top_reason.items():
        lines.append(f"{reason:<16} {counts.tp + counts.fp:>6} {_pct(counts.precision):>15}")
    return "\n".join(lines)


def _overall(detector: DetectorReport) -> Counts:
    """Pick the all-rows counts."""
    return detector.overall


def _clear(detector: DetectorReport) -> Counts:
    """Pick the clear-tier counts."""
    return detector.clear


def _pct(value: float | None) -> str:
    """Format a share as a percentage, or a dash when undefined."""
    return "-" if value is None else f"{100 * value:.1f}%"
