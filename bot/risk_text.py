"""Turn customer text into words: tokens, clauses, crude stems and typo distance."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<money>[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[$€£]|(?:dollars?|euros?|eur|usd|pounds?|gbp|bucks)\b))"
    r"|(?P<word>[^\W_]+(?:['’\-][^\W_]+)*)"
    r"|(?P<stop>[.!?;\n]+)"
    r"|(?P<comma>[,:()\"])",
    re.IGNORECASE,
)
MONEY = "moneyamount"
FUZZY_MIN = 5  # shorter words are too easily one edit away from another real word
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though"})
_VOWELS = frozenset("aeiouy")


def plain(word: str) -> str:
    """Lower-case a word and drop apostrophes and hyphens ("Don't" -> "dont")."""
    return word.lower().replace("'", "").replace("’", "").replace("-", "")


# Irregular past forms that carry intent ("we have chosen another provider", "you took my
# money"). Forms that double as common other words ("left", "spoke", "gave", "got") stay out.
_IRREGULAR = {
    "chose": "choos",
    "chosen": "choos",
    "took": "tak",
    "taken": "tak",
    "sold": "sel",
    "hung": "hang",
}


def stem(word: str) -> str:
    """Reduce an inflected word to a crude stem so "cancelled" and "cancelling" meet "cancel"."""
    w = plain(word)
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or w.isdigit():
        return w
    if w.endswith("ies") and len(w) > 4:
        w = w[:-3] + "y"
    elif w.endswith("sses"):
        w = w[:-2]
    elif w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    for suffix in ("ing", "ed"):
        rest = w[: -len(suffix)]
        if w.endswith(suffix) and len(rest) >= 3 and _VOWELS & set(rest):
            w = rest
            break
    if len(w) > 3 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in _VOWELS and w[-1] != "s":
        w = w[:-1]
    return w.replace("iz", "is")  # authorize / authorise


def edit_distance_within(a: str, b: str, limit: int) -> bool:
    """Say whether two words are at most `limit` edits apart (swaps of neighbours count once)."""
    if abs(len(a) - len(b)) > limit:
        return False
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return False
        prev2, prev = prev, cur
    return prev[len(b)] <= limit


@dataclass(frozen=True, slots=True)
class Token:
    """Hold one word of the text with its stem, position and clause."""

    word: str
    stem: str
    start: int
    end: int
    clause: int


def split_sentences(text: str) -> list[list[Token]]:
    """Cut text into sentences of word tokens, numbering clauses for negation scope."""
    sentences: list[list[Token]] = [[]]
    clause = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "stop":
            if sentences[-1]:
                sentences.append([])
            clause += 1
        elif kind == "comma":
            clause += 1
        elif kind == "money":
            sentences[-1].append(Token(MONEY, MONEY, match.start(), match.end(), clause))
        else:
            word = plain(match.group())
            if word in _CLAUSE_WORDS:
                clause += 1
            sentences[-1].append(Token(word, stem(word), match.start(), match.end(), clause))
    return [sentence for sentence in sentences if sentence]


def typo_of(word: str, target: str) -> bool:
    """Say whether `word` reads as a misspelling of the lexicon stem `target`."""
    shortest = min(len(word), len(target))
    if shortest < FUZZY_MIN:
        return False
    swapped = word[:2] == target[1::-1]
    if word[0] != target[0] and not swapped:
        return False  # typos rarely hit the first letter, real neighbours often do
    return edit_distance_within(word, target, 2 if shortest >= 9 else 1)
