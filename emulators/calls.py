"""Record every Web API call and let tests wait for them or inject failures."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from .errors import EmulatorTimeout


@dataclass(frozen=True)
class ApiCall:
    """One Web API request as the emulator saw it and answered it."""

    method: str
    params: dict[str, Any]
    response: dict[str, Any]
    status: int
    at: float
    # True when the answer was a failure a test queued with fail_next, not Slack's own refusal.
    injected: bool = False

    @property
    def ok(self) -> bool:
        """Return whether Slack answered ok:true."""
        return bool(self.response.get("ok"))


def _matches(call: ApiCall, method: str, match: dict[str, Any]) -> bool:
    """Tell whether a call is to `method` and its params equal (or satisfy) each match."""
    if call.method != method:
        return False
    for key, expected in match.items():
        actual = call.params.get(key)
        # A callable lets tests match on shape ("any blocks") without spelling values out.
        if callable(expected) and not isinstance(expected, type):
            if not expected(actual):
                return False
        elif actual != expected:
            return False
    return True


class CallLog:
    """Hold the ordered list of calls and wake waiters on every new one."""

    def __init__(self) -> None:
        self.calls: list[ApiCall] = []
        # Waiters re-check on every call; looking only at one method's calls keeps that cheap.
        self._by_method: dict[str, list[ApiCall]] = {}
        self._changed = asyncio.Condition()

    async def record(self, call: ApiCall) -> None:
        """Append a call and notify everyone waiting."""
        self.calls.append(call)
        self._by_method.setdefault(call.method, []).append(call)
        async with self._changed:
            self._changed.notify_all()

    def calls_to(self, method: str, **match: Any) -> list[ApiCall]:
        """Return the accepted (ok:true) calls to `method` whose params match every keyword.

        A refused call did not happen as far as Slack's users can see, so waiting on a
        condition never counts one; `attempts_to` lists refusals too.
        """
        return [c for c in self.attempts_to(method, **match) if c.ok]

    def attempts_to(self, method: str, **match: Any) -> list[ApiCall]:
        """Return every call to `method` matching the keywords, refused or accepted."""
        return [c for c in self._by_method.get(method, ()) if _matches(c, method, match)]

    def refusals(self) -> list[ApiCall]:
        """Return the calls Slack answered with an error that no test injected."""
        return [c for c in self.calls if not c.ok and not c.injected]

    async def wait_for(
        self,
        method: str,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109  (part of the public test API)
        count: int = 1,
        **match: Any,
    ) -> ApiCall:
        """Return the count-th accepted matching call, waiting for it if it has not happened yet."""
        if count < 1:
            raise ValueError("count starts at 1")

        def enough() -> bool:
            """Tell whether the awaited call has happened."""
            return len(self.calls_to(method, **match)) >= count

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(enough), timeout)
            except TimeoutError:
                raise EmulatorTimeout(self._describe_miss(method, count, match, timeout)) from None
        return self.calls_to(method, **match)[count - 1]

    def _describe_miss(self, method: str, count: int, match: dict[str, Any], timeout: float) -> str:
        """Explain a wait_for timeout, listing every call seen."""
        found = len(self.calls_to(method, **match))
        seen = "\n".join(
            f"  {c.method} status={c.status} ok={c.ok} params={_short(c.params)}"
            for c in self.calls
        )
        return (
            f"waited {timeout}s for call #{count} to {method} matching {match!r}; "
            f"found {found}. Calls seen:\n{seen or '  (none)'}"
        )


def _short(params: dict[str, Any], limit: int = 160) -> str:
    """Abbreviate params for error messages."""
    text = repr(params)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class Failure:
    """An injected error answer for the next `remaining` calls of one method."""

    status: int
    error: str
    retry_after: int | None
    remaining: int


class FaultPlan:
    """Decide per method whether to fail or delay the next call."""

    def __init__(self) -> None:
        self._failures: dict[str, list[Failure]] = {}
        self._latency: dict[str, float] = {}

    def fail_next(
        self, method: str, *, status: int, error: str, retry_after: int | None, times: int
    ) -> None:
        """Queue `times` failing answers for `method`."""
        self._failures.setdefault(method, []).append(Failure(status, error, retry_after, times))

    def take_failure(self, method: str) -> Failure | None:
        """Consume and return the next injected failure for `method`, if any."""
        queue = self._failures.get(method) or []
        while queue and queue[0].remaining <= 0:
            queue.pop(0)
        if not queue:
            return None
        queue[0].remaining -= 1
        return queue[0]

    def set_latency(self, method: str, seconds: float) -> None:
        """Delay every answer to `method` by `seconds` (0 removes the delay)."""
        self._latency[method] = seconds

    def latency(self, method: str) -> float:
        """Return the configured delay for `method`."""
        return self._latency.get(method, 0.0)
