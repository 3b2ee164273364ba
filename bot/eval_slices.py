"""Cut the scorer's escalation figures by tier, reason, file and split, for people and for CI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.evaluation import Counts, LabelledMessage, count_pairs
from bot.risk import RiskScorer

_FROZEN = ConfigDict(frozen=True)
# The ways rows are sliced, each by the value a row carries.
SLICE_KINDS = ("tier", "reason", "file", "split")


class SourcedRow(BaseModel):
    """Hold a labelled row with the file it came from."""

    model_config = _FROZEN

    row: LabelledMessage
    file: str


def sourced(files: Sequence[tuple[str, Sequence[LabelledMessage]]]) -> list[SourcedRow]:
    """Join the rows of several files, each row remembering its file."""
    return [SourcedRow(row=row, file=name) for name, rows in files for row in rows]


def decide(scorer: RiskScorer, rows: Sequence[SourcedRow]) -> list[bool]:
    """Say for each row whether the scorer escalates it on its text alone."""
    return [scorer.assess_text_only(item.row.text).decision == "escalate" for item in rows]


def figures(counts: Counts) -> dict[str, Any]:
    """Render one slice's counts and shares as a JSON-ready mapping."""
    return {
        "rows": counts.tp + counts.fp + counts.fn + counts.tn,
        "precision": counts.precision,
        "recall": counts.recall,
        "routine_escalated": counts.routine_escalated,
        "tp": counts.tp,
        "fp": counts.fp,
        "fn": counts.fn,
        "tn": counts.tn,
    }


def slices(rows: Sequence[SourcedRow], fired: Sequence[bool]) -> dict[str, dict[str, Counts]]:
    """Count decisions against labels per tier, per reason, per file and per split."""
    out: dict[str, dict[str, Counts]] = {}
    for kind in SLICE_KINDS:
        groups: dict[str, list[tuple[bool, bool]]] = {}
        for item, decision in zip(rows, fired, strict=True):
            value = _value(item, kind)
            if value is not None:
                groups.setdefault(value, []).append((decision, item.row.needs_human))
        if groups:
            out[kind] = {value: count_pairs(pairs) for value, pairs in sorted(groups.items())}
    return out


def json_report(rows: Sequence[SourcedRow], fired: Sequence[bool]) -> dict[str, Any]:
    """Return the overall figures with every slice, each with the same fields."""
    overall = count_pairs(zip(fired, (item.row.needs_human for item in rows), strict=True))
    return {
        **figures(overall),
        "slices": {
            kind: {value: figures(counts) for value, counts in groups.items()}
            for kind, groups in slices(rows, fired).items()
        },
    }


def format_slices(rows: Sequence[SourcedRow], fired: Sequence[bool]) -> str:
    """Render the scorer's figures per file and per split as a plain-text table."""
    header = f"{'slice':<52} {'rows':>5} {'precision':>9} {'recall':>7} {'routine esc.':>12}"
    lines = ["Risk scorer per file and split", header, "-" * len(header)]
    found = slices(rows, fired)
    for kind in ("file", "split"):
        for value, counts in found.get(kind, {}).items():
            shown = figures(counts)
            name = f"{kind} {value}"
            if len(name) > 52:
                name = "…" + name[-51:]
            lines.append(
                f"{name:<52} {shown['rows']:>5} {_pct(counts.precision):>9}"
                f" {_pct(counts.recall):>7} {_pct(counts.routine_escalated):>12}"
            )
    return "\n".join(lines)


def _value(item: SourcedRow, kind: str) -> str | None:
    """Return the value a row carries for one kind of slice."""
    if kind == "file":
        return item.file
    if kind == "split":
        return item.row.split
    if kind == "tier":
        return item.row.tier
    return item.row.reason


def _pct(value: float | None) -> str:
    """Format a share as a percentage, or a dash when undefined."""
    return "-" if value is None else f"{100 * value:.1f}%"
