"""The command line as an operator runs it: real processes, a scrubbed environment, free ports."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from bot.cli import main
from emulators import StatuspageEmulator
from storage.db import create_schema, make_engine

BIN = Path(sys.executable).parent
HITL = str(BIN / "hitl")
ROOT = Path(__file__).resolve().parents[1]
TOKEN_ENV = {
    "SLACK_BOT_TOKEN": "xoxb-test",
    "SLACK_SIGNING_SECRET": "secret",
    "HITL_AGENT_CHANNEL": "C_AGENTS",
    # Nothing is called at start-up; a closed port makes any call fail fast instead of leaving.
    "SLACK_API_URL": "http://127.0.0.1:9/api/",
}


def _env(**values: str) -> dict[str, str]:
    """The process environment without any of our variables, plus `values`."""
    scrubbed = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("SLACK_", "ANTHROPIC_", "HITL_"))
        and name not in ("DATABASE_URL", "PORT")
    }
    return scrubbed | values


def _run(*args: str, timeout: float = 120, **values: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(args), env=_env(**values), capture_output=True, text=True, timeout=timeout
    )


def _fails_in_one_line(result: subprocess.CompletedProcess[str], *names: str) -> str:
    """Exit status 2, no traceback, and a last line on stderr that names every one of `names`."""
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    line = result.stderr.strip().splitlines()[-1]
    assert line.startswith("hitl"), line
    for name in names:
        assert name in line, line
    return line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _migrated_database(path: Path) -> str:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await create_schema(engine)
    await engine.dispose()
    return f"sqlite:///{path}"


# -- help and arguments never start anything --------------------------------------------------


def test_python_m_bot_help_prints_help_and_starts_nothing(tmp_path: Path) -> None:
    result = _run(sys.executable, "-m", "bot", "--help", timeout=60)

    assert result.returncode == 0
    assert "usage: hitl serve" in result.stdout
    assert "serving" not in result.stderr and "Sandbox ready" not in result.stdout
    assert not list(tmp_path.iterdir())  # no database, no chart


def test_digest_days_are_checked_like_the_slash_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for days in ("0", "91"):
        line = _main_fails(capsys, "digest", "--print", "--days", days)
        assert line.startswith("hitl digest: --days") and "1 to 90" in line
    assert not list(tmp_path.iterdir())


# -- configuration and start-up failures: one line, exit 2 ---------------------------------------


def test_a_bad_policy_file_stops_serve_in_one_line(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("riskk: {threshold: 0.5}\n")

    result = _run(HITL, "serve", HITL_POLICY_FILE=str(policy), **TOKEN_ENV)

    assert "riskk" in _fails_in_one_line(result, "HITL_POLICY_FILE", "policy.yaml")
    assert "serving" not in result.stderr


def test_an_unwritable_database_stops_serve_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/no/such/folder/hitl.db"

    result = _run(HITL, "serve", DATABASE_URL=url, **TOKEN_ENV)

    line = _fails_in_one_line(result, "DATABASE_URL", "hitl.db")
    assert "no folder" in line and "serving" not in result.stderr


def _main_fails(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Run the command line in this process (same code, no start-up cost); its one line."""
    assert main(list(args)) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines and lines[-1].startswith("hitl")
    return lines[-1]


def _token_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in (TOKEN_ENV | values).items():
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read policy file"),
        ("risk: [\n", "not valid YAML"),
        ("risk: {threshold: high}\n", "risk.threshold"),
    ],
    ids=["missing", "invalid-yaml", "wrong-type"],
)
def test_every_bad_policy_file_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    content: str | None,
    problem: str,
) -> None:
    policy = tmp_path / "policy.yaml"
    if content is not None:
        policy.write_text(content)
    _token_env(monkeypatch, HITL_POLICY_FILE=str(policy))

    line = _main_fails(capsys, "serve")

    assert "HITL_POLICY_FILE" in line and "policy.yaml" in line and problem in line


@pytest.mark.parametrize(
    ("folder", "problem"), [("nowhere", "no such folder"), ("empty", "no Markdown")]
)
def test_a_missing_or_empty_knowledge_base_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    folder: str,
    problem: str,
) -> None:
    (tmp_path / "empty").mkdir()
    _token_env(monkeypatch, HITL_KB_DIR=str(tmp_path / folder))

    line = _main_fails(capsys, "serve")

    assert "HITL_KB_DIR" in line and problem in line


def test_an_unreachable_database_is_named_without_its_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"postgresql://postgres:hunter2@127.0.0.1:{_free_port()}/x"
    _token_env(monkeypatch, DATABASE_URL=url)

    line = _main_fails(capsys, "serve")

    assert "DATABASE_URL" in line and "127.0.0.1" in line and "hunter2" not in line


@pytest.mark.parametrize(
    ("variable", "value", "problem"),
    [
        ("HITL_ACCOUNTS_SOURCE", "/no/accounts.json", "no such file"),
        ("HITL_ACCOUNTS_SOURCE", "accounts.csv", "number"),
        ("HITL_ACCOUNTS_SOURCE", "accounts.txt", ".csv, .yaml"),
        ("HITL_STATUS_SOURCE", "http://status.example.com", "https"),
        ("HITL_STATUS_SOURCE", "status.json", "not valid JSON"),
    ],
)
def test_a_source_that_cannot_be_read_is_named(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    problem: str,
) -> None:
    (tmp_path / "accounts.csv").write_text("name,plan\nAcme,Pro\n")
    (tmp_path / "accounts.txt").write_text("Acme\n")
    (tmp_path / "status.json").write_text('{"incidents": [')
    _token_env(monkeypatch, DATABASE_URL=f"sqlite:///{tmp_path}/hitl.db", **{variable: value})

    line = _main_fails(capsys, "serve")

    assert variable in line and problem in line


def test_a_port_in_use_is_named_and_serving_is_never_logged(tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("0.0.0.0", 0))
        holder.listen()
        port = holder.getsockname()[1]
        result = _run(
            HITL, "serve", PORT=str(port), DATABASE_URL=f"sqlite:///{tmp_path}/h.db", **TOKEN_ENV
        )

    assert f"port {port} is already in use" in _fails_in_one_line(result, "PORT")
    assert "serving" not in result.stderr


def test_eval_never_drops_the_policy_when_another_setting_is_invalid(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("risk: {threshold: 0.9}\n")
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"text": "cancel now", "needs_human": true}\n')

    result = _run(
        HITL, "eval", str(labelled), HITL_POLICY_FILE=str(policy), HITL_TIMEZONE="Mars/Olympus"
    )

    _fails_in_one_line(result, "HITL_TIMEZONE")
    assert "precision" not in result.stdout.lower()


def test_eval_on_malformed_jsonl_says_which_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text('{"text": "fine", "needs_human": false}\n{"text": \n')

    line = _main_fails(capsys, "eval", str(labelled))

    assert line.startswith("hitl eval:") and "labelled.jsonl:2" in line


# -- read-only commands and output paths ------------------------------------------------------


def test_read_only_commands_never_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = _run(HITL, "export-feedback", "-o", str(tmp_path / "out" / "f.jsonl"))
    digest = _main_fails(capsys, "digest", "--print")

    _fails_in_one_line(export, "DATABASE_URL", "hitl.db")
    assert "DATABASE_URL" in digest and "hitl.db" in digest
    assert sorted(p.name for p in tmp_path.iterdir()) == []


async def test_output_folders_are_created_and_the_digest_says_its_period(tmp_path: Path) -> None:
    database = await _migrated_database(tmp_path / "support.db")

    export = _run(
        HITL, "export-feedback", "-o", str(tmp_path / "a" / "b" / "f.jsonl"), DATABASE_URL=database
    )
    digest = _run(
        HITL,
        "digest",
        "--print",
        "--days",
        "7",
        "--chart",
        str(tmp_path / "charts" / "week.png"),
        DATABASE_URL=database,
    )

    assert export.returncode == 0, export.stderr
    assert (tmp_path / "a" / "b" / "f.jsonl").is_file()
    assert digest.returncode == 0, digest.stderr
    assert digest.stdout.startswith("Period: ") and "the 7 whole days before today" in digest.stdout
    assert (tmp_path / "charts" / "week.png").read_bytes()[:4] == b"\x89PNG"


async def test_an_output_path_that_is_a_folder_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", await _migrated_database(tmp_path / "support.db"))

    line = await asyncio.to_thread(_main_fails, capsys, "export-feedback", "-o", str(tmp_path))

    assert "--output" in line and "is a folder" in line


# -- serving --------------------------------------------------------------------------------------


@pytest.fixture
async def status_page() -> AsyncIterator[StatuspageEmulator]:
    page = StatuspageEmulator()
    page.open_incident("Mobile data degraded", "We are investigating slow mobile data.")
    async with page:
        yield page


async def test_serve_logs_serving_once_bound_and_reports_its_sources(
    tmp_path: Path, status_page: StatuspageEmulator
) -> None:
    port = _free_port()
    process = await asyncio.create_subprocess_exec(
        HITL,
        "serve",
        env=_env(
            PORT=str(port),
            DATABASE_URL=f"sqlite:///{tmp_path}/hitl.db",
            HITL_STATUS_SOURCE=status_page.base_url,
            **TOKEN_ENV,
        ),
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        async with asyncio.timeout(120):
            while b"serving HTTP on port" not in (line := await process.stderr.readline()):
                assert line, "hitl serve ended before serving"
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/healthz") as response,
        ):
            body = await response.json()
        assert response.status == 200 and body["sources"]["status"]["ok"] is True
        assert "/api/v2/incidents/unresolved.json" in status_page.requests
    finally:
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 60) == 0


# -- the migration helper ---------------------------------------------------------------------

REVISE_WITH_A_NEW_TABLE = """
import shutil, sys
from pathlib import Path
import sqlalchemy as sa
from sqlmodel import SQLModel
import storage.db
from storage.migrations import revise

copy = Path(sys.argv[1]) / "migrations"
shutil.copytree(storage.db.MIGRATIONS, copy, ignore=shutil.ignore_patterns("__pycache__"))
storage.db.MIGRATIONS = copy
sa.Table("widgets", SQLModel.metadata, sa.Column("id", sa.Integer, primary_key=True))
raise SystemExit(revise.main(["add widgets"]))
"""


def test_migration_helper_refuses_help_and_no_op_revisions(tmp_path: Path) -> None:
    before = sorted((ROOT / "storage" / "migrations" / "versions").iterdir())

    helped = _run(sys.executable, "-m", "storage.migrations.revise", "--help")
    empty = _run(sys.executable, "-m", "storage.migrations.revise", "nothing changed")

    assert helped.returncode == 0 and "what changed" in helped.stdout
    assert empty.returncode == 1 and "nothing written" in empty.stdout
    assert sorted((ROOT / "storage" / "migrations" / "versions").iterdir()) == before


def test_migration_helper_writes_a_lint_clean_numbered_revision(tmp_path: Path) -> None:
    result = _run(sys.executable, "-c", REVISE_WITH_A_NEW_TABLE, str(tmp_path))

    assert result.returncode == 0, result.stderr
    written = tmp_path / "migrations" / "versions" / "0002_add_widgets.py"
    assert "widgets" in written.read_text()
    for check in (["check"], ["format", "--check"]):
        lint = subprocess.run(
            [str(BIN / "ruff"), *check, str(written)], capture_output=True, text=True, cwd=ROOT
        )
        assert lint.returncode == 0, lint.stdout + lint.stderr
