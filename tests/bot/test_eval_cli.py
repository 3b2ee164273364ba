"""`hitl eval` run as a real process: several files, slices and the JSON report."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from bot.eval_slices import decide, json_report, sourced
from bot.evaluation import load_labelled
from bot.policy import load_policy
from bot.risk import RiskScorer

ROUTINE = Path(__file__).parent / "data" / "routine_domain.jsonl"
FIELDS = {"precision", "recall", "routine_escalated"}
ROWS = [
    ("I want to close my account", True, "churn", "clear"),
    ("Can I speak to an agent?", True, "human_request", "clear"),
    ("I want my money back for the double charge", True, "billing_dispute", "ambiguous"),
    ("How do I set up voicemail?", False, "none", "clear"),
    ("where do I download last month's invoice?", False, "none", "clear"),
]


def _hitl(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `hitl` command in a scrubbed environment."""
    script = Path(sys.executable).parent / "hitl"
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())"]
    )
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "ANTHROPIC_", "HITL_", "DATABASE_URL"))
    }
    return subprocess.run(
        [*command, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def _labelled(tmp_path: Path) -> Path:
    path = tmp_path / "labelled.jsonl"
    lines = [
        json.dumps({"id": f"r{i}", "text": t, "needs_human": n, "reason": r, "tier": tier})
        for i, (t, n, r, tier) in enumerate(ROWS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _has_fields(figures: dict[str, Any]) -> None:
    assert figures.keys() >= FIELDS


def test_eval_json_reports_every_slice_of_several_files(tmp_path: Path) -> None:
    labelled = _labelled(tmp_path)
    done = _hitl("eval", "--json", str(labelled), str(ROUTINE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)

    _has_fields(report)
    assert report["rows"] == len(ROWS) + len(load_labelled(ROUTINE))
    assert set(report["slices"]) == {"tier", "reason", "file", "split"}
    for groups in report["slices"].values():
        for figures in groups.values():
            _has_fields(figures)
    assert set(report["slices"]["file"]) == {str(labelled), str(ROUTINE)}
    assert set(report["slices"]["split"]) == {"dev", "holdout"}
    assert set(report["slices"]["tier"]) == {"clear", "ambiguous"}
    reasons = report["slices"]["reason"].keys()
    assert reasons >= {"churn", "human_request", "billing_dispute", "none"}
    small = report["slices"]["file"][str(labelled)]
    assert (small["tp"], small["fp"], small["fn"], small["tn"]) == (3, 0, 0, 2)
    assert small["precision"] == 1.0 and small["recall"] == 1.0
    assert small["routine_escalated"] == 0.0

    # The process reports what the scorer decides in-process.
    files = [(str(labelled), load_labelled(labelled)), (str(ROUTINE), load_labelled(ROUTINE))]
    rows = sourced(files)
    expected = json_report(rows, decide(RiskScorer(load_policy().risk), rows))
    assert report == json.loads(json.dumps(expected))


def test_eval_text_report_lists_each_file_and_split(tmp_path: Path) -> None:
    labelled = _labelled(tmp_path)
    done = _hitl("eval", str(labelled), str(ROUTINE), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "risk scorer" in done.stdout
    assert f"file {labelled}"[-40:] in done.stdout
    assert "split dev" in done.stdout and "split holdout" in done.stdout


def test_eval_of_a_missing_file_fails_with_one_line(tmp_path: Path) -> None:
    done = _hitl("eval", "--json", str(tmp_path / "nope.jsonl"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert "nope.jsonl" in done.stderr and "Traceback" not in done.stderr
