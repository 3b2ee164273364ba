"""Run an aiohttp application on a loopback port chosen by the OS."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from aiohttp import web


class LocalServer:
    """Own the lifecycle of one aiohttp app bound to 127.0.0.1 on a free port."""

    def __init__(self) -> None:
        self._runner: web.AppRunner | None = None
        self._host = "127.0.0.1"
        self._port: int | None = None

    def build_app(self) -> web.Application:
        """Return the aiohttp application to serve."""
        raise NotImplementedError

    async def on_stop(self) -> None:
        """Release resources owned by the subclass before the server stops."""

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Bind and start serving; port 0 lets the OS pick a free port."""
        if self._runner is not None:
            return
        # Handlers still sleeping on simulated latency must not hold stop() for a minute.
        runner = web.AppRunner(
            self.build_app(), handle_signals=False, access_log=None, shutdown_timeout=0.25
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        """Stop serving and release the port."""
        await self.on_stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """Return the bound port; fails before start()."""
        if self._port is None:
            raise RuntimeError(f"{type(self).__name__} is not started; call await start() first")
        return self._port

    @property
    def root_url(self) -> str:
        """Return the server origin without a trailing slash."""
        return f"http://{self._host}:{self.port}"

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()
