"""Slack mrkdwn helpers: the one place user text is escaped."""

from __future__ import annotations

import re

# An "&" that already starts one of Slack's three entities is left alone: Slack delivers the
# text people type with these already encoded, so escaping them again would show "&amp;lt;".
_BARE_AMP = re.compile(r"&(?!(?:amp|lt|gt);)")

# Tokens our own code writes into mrkdwn: user and channel mentions, dates, and links.
# Special mentions (`<!here>`, `<!channel>`, user groups) are never among them.
_OUR_TOKEN = re.compile(
    r"<(?:[@#][A-Z0-9_]+(?:\|[^<>\n]*)?"
    r"|!date\^[^<>|\n]+\|[^<>\n]*"
    r"|(?:https?://|mailto:)[^<>|\s]+(?:\|[^<>\n]*)?)>"
)
_SLACK_ID = re.compile(r"[A-Z0-9_]+")
_QUOTE_MARK = re.compile(r"^(?:>|&gt;) ?")


def escape(text: str) -> str:
    """Escape raw text for mrkdwn: `&`, `<` and `>`, each exactly once."""
    return _BARE_AMP.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")


def unescape(text: str) -> str:
    """Show mrkdwn's entities as the characters they stand for (for a plain-text input)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def escape_around_tokens(text: str) -> str:
    """Escape mrkdwn we composed (a draft, a reply), keeping its mentions, dates and links."""
    parts: list[str] = []
    last = 0
    for match in _OUR_TOKEN.finditer(text):
        target, bar, label = match.group(0)[1:-1].partition("|")
        parts.append(escape(text[last : match.start()]))
        parts.append(f"<{target}{bar}{escape(label)}>")
        last = match.end()
    parts.append(escape(text[last:]))
    return "".join(parts)


def quote(text: str) -> str:
    """Render raw text as a mrkdwn block quote, escaped."""
    return _quote_lines(escape(text))


def quote_mrkdwn(text: str) -> str:
    """Render mrkdwn we composed as a block quote; its links and mentions still work."""
    # Slack has no nested quotes: a quote inside the text joins the outer one.
    lines = (_QUOTE_MARK.sub("", line) for line in text.splitlines())
    return _quote_lines(escape_around_tokens("\n".join(lines)))


def _quote_lines(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in text.splitlines())


def mention(user_id: str) -> str:
    """A user mention, or plain text when the id is not a Slack id."""
    return f"<@{user_id}>" if _SLACK_ID.fullmatch(user_id) else escape(user_id)


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
_MARKDOWN_LINK = re.compile(r"\[([^\[\]\n]*)\]\(\s*<?([^()\s<>]+)>?\s*\)")
# Anything Slack would turn into a link: a scheme, "www.", or a bare domain with a path.
_BARE_URL = re.compile(
    r"(?<![\w@/.-])(?:[a-z][a-z0-9+.-]*://|www\.|[a-z0-9-]+(?:\.[a-z0-9-]+)+/)[^\s<>|]*",
    re.IGNORECASE,
)
_TRAILING = ".,;:!?)]'\""


def sanitize_model_mrkdwn(text: str, *, allowed_urls: frozenset[str]) -> str:
    """Disarm what a model could smuggle into a customer channel.

    Special mentions (`<!channel>`, `<!here>`, user groups), user and channel mentions become
    plain text. A link survives only when it points at one of `allowed_urls` (the knowledge
    base's own articles), whatever its form: `<url|label>`, a markdown `[label](url)` or a bare
    `https://...`; any other link is reduced to its label, and a bare one is removed.
    """
    kept: list[str] = []

    def hold(link: str) -> str:
        kept.append(link)
        return f"\x00{len(kept) - 1}\x00"

    def disarm(match: re.Match[str]) -> str:
        inner = match.group(1)
        if inner.startswith(("!", "@", "#")):
            return escape(f"<{inner}>")
        url, _, label = inner.partition("|")
        if url in allowed_urls:
            return hold(match.group(0))
        return escape(label or "")

    def markdown(match: re.Match[str]) -> str:
        label, url = match.group(1).strip(), match.group(2)
        if url in allowed_urls:
            return hold(f"<{url}|{escape(label or url).replace('|', '/')}>")
        return label

    def bare(match: re.Match[str]) -> str:
        url = match.group(0).rstrip(_TRAILING)
        tail = match.group(0)[len(url) :]
        return (hold(url) if url in allowed_urls else "") + tail

    text = _MARKDOWN_LINK.sub(markdown, text)
    text = _ANGLE.sub(disarm, text)
    text = _BARE_URL.sub(bare, text)
    text = re.sub(r"[ \t]{2,}", " ", text)
    text = re.sub(r"[ \t]+([.,;:!?])", r"\1", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: kept[int(m.group(1))], text)
