"""Composition root: the only place that reads Settings and builds clients, engine and services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

import handlers
from bot.actions import AgentActions
from bot.channels import ChannelDirectory
from bot.claude import ClaudeEngine
from bot.command_access import CommandAccess
from bot.config import ConfigError, Settings
from bot.deadline import MODEL_RETRIES, DeadlineEngine, attempt_timeout
from bot.deps import Deps
from bot.desk import Desk
from bot.digest import DigestService
from bot.edge import build_guard
from bot.engine import AnswerEngine
from bot.identity import IdentityCache
from bot.intake import Intake
from bot.llm import ModelClient, build_client
from bot.logs import install as install_log_filter
from bot.metrics import CONTENT_TYPE, CountedRetries, Metrics, SlackErrorCounter
from bot.offline import OfflineEngine
from bot.outbox import Outbox
from bot.responder import Responder
from bot.risk import RiskScorer
from bot.scheduler import Job, Scheduler
from bot.sla import SlaMonitor
from bot.sources import Sources, build_toolbox
from bot.startup import configured_knowledge, configured_policy, open_services
from bot.status import Clock
from bot.status import utcnow as real_clock
from bot.worker import Worker
from storage.db import make_engine, ping
from storage.digest import DigestQueries
from storage.escalations import EscalationStore
from storage.store import Store
from storage.tables import utcnow

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
HEALTH_TIMEOUT_SECONDS = 1.5  # under the 2 s a probe waits: a slow database is a down one
RESUME_WINDOW = timedelta(hours=6)
STUCK_AFTER = timedelta(minutes=5)
# Names this process when it claims the day's digest (several replicas may run at once).
REPLICA_ID = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"

DEPS_KEY = web.AppKey("deps", Deps)
BOLT_KEY = web.AppKey("bolt", AsyncApp)
ENGINE_KEY = web.AppKey("engine", AsyncEngine)
SOURCES_KEY = web.AppKey("sources", Sources)
METRICS_KEY = web.AppKey("metrics", Metrics)


@dataclass(frozen=True)
class Runtime:
    """What `build_runtime` made: the Bolt app, its services and what must be closed."""

    bolt: AsyncApp
    deps: Deps
    engine: AsyncEngine
    store: Store
    client: AsyncWebClient
    sla: SlaMonitor
    scheduler: Scheduler
    sources: Sources
    identity: IdentityCache
    settings: Settings
    metrics: Metrics


def build_slack_client(settings: Settings, metrics: Metrics | None = None) -> AsyncWebClient:
    """The Web API client, retrying 429 and 5xx (the list replaces the SDK default)."""
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    metrics = metrics or Metrics()
    return AsyncWebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=15,
        retry_handlers=[
            SlackErrorCounter(metrics),
            CountedRetries(
                AsyncConnectionErrorRetryHandler(max_retry_count=2), metrics, reason="connection"
            ),
            CountedRetries(
                AsyncRateLimitErrorRetryHandler(max_retry_count=3), metrics, reason="rate_limited"
            ),
            CountedRetries(
                AsyncServerErrorRetryHandler(max_retry_count=2), metrics, reason="server_error"
            ),
        ],
    )


def build_runtime(
    settings: Settings,
    *,
    client: AsyncWebClient | None = None,
    digest_clock: Callable[[], datetime] = utcnow,
    sample_data: bool | None = None,
    data_clock: Clock = real_clock,
) -> Runtime:
    """Build every service from the settings; nothing here does network or database I/O.

    Configuration problems raise ConfigError naming the variable. `sample_data` (default: only
    without a bot token) lets the shipped sample stand in for sources the operator did not
    configure. `digest_clock` and `data_clock` let tests choose the moment.
    """
    if settings.hitl_agent_channel is None:
        raise ConfigError("HITL_AGENT_CHANNEL is required to run the app")
    policy = configured_policy(settings)
    knowledge = configured_knowledge(settings)
    metrics = Metrics()
    engine = make_engine(settings.database_url)
    store = Store(engine)
    escalations = EscalationStore(engine)
    slack = client or build_slack_client(settings, metrics)
    identity = IdentityCache(slack)
    outbox = Outbox(slack, store)
    channels = ChannelDirectory(slack)
    toolbox, sources = build_toolbox(
        accounts_source=settings.hitl_accounts_source,
        status_source=settings.hitl_status_source,
        sample_data=settings.sandbox if sample_data is None else sample_data,
        team_domains=channels.team_domains,
        clock=data_clock,
    )
    desk = Desk(
        client=slack,
        store=store,
        escalations=escalations,
        outbox=outbox,
        toolbox=toolbox,
        policy=policy,
        agent_channel=settings.hitl_agent_channel,
        channels=channels,
        notice_channel=settings.digest_channel,
        metrics=metrics,
    )
    offline = OfflineEngine(toolbox)
    answer_engine: AnswerEngine = offline
    if settings.anthropic_api_key is not None:
        deadline = policy.answering.deadline_seconds
        anthropic_client = build_client(
            api_key=settings.anthropic_api_key.get_secret_value(),
            base_url=settings.anthropic_base_url,
            timeout=attempt_timeout(deadline),
            max_retries=MODEL_RETRIES,
        )
        answer_engine = DeadlineEngine(
            ClaudeEngine(
                ModelClient(anthropic_client, model=settings.hitl_model, metrics=metrics),
                toolbox,
                knowledge=knowledge,
                kb_max_tokens=policy.answering.kb_in_prompt_max_tokens,
            ),
            seconds=deadline,
            metrics=metrics,
        )
    internal = frozenset(c for c in (settings.hitl_agent_channel, settings.digest_channel) if c)
    responder = Responder(
        store=store,
        knowledge=knowledge,
        engine=answer_engine,
        fallback=offline,
        toolbox=toolbox,
        scorer=RiskScorer(policy.risk),
        policy=policy,
        outbox=outbox,
        desk=desk,
        channels=channels,
    )
    actions = AgentActions(
        client=slack,
        store=store,
        escalations=escalations,
        desk=desk,
        outbox=outbox,
        toolbox=toolbox,
        policy=policy,
        channels=channels,
        identity=identity,
    )
    digest = DigestService(
        slack,
        DigestQueries(engine),
        channel=settings.digest_channel or settings.hitl_agent_channel,
        timezone=settings.hitl_timezone,
        digest_time=settings.hitl_digest_time,
        sla_minutes=policy.sla.reminder_minutes,
        clock=digest_clock,
        customer_name=toolbox.name_of,
    )
    deps = Deps(
        intake=Intake(store, internal_channels=internal, metrics=metrics),
        digest=digest,
        responder=responder,
        desk=desk,
        actions=actions,
        worker=Worker(),
        agent_channel=settings.hitl_agent_channel,
        command_access=CommandAccess(slack, internal_channels=internal),
    )
    if slack.token is None:
        raise ValueError("the Slack client needs a bot token")
    bolt_logger = logging.getLogger("bot.bolt")
    # Bolt copies this logger's filters to its own: none of its records spans lines or floods.
    install_log_filter(bolt_logger)
    bolt = AsyncApp(
        # Bolt gives each request a client like this one, with the token `authorize` returns;
        # a token here too would only make it warn that it ignores it.
        client=AsyncWebClient(
            base_url=slack.base_url,
            timeout=slack.timeout,
            retry_handlers=slack.retry_handlers,
            logger=slack.logger,
        ),
        logger=bolt_logger,
        # Who the bot is comes from the auth.test asked at start-up, not from a call Bolt
        # would make on a request and answer 200 (the event lost) when it fails.
        authorize=handlers.build_authorize(identity, bot_token=slack.token),
        signing_secret=(
            settings.slack_signing_secret.get_secret_value()
            if settings.slack_signing_secret
            else None
        ),
        # Listeners only hand work to the Worker, so holding the response until they return
        # costs nothing and makes every ack mean "stored and scheduled".
        process_before_response=True,
        request_verification_enabled=settings.slack_signing_secret is not None,
    )
    handlers.register(bolt, deps)
    metrics.watch_queue(lambda: deps.worker.busy)
    sla = SlaMonitor(
        client=slack, store=store, escalations=escalations, outbox=outbox, policy=policy.sla
    )
    runtime_jobs: dict[str, Job] = {
        "sla": lambda now: sla.run_once(now=now),
        "escalations": lambda now: desk.deliver_pending(now=now),
        "replies": lambda now: actions.deliver_unsent(now=now),
    }
    scheduler = Scheduler(runtime_jobs)
    log.info(
        "built app: engine=%s, database=%s, knowledge base=%d articles",
        answer_engine.name,
        engine.url.get_backend_name(),
        len(knowledge),
    )
    runtime = Runtime(
        bolt=bolt,
        deps=deps,
        engine=engine,
        store=store,
        client=slack,
        sla=sla,
        scheduler=scheduler,
        sources=sources,
        identity=identity,
        settings=settings,
        metrics=metrics,
    )
    runtime_jobs["resume"] = lambda now: _resume_pending(runtime, now=now)
    return runtime


def build_web_app(runtime: Runtime, *, events: bool = True) -> web.Application:
    """The aiohttp app: Bolt on /slack/events, /healthz, and start-up and shutdown work.

    In Socket Mode (`events=False`) Slack's requests arrive over the socket, unsigned by design,
    so no HTTP route may accept them: only /healthz is served.
    """
    app = runtime.bolt.web_app(path=EVENTS_PATH) if events else web.Application()
    app[DEPS_KEY] = runtime.deps
    app[BOLT_KEY] = runtime.bolt
    app[ENGINE_KEY] = runtime.engine
    app[SOURCES_KEY] = runtime.sources
    app[METRICS_KEY] = runtime.metrics
    app.router.add_get(HEALTH_PATH, _healthz)
    app.router.add_get(METRICS_PATH, _metrics)
    if events:
        secret = runtime.settings.slack_signing_secret
        signing_secret = secret.get_secret_value() if secret else None
        app.middlewares.append(
            build_guard(path=EVENTS_PATH, signing_secret=signing_secret, metrics=runtime.metrics)
        )
    app.cleanup_ctx.append(_lifecycle(runtime))
    return app


def _lifecycle(runtime: Runtime):  # type: ignore[no-untyped-def]
    async def lifecycle(_app: web.Application) -> AsyncIterator[None]:
        try:
            await open_services(runtime.engine, runtime.sources)
        except BaseException:
            await runtime.engine.dispose()
            raise
        background = []
        if await runtime.identity.load() is None:
            log.error("auth.test failed at start; Slack requests get 500 until it answers")
            background.append(asyncio.create_task(runtime.identity.keep_trying(), name="auth"))
        await _resume_pending(runtime)
        runtime.scheduler.start()
        background.append(
            asyncio.create_task(runtime.deps.digest.run_forever(REPLICA_ID), name="digest")
        )
        async with runtime.sources.refreshing():
            yield
        for task in background:
            task.cancel()
        for task in background:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await runtime.scheduler.stop()
        await runtime.deps.worker.drain()
        await runtime.engine.dispose()

    return lifecycle


async def _resume_pending(runtime: Runtime, *, now: datetime | None = None) -> None:
    """Answer messages that were stored and acked but never answered (a crash in between)."""
    now = now or utcnow()
    pending = await runtime.store.pending_inbound(
        since=now - RESUME_WINDOW, stuck_before=now - STUCK_AFTER
    )
    for message in pending:
        assert message.id is not None
        if message.status == "processing" and not await runtime.store.release_stuck(
            message_id=message.id, claimed_before=now - STUCK_AFTER
        ):
            continue  # its worker finished or released it meanwhile
        runtime.deps.worker.submit(runtime.deps.responder.handle(message.id), name="resume")
    if pending:
        log.info("resuming %d customer messages left unanswered", len(pending))


async def _healthz(request: web.Request) -> web.Response:
    try:
        async with asyncio.timeout(HEALTH_TIMEOUT_SECONDS):
            await ping(request.app[ENGINE_KEY])
    except Exception as error:  # any failure means "not healthy"; say which, not the details
        log.warning("health check failed: %s", type(error).__name__)
        return web.json_response({"ok": False, "database": "down"}, status=503)
    body: dict[str, object] = {"ok": True, "database": "up"}
    warnings: list[str] = []
    if request.app[DEPS_KEY].desk.agent_channel_shared:
        # Still up, but an operator must act: escalation cards are being withheld.
        warnings.append("HITL_AGENT_CHANNEL is shared with another organisation: cards withheld")
    sources = request.app[SOURCES_KEY]
    if sources.all():
        body["sources"] = sources.health()
    # A source that stopped answering is served from its last good copy, and said so.
    warnings += [s.error for s in sources.all().values() if s.error is not None]
    if warnings:
        body["warning"] = "; ".join(warnings)
    return web.json_response(body)


async def _metrics(request: web.Request) -> web.Response:
    body = request.app[METRICS_KEY].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})
