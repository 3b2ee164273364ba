"""Tell a customer's own words from Slack markup and from text they quote.

Both functions keep every character where it was, so offsets into the result are offsets into
the message and evidence can be cut from what the customer wrote.
"""

from __future__ import annotations

import re

# Slack's own markup: mentions, channel and group links, links with or without a label, and
# HTML entities. A link keeps its label ("<https://…|cancellation fees>" reads "cancellation
# fees"): the customer chose those words.
_ANGLED = re.compile(
    r"<(?P<target>[@#!][^<>|]*|(?:https?|mailto):[^<>|]*)(?:\|(?P<label>[^<>]*))?>"
)
_MAIL_LABEL = re.compile(r"\S+@\S+")
_BARE_LINK = re.compile(r"\b(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_ENTITY = re.compile(r"&(?:gt|lt|amp|quot|#\d+);")
# ":wave:", ":slightly_smiling_face:", ":+1::skin-tone-2:"; not "10:30:45".
_EMOJI = re.compile(r":(?:[+-]1|(?=[\w+'-]*[a-z])[\w+'-]+):", re.IGNORECASE)
# `code` and ```blocks```: machine text (a log line, a setting) pasted into the message.
_CODE = re.compile(r"```.*?```|`[^`\n]+`", re.DOTALL)
# *bold*, _italic_, ~struck~: the markers go, the words stay. A marker opens after a space or
# a bracket and closes before one, so "sh*t" and "f***" stay as they are.
_EMPHASIS = re.compile(r"(?<![\w*~])([*_~])(?=[^\s*_~])([^\n]*?[^\s*_~])\1(?![\w*~])")
# A passage the customer quotes rather than says: a Slack blockquote line, or at least
# `QUOTE_MIN_WORDS` words between double quotes ('it says "credits appear on the next invoice"').
# Fewer words between quotes are scare quotes or emphasis, still the customer's own ("so-called
# "support"").
QUOTE_MIN_WORDS = 4
_BLOCKQUOTE = re.compile(r"^[ \t]*(?:>|&gt;)[^\n]*", re.MULTILINE)
_DOUBLE_QUOTED = re.compile(r"\"[^\"\n]+\"|“[^”\n]+”|„[^“”\n]+[“”]")
_WORD = re.compile(r"[^\W_]+")


def own_words(text: str, *, emoji_as_words: bool = False) -> str:
    """Blank Slack markup (mentions, links, code, emoji, emphasis markers) to spaces.

    With `emoji_as_words`, an emoji shortcode reads as its name (":rage:" as " rage "), which
    is what sentiment should see; word rules see nothing of it.
    """
    chars = list(text)

    def blank(start: int, end: int) -> None:
        chars[start:end] = " " * (end - start)

    for found in _CODE.finditer(text):
        blank(*found.span())
    for found in _ANGLED.finditer(text):
        label = found.group("label")
        if label is None or _MAIL_LABEL.fullmatch(label) or found.group("target")[0] in "@#!":
            blank(*found.span())
        else:
            blank(found.start(), found.start("label"))
            blank(found.end("label"), found.end())
    for pattern in (_BARE_LINK, _ENTITY):
        for found in pattern.finditer("".join(chars)):
            blank(*found.span())
    for found in _EMOJI.finditer("".join(chars)):
        start, end = found.span()
        if emoji_as_words:
            chars[start:end] = [" " if char in ":_-+" else char for char in found.group()]
        else:
            blank(start, end)
    for found in _EMPHASIS.finditer("".join(chars)):
        blank(found.start(), found.start() + 1)
        blank(found.end() - 1, found.end())
    return "".join(chars)


def quoted_ranges(text: str) -> list[tuple[int, int]]:
    """Return the sorted character ranges of passages the customer quotes."""
    ranges = [found.span() for found in _BLOCKQUOTE.finditer(text)]
    ranges += [
        found.span()
        for found in _DOUBLE_QUOTED.finditer(text)
        if len(_WORD.findall(found.group())) >= QUOTE_MIN_WORDS
    ]
    return sorted(ranges)


def spoken(text: str) -> str:
    """Return what the customer says in their own voice: no markup, no quoted passage."""
    chars = list(own_words(text, emoji_as_words=True))
    for start, end in quoted_ranges(text):
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def inside(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    """Say whether the stretch [start, end) lies wholly within one of the ranges."""
    return any(low <= start and end <= high for low, high in ranges)
