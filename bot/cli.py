"""The `hitl` command: serve, sandbox, eval, export-feedback, digest.

Every configuration or start-up failure ends in one line on stderr naming the variable or
file, and exit status 2; `--help` and argument errors never start anything.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from aiohttp import web

from bot.config import ConfigError, Settings, UsageError, load_settings
from bot.ids import MAX_DIGEST_DAYS
from bot.logs import install as install_log_filter

log = logging.getLogger("hitl")


def _parser() -> argparse.ArgumentParser:
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
    digest.add_argument(
        "--days",
        type=int,
        default=1,
        help=f"whole days before today to cover, 1 to {MAX_DIGEST_DAYS} (default 1: yesterday)",
    )
    digest.add_argument("--chart", type=Path, default=Path("digest-chart.png"))
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run one sub-command; return the exit status."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    install_log_filter(logging.getLogger())  # no record spans lines or floods the log
    try:
        return _run(args)
    except UsageError as error:
        print(f"hitl {args.command}: {error}", file=sys.stderr)
        return 2
    except ConfigError as error:
        print(f"hitl: configuration error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _run(args: argparse.Namespace) -> int:
    if args.command == "digest" and not 1 <= args.days <= MAX_DIGEST_DAYS:
        raise UsageError(f"--days must be a whole number from 1 to {MAX_DIGEST_DAYS}")
    # Every command reads the settings first: none may quietly run without the operator's policy.
    settings = load_settings()
    if args.command == "serve":
        return _serve(settings)
    if args.command == "sandbox":
        return _sandbox(settings, demo=args.demo)
    if args.command == "eval":
        return _eval(args.files, settings, as_json=args.json)
    if args.command == "export-feedback":
        return _export(settings, args.output)
    return asyncio.run(_print_digest(settings, days=args.days, chart=args.chart))


def _port_in_use(settings: Settings, error: OSError) -> ConfigError:
    if error.errno == errno.EADDRINUSE:
        return ConfigError(f"PORT: port {settings.port} is already in use")
    return ConfigError(f"PORT: cannot listen on port {settings.port}: {error.strerror or error}")


def _serve(settings: Settings) -> int:
    if settings.sandbox:
        log.info("no SLACK_BOT_TOKEN: starting the local sandbox workspace")
        return _sandbox(settings, demo=False)
    from bot.app import build_runtime, build_web_app

    runtime = build_runtime(settings)
    if settings.slack_app_token is not None:
        health_only = build_web_app(runtime, events=False)
        return asyncio.run(_socket_mode(settings, health_only, runtime.bolt))
    return asyncio.run(_serve_http(settings, build_web_app(runtime)))


async def _bound(settings: Settings, app: web.Application) -> web.AppRunner:
    """Run start-up (migrations, sources), then bind the port; fail in one line."""
    runner = web.AppRunner(app, handle_signals=False)
    try:
        await runner.setup()
        try:
            await web.TCPSite(runner, "0.0.0.0", settings.port).start()
        except OSError as error:
            raise _port_in_use(settings, error) from None
    except BaseException:
        await runner.cleanup()
        raise
    return runner


async def _until_stopped() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()


async def _serve_http(settings: Settings, app: web.Application) -> int:
    runner = await _bound(settings, app)
    log.info("serving HTTP on port %d (POST /slack/events, GET /healthz)", settings.port)
    try:
        await _until_stopped()
    finally:
        await runner.cleanup()
    return 0


async def _socket_mode(settings: Settings, app: web.Application, runtime: object) -> int:
    import aiohttp
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.errors import SlackApiError

    assert isinstance(runtime, AsyncApp) and settings.slack_app_token is not None
    runner = await _bound(settings, app)
    handler = AsyncSocketModeHandler(runtime, settings.slack_app_token.get_secret_value())
    try:
        try:
            await handler.connect_async()  # type: ignore[no-untyped-call]
        except (SlackApiError, aiohttp.ClientError, OSError) as error:
            problem = error.response.get("error") if isinstance(error, SlackApiError) else error
            raise ConfigError(f"SLACK_APP_TOKEN: cannot open Socket Mode: {problem}") from None
        log.info("Socket Mode connected; /healthz on port %d", settings.port)
        await _until_stopped()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
        await runner.cleanup()
    return 0


def _sandbox(settings: Settings, *, demo: bool) -> int:
    from sandbox.server import run_sandbox

    try:
        asyncio.run(run_sandbox(settings, demo=demo))
    except OSError as error:
        raise _port_in_use(settings, error) from None
    return 0


def _eval(paths: Sequence[Path], settings: Settings, *, as_json: bool) -> int:
    import json

    from bot.eval_slices import decide, format_slices, json_report, sourced
    from bot.evaluation import evaluate, format_report, load_labelled
    from bot.policy import PolicyError, load_policy
    from bot.risk import RiskScorer

    for path in paths:
        if not path.is_file():
            raise UsageError(f"no such file: {path}")
    try:
        scorer = RiskScorer(load_policy(settings.hitl_policy_file).risk)
    except PolicyError as error:
        raise ConfigError(f"HITL_POLICY_FILE: {error}") from None
    try:
        files = [(str(path), load_labelled(path)) for path in paths]
    except ValueError as error:  # bad JSON or a row without its labels, with its file and line
        raise UsageError(str(error).splitlines()[0]) from None
    for name, rows in files:
        if not rows:
            raise UsageError(f"{name}: no labelled messages")
    labelled = sourced(files)
    fired = decide(scorer, labelled)
    if as_json:
        print(json.dumps(json_report(labelled, fired), indent=2))
        return 0
    print(format_report(evaluate(scorer, [item.row for item in labelled])))
    print()
    print(format_slices(labelled, fired))
    return 0


def _export(settings: Settings, output: Path | None) -> int:
    lines = asyncio.run(_feedback_lines(settings))
    text = "".join(line + "\n" for line in lines)
    if output is None:
        sys.stdout.write(text)
    else:
        from bot.readonly import write_output

        write_output(output, text.encode("utf-8"), option="--output")
        print(f"wrote {len(lines)} escalations to {output}", file=sys.stderr)
    return 0


async def _feedback_lines(settings: Settings) -> list[str]:
    from bot.feedback import export_feedback
    from bot.readonly import open_existing

    engine = await open_existing(settings.database_url)
    try:
        return await export_feedback(engine)
    finally:
        await engine.dispose()


async def _print_digest(settings: Settings, *, days: int, chart: Path) -> int:
    from bot.digest_cli import print_digest

    return await print_digest(settings, days=days, chart=chart)
