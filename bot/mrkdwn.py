"""Slack mrkdwn helpers: the one place user text is escaped."""

from __future__ import annotations

import re


def escape(text: str) -> str:
    """Escape the three characters Slack treats as control sequences in mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote(text: str) -> str:
    """Render text as a mrkdwn block quote, escaped."""
    return "\n".join(f"> {line}" if line else ">" for line in escape(text).splitlines())


def link(url: str, label: str) -> str:
    """A mrkdwn link; the label is escaped, a missing URL leaves plain text."""
    if not url:
        return escape(label)
    return f"<{url}|{escape(label).replace('|', '/')}>"


def truncate(text: str, limit: int) -> str:
    """Cut text to at most `limit` characters, ending with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - 1)].rstrip() + "…"


def first_sentences(text: str, limit: int) -> str:
    """The leading sentences of a text that fit in `limit` characters."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind(". "), cut.rfind(".\n"), cut.rfind("! "), cut.rfind("? "))
    return cut[: end + 1] if end > limit // 3 else truncate(text, limit)


_ANGLE = re.compile(r"<([^<>\n]*)>")


def sanitize_model_mrkdwn(text: str, *, allowed_urls: frozenset[str]) -> str:
    """Disarm what a model could smuggle into a customer channel.

    Special mentions (`<!channel>`, `<!here>`, user groups), user and channel mentions become
    plain text, and a link survives only when it points at an article the reply was grounded
    in; any other link is reduced to its label.
    """

    def disarm(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith(("!", "@", "#")):
            return escape(f"<{inner}>")
        url, _, label = inner.partition("|")
        if url in allowed_urls:
            return match.group(0)
        return escape(label or url)

    return _ANGLE.sub(disarm, text)
