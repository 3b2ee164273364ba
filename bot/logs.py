"""Log records that user input cannot forge or flood.

A newline in a customer's text or a forged body must not start what looks like a new log
line, and a 900 KB body must not land in the log: long messages keep their head, their size
and a digest, which is enough to find the request again without storing it.
"""

from __future__ import annotations

import hashlib
import logging

MAX_MESSAGE_CHARS = 2000
_ESCAPES = {ord("\n"): "\\n", ord("\r"): "\\r", ord("\x00"): "\\0"}


def digest(data: bytes | str) -> str:
    """A short fingerprint of a body, to name it in a log without writing it out."""
    raw = data.encode("utf-8", "replace") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:16]


def one_line(text: str) -> str:
    """The text with line breaks and other control characters escaped."""
    escaped = text.translate(_ESCAPES)
    return "".join(c if c.isprintable() or c == "\t" else f"\\x{ord(c):02x}" for c in escaped)


class SafeLogFilter(logging.Filter):
    """Escape line breaks in every record's message and shorten very long ones."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record in place; never drop it."""
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # a malformed record is logging's own problem to report
        safe = one_line(message)
        if len(safe) > MAX_MESSAGE_CHARS:
            safe = f"{safe[:200]}... [{len(message)} chars, sha256 {digest(message)}]"
        if safe != message:
            record.msg, record.args = safe, None
        return True


def install(logger: logging.Logger) -> None:
    """Add the filter to a logger's handlers (or to the logger itself when it has none)."""
    targets: list[logging.Filterer] = list(logger.handlers) or [logger]
    for target in targets:
        if not any(isinstance(f, SafeLogFilter) for f in target.filters):
            target.addFilter(SafeLogFilter())
