"""The `hitl` command: serve, sandbox, eval, export-feedback, digest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import ConfigError, Settings, load_settings
from bot.logs import install as install_log_filter

if TYPE_CHECKING:
    pass

log = logging.getLogger("hitl")


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run one sub-command; return the exit status."""
    parser = argparse.ArgumentParser(prog="hitl", description="Human-in-the-loop support bot")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("serve", help="run the app (the sandbox when no SLACK_BOT_TOKEN is set)")
    sandbox = commands.add_parser("sandbox", help="run the local sandbox workspace")
    sandbox.add_argument("--demo", action="store_true", help="play the telecom story")
    evaluate = commands.add_parser("eval", help="measure the offline escalation decision")
    evaluate.add_argument(
        "files",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="labelled JSONL (text, needs_human, reason, tier, optional split); several "
        "files are scored together and also reported one by one",
    )
    evaluate.add_argument(
        "--json",
        action="store_true",
        help="print one JSON object: precision, recall, routine_escalated and slices per "
        "tier, reason, file and split",
    )
    export = commands.add_parser("export-feedback", help="write the feedback record as JSONL")
    export.add_argument("--output", "-o", type=Path, default=None, help="file (default: stdout)")
    digest = commands.add_parser("digest", help="build the daily digest")
    digest.add_argument(
        "--print",
        dest="print_only",
        action="store_true",
        required=True,
        help="print it here instead of posting it",
    )
    digest.add_argument("--days", type=int, default=1)
    digest.add_argument("--chart", type=Path, default=Path("digest-chart.png"))
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_log_filter(logging.getLogger())  # no record spans lines or floods the log
    if args.command == "eval":
        return _eval(args.files, as_json=args.json)
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"hitl: configuration error: {error}", file=sys.stderr)
        return 2
    try:
        if args.command == "serve":
            return _serve(settings)
        if args.command == "sandbox":
            return _sandbox(settings, demo=args.demo)
        if args.command == "export-feedback":
            return _export(settings, args.output)
        return asyncio.run(_print_digest(settings, days=args.days, chart=args.chart))
    except KeyboardInterrupt:
        return 130


def _serve(settings: Settings) -> int:
    if settings.sandbox:
        log.info("no SLACK_BOT_TOKEN: starting the local sandbox workspace")
        return _sandbox(settings, demo=False)
    from bot.app import build_runtime, build_web_app

    runtime = build_runtime(settings)
    if settings.slack_app_token is not None:
        health_only = build_web_app(runtime, events=False)
        return asyncio.run(_socket_mode(settings, health_only, runtime.bolt))
    app = build_web_app(runtime)
    log.info("serving HTTP on port %d (POST /slack/events, GET /healthz)", settings.port)
    web.run_app(app, host="0.0.0.0", port=settings.port, print=None)
    return 0


async def _socket_mode(settings: Settings, app: web.Application, runtime: object) -> int:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from bot.app import Runtime

    assert isinstance(runtime, Runtime) and settings.slack_app_token is not None
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "0.0.0.0", settings.port).start()
    handler = AsyncSocketModeHandler(runtime.bolt, settings.slack_app_token.get_secret_value())
    log.info("Socket Mode connected; /healthz on port %d", settings.port)
    try:
        await handler.start_async()  # type: ignore[no-untyped-call]
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
    return 0


def _sandbox(settings: Settings, *, demo: bool) -> int:
    from sandbox.server import run_sandbox

    asyncio.run(run_sandbox(settings, demo=demo))
    return 0


def _eval(paths: Sequence[Path], *, as_json: bool) -> int:
    import json

    from bot.eval_slices import decide, format_slices, json_report, sourced
    from bot.evaluation import evaluate, format_report, load_labelled
    from bot.policy import PolicyError, load_policy
    from bot.risk import RiskScorer

    try:
        files = [(str(path), load_labelled(path)) for path in paths]
        scorer = RiskScorer(load_policy(_policy_path()).risk)
    except OSError as error:
        print(f"hitl eval: cannot read {error.filename}: {error.strerror}", file=sys.stderr)
        return 2
    except (PolicyError, ValueError) as error:  # a bad row names its file and line
        print(f"hitl eval: {error}", file=sys.stderr)
        return 2
    rows = sourced(files)
    fired = decide(scorer, rows)
    if as_json:
        print(json.dumps(json_report(rows, fired), indent=2))
        return 0
    print(format_report(evaluate(scorer, [item.row for item in rows])))
    print()
    print(format_slices(rows, fired))
    return 0


def _policy_path() -> Path | None:
    try:
        return load_settings().hitl_policy_file
    except ConfigError:
        return None


def _export(settings: Settings, output: Path | None) -> int:
    lines = asyncio.run(_feedback_lines(settings))
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")
        print(f"wrote {len(lines)} escalations to {output}", file=sys.stderr)
    return 0


async def _feedback_lines(settings: Settings) -> list[str]:
    from bot.feedback import export_feedback
    from storage.db import create_schema, make_engine

    engine = make_engine(settings.database_url)
    try:
        await create_schema(engine)
        return await export_feedback(engine)
    finally:
        await engine.dispose()


async def _print_digest(settings: Settings, *, days: int, chart: Path) -> int:
    from bot.digest_cli import print_digest

    return await print_digest(settings, days=days, chart=chart)
