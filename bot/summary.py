"""What the customer wants, in one line for the card, without a model.

Rules for the common shapes of a support message (a wish, a request, a question, a fault
report) turn "Hi! How much does roaming in Spain cost? Thanks" into "Asks how much roaming in
Spain costs". Anything else falls back to the cleaned first sentence. Claude, when it drafts,
writes its own summary and this is not used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

SUMMARY_MAX = 160
_VAGUE_WORDS = 4  # "Asks us to check", "Asks us to help them"

# Slack's own tokens only: a customer's literal "<b>" is text, not markup.
_TOKEN = re.compile(r"<((?:[@#!]|https?://|mailto:)[^<>\n]*)>")
_MARKUP = re.compile(r"(?<!\w)[*_~`]+|[*_~`]+(?!\w)")
_EMOJI = re.compile(r":[a-z0-9_+-]+:")
_SENTENCE = re.compile(r"(?<=[.!?])\s+|\n+")
_GREETING = re.compile(
    r"^(?:(?:hi|hello|hey|hiya|howdy|dear|greetings|good (?:morning|afternoon|evening)|morning)"
    r"(?:\s+(?:there|team|all|everyone|folks|guys|support|again))*[\s,!.:;-]*)+",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"^(?:thanks?(?: you)?(?: so much| very much| in advance)?|thx|ty|cheers|regards|best|"
    r"kind regards|best regards|many thanks|hope you(?:'re| are) (?:well|doing well)|"
    r"quick question|sorry to bother you|any help (?:is|would be) appreciated|please help|"
    r"help|urgent)\b[\s\w,.!]{0,25}$",
    re.IGNORECASE,
)
_SIGN_OFF = re.compile(
    r"[\s,.!-]*\b(?:thanks?(?: you)?(?: so much| very much| in advance)?|thx|cheers|"
    r"(?:kind |best )?regards)\b[\s\w,.!]{0,25}$",
    re.IGNORECASE,
)

_PRONOUNS = {
    "i": "they", "me": "them", "my": "their", "mine": "theirs", "myself": "themselves",
    "we": "they", "us": "them", "our": "their", "ours": "theirs", "ourselves": "themselves",
    "i'm": "they're", "im": "they're", "we're": "they're", "i've": "they've",
    "we've": "they've", "i'd": "they'd", "we'd": "they'd", "i'll": "they'll",
    "we'll": "they'll", "your": "our", "you": "us", "am": "are",
}  # fmt: skip
_SUBJECTS = {"i": "they", "we": "they", "you": "we", "it": "it", "there": "there",
             "they": "they", "this": "this", "that": "that"}  # fmt: skip
_DETERMINERS = {"my", "our", "the", "your", "this", "that", "these", "those", "a", "an", "their"}
# Words that end a subject ("my bill | show ...", "my internet | so slow").
_PREDICATE = {
    "show", "cost", "work", "take", "include", "mean", "need", "get", "charge", "say", "have",
    "come", "go", "apply", "happen", "change", "keep", "stop", "look", "use", "make", "appear",
    "expire", "renew", "arrive", "end", "start", "reset", "drop", "fail", "run", "be", "so",
    "too", "very", "not", "still", "always", "never", "down", "slow", "broken", "working",
    "being", "getting", "charged", "higher", "more", "less", "late", "available", "gone",
    "missing", "wrong", "different", "expensive", "on", "off", "in", "at", "for", "with",
}  # fmt: skip
_IRREGULAR_PAST = {"go": "went", "come": "came", "get": "got", "take": "took", "say": "said",
                   "have": "had", "make": "made", "pay": "paid", "send": "sent",
                   "keep": "kept", "run": "ran", "be": "was"}  # fmt: skip

_WANT = re.compile(
    r"^(?:i|we)(?:\s+really|\s+just)?(?:\s+want|\s+wanna|\s+would like|'d like|'d love"
    r"|\s+would love|\s+wish)(?:\s+(to))?\s+(.+)$",
    re.IGNORECASE,
)
_DEMAND = re.compile(r"^(?:i|we)\s+(?:demand|expect|insist on)\s+(.+)$", re.IGNORECASE)
_WH = re.compile(r"^(what|when|where|why|which|who|how)\s+(.+)$", re.IGNORECASE)
_PLEASE = re.compile(r"[\s,]+please$", re.IGNORECASE)
_NEED = re.compile(r"^(?:i|we)\s+(?:really\s+|urgently\s+)?need\s+(.+)$", re.IGNORECASE)
_REQUEST = re.compile(
    r"^(?:(?:can|could|would|will)\s+you|please|kindly)\s+(?:please\s+)?(.+)$", re.IGNORECASE
)
_HOW_TO = re.compile(r"^how\s+(?:do|can|could|should)\s+(?:i|we)\s+(.+)$", re.IGNORECASE)
_HOW_MUCH = re.compile(
    r"^how much\s+(?:(?:does|do|will|would)\s+(.+?)\s+cost|(?:is|are)\s+(.+))$", re.IGNORECASE
)
_WH_AUX = re.compile(
    r"^(what|when|where|why|which|who|how(?: long| many| often)?)\s+"
    r"(do|does|did|is|are|was|were|can|could|will|would|should|has|have)\s+(.+)$",
    re.IGNORECASE,
)
_YES_NO = re.compile(
    r"^(can|could|will|would|should|may|is|are|do|does|did|have|has)\s+(.+)$", re.IGNORECASE
)
_FAULT = re.compile(
    r"(?P<what>(?:(?:mobile|home|our|my|the)\s+)?(?:\w+\s+)?(?:data|internet|broadband|wifi|"
    r"wi-fi|network|calls?|phones?|line|router|sim|app|portal|signal|service|connection|email))"
    r"(?:\s+(?:at|in|on)(?:\s+\w+){1,3}?)?"
    r"\s+(?:(?:is|are|has|have|keeps?|has been|have been)\s+)?(?:still\s+)?"
    r"(?P<how>not working|isn't working|aren't working|stopped working|down|dead|slow|"
    r"dropp\w*|drop\w*|fail\w*|cut(?:ting)? out)",
    re.IGNORECASE,
)
_NO_SERVICE = re.compile(
    r"\bno\s+(signal|service|coverage|data|internet|connection|network|dial tone)\b",
    re.IGNORECASE,
)
_ARTICLE = re.compile(r"^(?:the|their|a|an)\s+", re.IGNORECASE)
_OUTAGE = re.compile(r"\b(outages?|downtime)\b", re.IGNORECASE)
_DOUBLE_CHARGE = re.compile(
    r"\b(?:charged|billed)\s+(?:us\s+|me\s+)?(?:twice|double|two times)|\bdouble[- ]charged?\b"
    r"|\bovercharg",
    re.IGNORECASE,
)


def summarize_request(
    question: str,
    *,
    article_title: str | None = None,
    earlier: Sequence[str] = (),
    mood: str | None = None,
) -> str:
    """One line on what the customer wants, from their question and its thread."""
    sentences = _sentences(question)
    if not sentences and earlier:
        sentences = _sentences(earlier[-1])
    if not sentences:
        words = " ".join(clean(question).split())
        return _fit(words, SUMMARY_MAX) if words else "The customer asked for a person."
    main, used = _main_point(sentences)
    if main is None:
        used = 1 if used == 0 else 0
        first = _swap(sentences[used].rstrip(".! "))
        first = first[0].upper() + first[1:]
        main = f"About {article_title}: {first}" if article_title else first
    fault = _fault(" ".join(s for i, s in enumerate(sentences) if i != used))
    if fault and not main.startswith("Reports"):
        main += f"; {mood} about {fault}" if mood else f"; reports {fault}"
    elif mood:
        main += f"; sounds {mood}"
    count = sum(1 for text in earlier if _sentences(text))
    tail = f" ({count} earlier message{'s' if count != 1 else ''} in the thread)" if count else ""
    return _fit(main, SUMMARY_MAX - len(tail)) + tail


def clean(text: str) -> str:
    """Plain words of a Slack message: no mentions, links, markup, emoji or entities."""
    text = _TOKEN.sub(_token_words, text)
    text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    text = _EMOJI.sub("", _MARKUP.sub("", text))
    return "\n".join(" ".join(line.lstrip("> ").split()) for line in text.splitlines())


def _token_words(found: re.Match[str]) -> str:
    target, _, label = found.group(1).partition("|")
    if target.startswith("#"):
        return f"#{label}" if label else ""
    if target.startswith(("@", "!")):
        return ""
    return label or target


def _sentences(text: str) -> list[str]:
    """The message's sentences without greetings, sign-offs and filler."""
    kept = []
    for raw in _SENTENCE.split(clean(text)):
        sentence = _SIGN_OFF.sub("", _GREETING.sub("", raw.strip())).strip(" ,;-")
        if len(sentence) > 2 and not _FILLER.match(sentence):
            kept.append(sentence)
    return kept


def _main_point(sentences: list[str]) -> tuple[str | None, int]:
    """The first wish, request or question, else a fault report; else the index to skip."""
    vague = -1
    for index, sentence in enumerate(sentences):
        point = _intent(sentence)
        if point and len(point.split()) <= _VAGUE_WORDS and len(sentences) > 1:
            vague = index if vague < 0 else vague  # "Please check." says less than the rest
        elif point:
            return point, index
    for index, sentence in enumerate(sentences):
        fault = _fault(sentence)
        if fault:
            return f"Reports {fault}", index
    return None, vague


def _intent(sentence: str) -> str | None:
    s = _PLEASE.sub("", sentence.rstrip("?!. "))
    if found := _WANT.match(s):
        return f"Wants {'to ' if found.group(1) else ''}{_swap(found.group(2))}"
    if found := _DEMAND.match(s):
        return f"Demands {_swap(found.group(1))}"
    if found := _NEED.match(s):
        return f"Needs {_swap(found.group(1))}"
    if found := _HOW_TO.match(s):
        return f"Asks how to {_swap(found.group(1))}"
    if found := _HOW_MUCH.match(s):
        return f"Asks how much {_swap(found.group(1) or found.group(2))} costs"
    if found := _REQUEST.match(s):
        return f"Asks us to {_swap(found.group(1))}"
    if found := _WH_AUX.match(s):
        return _indirect(found.group(1).lower(), found.group(2).lower(), found.group(3))
    if sentence.endswith("?") and (found := _YES_NO.match(s)):
        return _indirect("whether", found.group(1).lower(), found.group(2))
    if sentence.endswith("?") and (found := _WH.match(s)):
        return f"Asks {found.group(1).lower()} {_swap(found.group(2))}"
    return None


def _indirect(wh: str, aux: str, rest: str) -> str:
    """ "why does my bill show two charges" → "Asks why their bill shows two charges"."""
    words = rest.split()
    first = words[0].lower()
    if first in _SUBJECTS:
        subject, tail = [_SUBJECTS[first]], words[1:]
    elif first in _DETERMINERS:
        end = next((i for i, w in enumerate(words[1:], 1) if w.lower() in _PREDICATE), None)
        if end is None:
            if aux in ("is", "are", "was", "were"):  # "what is the roaming fee" → "what ... is"
                return f"Asks {wh} {_swap(rest)} {aux}"
            return f"Asks {wh} {aux} {_swap(rest)}"
        subject, tail = words[:end], words[end:]
    else:
        return f"Asks {wh} {aux} {_swap(rest)}"
    subj = _swap(" ".join(subject))
    tail_text = _swap(" ".join(tail))
    if aux in ("do", "does", "did") and tail:
        verb = tail[0].lower()
        inflected = _verb(verb, aux, plural=subj in ("they", "we"))
        return f"Asks {wh} {subj} {' '.join([inflected, *tail_text.split()[1:]])}".rstrip()
    if aux == "am":
        aux = "are"
    if subj == "they" and aux in ("is", "was", "has"):
        aux = {"is": "are", "was": "were", "has": "have"}[aux]
    return f"Asks {wh} {subj} {aux} {tail_text}".rstrip()


def _verb(verb: str, aux: str, *, plural: bool) -> str:
    if aux == "did":
        return _IRREGULAR_PAST.get(verb, verb + ("d" if verb.endswith("e") else "ed"))
    if aux == "do" or plural:
        return verb
    if verb == "have":
        return "has"
    if verb.endswith(("s", "sh", "ch", "x", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _fault(text: str) -> str | None:
    if found := _FAULT.search(text):
        what = _ARTICLE.sub("", _swap(found.group("what")))
        how = found.group("how").lower()
        if how.startswith("drop"):
            return f"{what} dropping"
        if how.startswith("fail"):
            return f"{what} failing"
        how = {"isn't working": "not working", "aren't working": "not working"}.get(how, how)
        return f"{what} {how}"
    if found := _NO_SERVICE.search(text):
        return f"no {found.group(1).lower()}"
    if _DOUBLE_CHARGE.search(text):
        return "a wrong charge"
    if found := _OUTAGE.search(text):
        return found.group(1).lower()
    return None


def _swap(text: str) -> str:
    """Say the customer's words about them: "my contract" → "their contract"."""
    return " ".join(_PRONOUNS.get(w.lower(), w) for w in text.split())


def _fit(text: str, limit: int) -> str:
    text = text.rstrip(" .")
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"
