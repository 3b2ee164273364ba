"""Turn customer text into words: tokens, clauses, crude stems and typo distance."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz.distance import OSA

_TOKEN = re.compile(
    r"(?P<money>[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[$€£]|(?:dollars?|euros?|eur|usd|pounds?|gbp|bucks)\b))"
    # Letters spelled out one by one ("f u c k", "s.h.i.t"): read as one word.
    r"|(?P<spaced>(?<![^\W_])[^\W\d_](?:(?:[ .\-]|\*+)[^\W\d_]){2,}(?![^\W_]))"
    # A word with letters masked out ("f***", "sh*t", "f**king"): the lexicon resolves it.
    r"|(?P<masked>[^\W\d_]+[*#@$%]+[^\W\d_*#@$%]*(?:[*#@$%]+[^\W\d_]*)*(?:['’][^\W_]+)?(?![\d$€£]))"
    r"|(?P<percent>\d[\d,.]*\s?%)"
    r"|(?P<word>[^\W_]+(?:['’\-][^\W_]+)*)"
    r"|(?P<stop>[.!?;\n]+)"
    r"|(?P<comma>[,:()\"])",
    re.IGNORECASE,
)
MONEY = "moneyamount"
# A capitalised word inside a sentence that is no common English word ("moving to Octopus"):
# the lexicon adds this word to it, so a rule can ask for a brand-like name.
PROPER_NAME = "propernoun"
# Any count of two or more ("3 times", "x3", "twice", "three times", "several times") reads as
# this one word, and any third-or-later occasion ("3rd time", "fifth time") as the next one.
TIMES = "ntimes"
NTH_TIME = "nthtime"
# A stretch of time long enough to tell of a lasting failure ("4 days", "two weeks", "a
# fortnight", "the third week") reads as this one word: "no gas for 4 days".
PERIOD = "nperiod"
# A count per stretch of time ("twice a month", "3 times daily"): a rate, no repetition.
RATE = "nrate"
# A share written with "%" reads as this one word, and a share or an amount followed by "off"
# ("10% off", "€5 off") as a price cut.
PERCENT = "npercent"
PRICE_CUT = "npriceoff"
# A count of people ("20 people", "five staff", "for 12 users") is a headcount of the
# customer's own seats, never someone to talk to: it reads as this one word.
HEADCOUNT = "nheadcount"
MASK_CHARS = frozenset("*#@$%")
FUZZY_MIN = 5  # shorter words are too easily one edit away from another real word
# At most one edit in five letters, two in ten: "contarct" is "contract", "batch" is no "bitch".
TYPO_MIN_SIMILARITY = 0.8
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


_NUMBER_WORDS = {
    word: str(value)
    for value, word in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {"thirty": "30", "forty": "40", "fifty": "50", "hundred": "100", "dozen": "12"}
_ORDINAL_WORDS = {
    word: value
    for value, word in enumerate(
        [
            "zeroth",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
        ]
    )
} | {"twentieth": 20, "hundredth": 100, "umpteenth": 99, "nth": 99}
_ORDINAL_DIGITS = re.compile(r"(\d+)(?:st|nd|rd|th)")
_MULTIPLIER = re.compile(r"(?:x(\d+)|(\d+)x)")
# Words that stand for "more than once" before "times".
_MANY = frozenset(
    {
        "several",
        "multiple",
        "many",
        "numerous",
        "countless",
        "few",
        "couple",
        "umpteen",
        "dozens",
        "hundreds",
        "million",
        "thousand",
        "100",
        "1000",
    }
)
_ONCE_MORE = frozenset({"twice", "thrice"})
# Words that follow a repetition rather than the things a multiplier counts: "charged 2x for
# the same ride", "3x the price", "taken x2 this month", "billed 2x.".
_AFTER_REPEAT = frozenset(
    {
        "for",
        "the",
        "in",
        "on",
        "over",
        "this",
        "that",
        "now",
        "already",
        "what",
        "more",
        "as",
        "than",
        "a",
        "an",
        "my",
        "our",
        "your",
        "his",
        "her",
        "their",
        "since",
        "last",
        "by",
        "today",
        "yesterday",
        "and",
        "so",
        "too",
        "again",
        "at",
        "during",
        "within",
        "times",
        "per",
        "each",
        "every",
        "while",
        "when",
        "before",
        "after",
        "with",
        "from",
        "to",
    }
)
_PER = frozenset({"a", "an", "per", "each", "every"})
_TIME_UNITS = frozenset({"hour", "day", "night", "week", "fortnight", "month", "quarter", "year"})
_RATE_WORDS = frozenset(
    {
        "hourly",
        "daily",
        "nightly",
        "weekly",
        "fortnightly",
        "monthly",
        "quarterly",
        "yearly",
        "annually",
    }
)
_DAYS = frozenset({"day", "days"})
# Plural nouns a headcount counts; support staff ("3 agents") are left out on purpose: a
# customer counting the agents they spoke to talks about our people, not their own seats.
_HEADS = frozenset(
    {"people", "persons", "staff", "users", "employees", "colleagues", "members", "workers"}
)
_LONG_UNITS = frozenset({"week", "weeks", "month", "months", "fortnight", "fortnights"})
# Words before "week" or "month" that make it one whole stretch ("a whole week").
_ONE_STRETCH = frozenset({"a", "whole", "full", "entire"})


def count_of(word: str) -> int | None:
    """Return the number a word stands for, written as digits or as a word ("3", "three")."""
    w = plain(word)
    if w.isdigit():
        return int(w)
    return int(_NUMBER_WORDS[w]) if w in _NUMBER_WORDS else None


def ordinal_of(word: str) -> int | None:
    """Return the rank an ordinal stands for ("3rd", "third"), else None."""
    w = plain(word)
    found = _ORDINAL_DIGITS.fullmatch(w)
    if found:
        return int(found.group(1))
    return _ORDINAL_WORDS.get(w)


def stem(word: str) -> str:
    """Reduce an inflected word to a crude stem so "cancelled" and "cancelling" meet "cancel"."""
    w = plain(word)
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if w in _NUMBER_WORDS:  # "three" and "3" are the same word
        return _NUMBER_WORDS[w]
    if len(w) <= 3 or w.isdigit() or MASK_CHARS & set(w):
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
        elif kind in ("money", "percent"):
            word = MONEY if kind == "money" else PERCENT
            sentences[-1].append(Token(word, word, match.start(), match.end(), clause))
        else:
            raw = match.group()
            if kind == "spaced":
                raw = "".join(char for char in raw if char.isalpha())
            word = plain(raw)
            if word in _CLAUSE_WORDS:
                clause += 1
            sentences[-1].append(Token(word, stem(word), match.start(), match.end(), clause))
    return [_counted(sentence) for sentence in sentences if sentence]


def _counted(sentence: list[Token]) -> list[Token]:
    """Fold counts into one word: "3 times", "twice" -> ntimes; "4 days" -> nperiod.

    A count of people ("20 people") is a headcount -> nheadcount.

    A multiplier before the things counted is a quantity, not a repetition ("2x direct
    debits", "5 x new SIMs"); a repetition per stretch of time is a rate ("billed twice a
    month"); a share or an amount "off" is a price cut ("10% off"), no service gone off.
    """
    out: list[Token] = []
    skip = 0
    for position, token in enumerate(sentence):
        if skip:
            skip -= 1
            continue
        word = token.word
        previous = out[-1] if out else None
        after = sentence[position + 1 : position + 3]
        canonical = None
        if word in _ONCE_MORE or (
            (found := _MULTIPLIER.fullmatch(word))
            and int(found.group(1) or found.group(2)) >= 2
            and not _counts_items(token, after)
        ):
            canonical = TIMES
        elif word in ("times", "x") and previous is not None:
            count = count_of(previous.word)
            if ((count is not None and count >= 2) or previous.word in _MANY) and not (
                word == "x" and _counts_items(token, after)
            ):
                out.pop()
                canonical = TIMES
                token = Token(word, word, previous.start, token.end, token.clause)
        elif word == "off" and previous is not None and previous.word in (PERCENT, MONEY):
            out.pop()
            canonical = PRICE_CUT
            token = Token(word, word, previous.start, token.end, token.clause)
        elif (word in _DAYS or word in _LONG_UNITS) and previous is not None:
            if _long_stretch(previous.word, word):
                out.pop()
                canonical = PERIOD
                token = Token(word, word, previous.start, token.end, token.clause)
        elif word in _HEADS and previous is not None:
            count = count_of(previous.word)
            if count is not None and count >= 2:
                out.pop()
                canonical = HEADCOUNT
                token = Token(word, word, previous.start, token.end, token.clause)
        elif word == "time" and previous is not None:
            rank = ordinal_of(previous.word)
            if rank is not None and rank >= 3:
                out.pop()
                canonical = NTH_TIME
                token = Token(word, word, previous.start, token.end, token.clause)
        if canonical == TIMES and (rate := _rate_words(after)):
            canonical = RATE
            skip = rate
            token = Token(word, word, token.start, after[rate - 1].end, token.clause)
        if canonical is None:
            out.append(token)
        else:
            out.append(Token(canonical, canonical, token.start, token.end, token.clause))
    return out


def _counts_items(token: Token, after: list[Token]) -> bool:
    """Say whether a multiplier counts the things after it ("2x direct debits", "3 x 10GB")."""
    return bool(after) and after[0].clause == token.clause and after[0].word not in _AFTER_REPEAT


def _rate_words(after: list[Token]) -> int:
    """Count the words after a count that make it a rate ("twice a month", "3 times daily")."""
    words = [token.word for token in after]
    if words[:1] and words[0] in _RATE_WORDS:
        return 1
    if len(words) == 2 and words[0] in _PER and words[1].rstrip("s") in _TIME_UNITS:
        return 2
    return 0


def _long_stretch(previous: str, unit: str) -> bool:
    """Say whether a count and a unit of time make a lasting stretch ("3 days", "2nd week")."""
    count = count_of(previous)
    rank = ordinal_of(previous)
    if unit in _DAYS:
        return (count is not None and count >= 2) or previous in _MANY or (rank or 0) >= 2
    return count is not None or previous in _MANY or previous in _ONE_STRETCH or (rank or 0) >= 2


def typo_of(word: str, target: str) -> bool:
    """Say whether `word` reads as a misspelling of the lexicon stem `target`.

    The caller checks first that `word` is no real word: a real word is never a typo.
    """
    shortest = min(len(word), len(target))
    if shortest < FUZZY_MIN:
        return False
    swapped = word[:2] == target[1::-1]
    if word[0] != target[0] and not swapped:
        return False  # typos rarely hit the first letter, real neighbours often do
    limit = 2 if shortest >= 9 else 1
    # Optimal string alignment: a swap of neighbours ("cancle") counts as one edit.
    distance = OSA.distance(word, target, score_cutoff=limit)
    similarity = 1 - distance / max(len(word), len(target))
    return distance <= limit and similarity >= TYPO_MIN_SIMILARITY
