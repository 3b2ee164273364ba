"""Expose the workspace over HTTP: Web API methods, file upload/download, response_urls."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any

from aiohttp import web

# Imported for their side effect: registering their methods in METHODS.
from . import slack_api_conversations, slack_api_views  # noqa: F401
from .blockkit import message_blocks_errors
from .calls import ApiCall, CallLog, FaultPlan
from .interactions import apply_response
from .slack_api import METHODS, ApiFailure
from .slack_socket import SocketMode
from .slack_state import Workspace

log = logging.getLogger(__name__)
# Form-encoded clients send these as JSON strings; tests want them as Python objects.
JSON_FIELDS = ("blocks", "attachments", "files", "view", "metadata")


def decode_fields(params: dict[str, Any]) -> dict[str, Any]:
    """Decode the JSON-string fields of a form-encoded call in place."""
    for key in JSON_FIELDS:
        value = params.get(key)
        if isinstance(value, str) and value[:1] in ("[", "{"):
            # A malformed value stays as sent; the method then rejects it.
            with contextlib.suppress(ValueError):
                params[key] = json.loads(value)
    return params


async def read_params(request: web.Request) -> tuple[dict[str, Any], str | None]:
    """Parse query, JSON or form params and pull out the token (header wins)."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        raw = await request.text()
        body = json.loads(raw) if raw.strip() else {}
        params.update(body if isinstance(body, dict) else {})
    elif request.can_read_body:
        form = await request.post()
        params.update({k: v for k, v in form.items() if isinstance(v, str)})
    token = params.pop("token", None)
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        token = header.removeprefix("Bearer ").strip()
    return decode_fields(params), token


class SlackWebApi:
    """Answer HTTP requests against one workspace, recording every call."""

    def __init__(self, workspace: Workspace, bot_token: str, app_token: str) -> None:
        self.ws = workspace
        self.bot_token = bot_token
        self.log = CallLog()
        self.faults = FaultPlan()
        self.socket_mode = SocketMode(workspace, app_token)

    def install(self, app: web.Application) -> None:
        """Add this API's routes to an aiohttp app."""
        app.router.add_route("*", "/api/{method}", self.handle_api)
        app.router.add_post("/upload/v1/{file_id}", self.handle_upload)
        app.router.add_get("/files/{file_id}", self.handle_file)
        app.router.add_get("/files/{file_id}/{name}", self.handle_file)
        app.router.add_post("/response_url/{response_id}", self.handle_response_url)
        self.socket_mode.install(app)

    async def handle_api(self, request: web.Request) -> web.Response:
        """Serve POST/GET /api/<method> the way slack.com does (errors are 200 ok:false)."""
        method = request.match_info["method"]
        params, token = await read_params(request)
        delay = self.faults.latency(method)
        if delay:
            await asyncio.sleep(delay)
        status, headers = 200, {}
        failure = self.faults.take_failure(method)
        injected = failure is not None
        if failure is not None:
            status, body = failure.status, {"ok": False, "error": failure.error}
            if failure.retry_after is not None:
                headers["Retry-After"] = str(failure.retry_after)
        elif method == "apps.connections.open":
            body = self.socket_mode.open_connection(token)
        elif not token:
            body = {"ok": False, "error": "not_authed"}
        elif token != self.bot_token:
            body = {"ok": False, "error": "invalid_auth"}
        elif method not in METHODS:
            body = {"ok": False, "error": "unknown_method", "req_method": method}
        else:
            body = self._run(method, params)
            status = 500 if body.get("error") == "emulator_error" else status
        await self.log.record(
            ApiCall(method, params, body, status, self.ws.clock(), injected=injected)
        )
        return web.json_response(body, status=status, headers=headers)

    def _run(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Call a method handler and turn failures into ok:false answers."""
        try:
            return METHODS[method](self.ws, params)
        except ApiFailure as failure:
            return {"ok": False, "error": failure.error, **failure.extra}
        except Exception as exc:  # An emulator bug must fail the test loudly, not hang it.
            log.exception("emulator crashed in %s", method)
            return {"ok": False, "error": "emulator_error", "detail": repr(exc)}

    async def handle_upload(self, request: web.Request) -> web.Response:
        """Accept file bytes at an upload_url from files.getUploadURLExternal."""
        stored = self.ws.files.get(request.match_info["file_id"])
        if stored is None:
            return web.Response(status=404, text="file_not_found", content_type="text/plain")
        failure = self.faults.take_failure("files.upload")
        if failure is not None:
            params = {"file_id": stored.id, "injected": True}
            answer = {"ok": False, "error": failure.error}
            await self.log.record(
                ApiCall(
                    "files.upload", params, answer, failure.status, self.ws.clock(), injected=True
                )
            )
            return web.Response(
                status=failure.status, text=failure.error, content_type="text/plain"
            )
        stored.data = await request.read()
        params = {"file_id": stored.id, "length": len(stored.data)}
        await self.log.record(ApiCall("files.upload", params, {"ok": True}, 200, self.ws.clock()))
        return web.Response(text=f"OK - {len(stored.data)}", content_type="text/plain")

    async def handle_file(self, request: web.Request) -> web.Response:
        """Serve uploaded bytes (no auth, so the sandbox page can show images)."""
        stored = self.ws.files.get(request.match_info["file_id"])
        if stored is None or stored.data is None:
            return web.Response(status=404, text="file_not_found")
        return web.Response(body=stored.data, content_type=stored.mimetype)

    async def handle_response_url(self, request: web.Request) -> web.Response:
        """Apply a POST to a response_url handed out with an interaction."""
        response_id = request.match_info["response_id"]
        context = self.ws.response_urls.get(response_id)
        raw = await request.text()
        body = json.loads(raw) if raw.strip() else {}
        params = {**body, "response_url_id": response_id}
        problems = message_blocks_errors(body["blocks"]) if "blocks" in body else []
        if context is None:
            answer, status = {"ok": False, "error": "expired_url"}, 404
        elif problems:
            answer, status = {"ok": False, "error": "invalid_blocks", "errors": problems}, 400
        else:
            apply_response(self.ws, context, body)
            answer, status = {"ok": True}, 200
        await self.log.record(ApiCall("response_url", params, answer, status, self.ws.clock()))
        return web.json_response(answer, status=status)
