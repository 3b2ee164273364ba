"""What the customer asks, without what people wrap around a question in Slack.

Greetings, thanks, sign-offs, people's names and Slack markup carry no topic: left in, they
dilute the search ("hey team, quick one") or match an article by accident (a colleague called
"Port"). Cleaning removes them before ranking; the stored message keeps every word.
"""

from __future__ import annotations

import html
import re

_MENTION = re.compile(r"<[@!][^<>]*>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+(?:\|([^<>]*))?>")
_LINK = re.compile(r"<(?:https?|mailto):[^<>|]*(?:\|([^<>]*))?>")
_EMOJI = re.compile(r":[a-z0-9_+'-]+:")
_FORMAT = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")

_ADDRESSEE = r"(?:team|all|folks|everyone|everybody|guys|there|y'?all|people|support|friends)"
_GREETING = re.compile(
    r"^\W*(?:(?:hi|hey|hello|hiya|howdy|yo|greetings|morning|afternoon|evening"
    r"|good\s+(?:morning|afternoon|evening|day))\b(?:\s+" + _ADDRESSEE + r"\b)?"
    r"(?:\s+[A-Z][a-z]+\b(?=\s*[,!.:–—-]))?[\s,!.:;–—-]*)+",
    re.IGNORECASE,
)
_PLEASANTRY = re.compile(
    r"\b(?:quick\s+(?:one|question|q)|hope\s+(?:you'?re|you\s+are|all\s+is|everyone'?s?|you\s+all"
    r"\s+are)\s+(?:well|good|doing\s+well)|happy\s+(?:monday|friday|new\s+year)"
    r"|sorry\s+to\s+bother(?:\s+you)?|apologies\s+if\s+this\s+is\s+obvious)\b[\s,!.:;–—-]*",
    re.IGNORECASE,
)
_THANKS = (
    r"(?:thanks|thank\s+you|thx|ty|cheers|ta|many\s+thanks|much\s+appreciated|appreciate\s+it"
    r"|best|regards|kind\s+regards|best\s+regards|br|all\s+the\s+best)"
)
_SIGN_OFF = re.compile(
    r"(?:^|(?<=[.!?\n])|(?<=\s))" + _THANKS + r"(?:\s+(?:in\s+advance|a\s+lot|so\s+much|again"
    r"|team|all|guys|everyone|folks))*[\s,!.]*+(?:[-–—]\s*)?(?-i:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    r"[\s!.]*+$",
    re.IGNORECASE,
)
_DASH_NAME = re.compile(r"\s[-–—]\s*[A-Z][a-z]+\s*$")
_NAME_HERE = re.compile(r"^\W*[A-Z][a-z]+\s+here\b[\s,!.:–—-]*")
_COLLEAGUE = re.compile(
    r"\b(?:my|our)\s+(?:colleague|coworker|co-worker|manager|boss|cfo|ceo|cto|admin|it\s+guy"
    r"|office\s+manager|finance\s+team)\s+[A-Z][a-z]+\b"
    r"|\b[A-Z][a-z]+\s+(?=(?:from|in|on)\s+(?:our|the)\s+(?:\w+\s+)?(?:team|side|department)\b)",
)
_SPACES = re.compile(r"\s+")
_SYMBOLS = re.compile(r"[^\w\s,!.?'-]")  # emoji and other pictographs
_ACKNOWLEDGEMENT = re.compile(
    r"(?:(?:"
    + _THANKS
    + r"|ok(?:ay)?|great|perfect|awesome|cool|brilliant|lovely|nice|amazing|super|got\s+it"
    r"|noted|sounds\s+good|will\s+do|understood|all\s+good|no\s+worries|(?:all\s+)?sorted"
    r"|solved|fixed|(?:that|it|this)\s+(?:worked|works(?:\s+now)?|helped|did\s+it|fixed\s+it))"
    r"[\s,!.]*)+",
    re.IGNORECASE,
)


def clean_question(text: str) -> str:
    """Return the question's substance: no markup, greetings, thanks, sign-offs or names."""
    # A message that is nothing but a pleasantry keeps its words: it is its own question.
    return _substance(text) or _SPACES.sub(" ", html.unescape(text)).strip()


def is_pleasantry(text: str) -> bool:
    """Whether a message is only a greeting, thanks, an acknowledgement or a sign-off."""
    substance = _SYMBOLS.sub("", _substance(text)).strip()
    return not substance or bool(_ACKNOWLEDGEMENT.fullmatch(substance))


def _substance(text: str) -> str:
    text = html.unescape(text)
    text = _MENTION.sub(" ", text)
    text = _CHANNEL.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _LINK.sub(lambda m: f" {m.group(1) or ''} ", text)
    text = _EMOJI.sub(" ", text)
    text = _FORMAT.sub(" ", text)
    text = _NAME_HERE.sub("", text)
    text = _GREETING.sub("", text)
    text = _PLEASANTRY.sub(" ", text)
    text = _COLLEAGUE.sub(" ", text)
    previous = None
    while previous != text:
        previous = text
        text = _SIGN_OFF.sub("", text.rstrip())
        text = _DASH_NAME.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;:-–—")
