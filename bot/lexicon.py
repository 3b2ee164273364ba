"""Match intent rules against customer text, tolerant of case, inflection, typos and word order."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.policy import IntentRule, LexiconPolicy

_TOKEN = re.compile(
    r"(?P<money>[$€£]\s?\d[\d,.]*|\d[\d,.]*\s?(?:[$€£]|(?:dollars?|euros?|eur|usd|pounds?|gbp|bucks)\b))"
    r"|(?P<word>[^\W_]+(?:['’\-][^\W_]+)*)"
    r"|(?P<stop>[.!?;\n]+)"
    r"|(?P<comma>[,:()\"])",
    re.IGNORECASE,
)
MONEY = "moneyamount"
_CLAUSE_WORDS = frozenset({"but", "however", "although", "though"})
_VOWELS = frozenset("aeiouy")
_FUZZY_MIN = 5  # shorter words are too easily one edit away from another real word
_SUFFIX_MIN = 6  # shortest lexicon word recognised at the end of a run-together token
_SPLIT_PART = 3  # shortest half when a run-together token splits into two known words
_TOKEN_CACHE = 50_000
_VETO_BEFORE = 5  # "in which cases can I ask for a refund": the framing comes first
_VETO_AFTER = 4  # "cancel my subscription to your newsletter"


def plain(word: str) -> str:
    """Lower-case a word and drop apostrophes and hyphens ("Don't" -> "dont", "add-on" -> "addon")."""
    return word.lower().replace("'", "").replace("’", "").replace("-", "")


def stem(word: str) -> str:
    """Reduce an inflected word to a crude stem so "cancelled" and "cancelling" meet "cancel"."""
    w = plain(word)
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


@dataclass(frozen=True, slots=True)
class Hit:
    """Record one rule that fired, with the customer's own words as evidence."""

    rule: IntentRule
    evidence: str


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


Term = tuple[str, ...]
Span = tuple[int, int]


def _terms(words: Iterable[str]) -> tuple[Term, ...]:
    """Turn configured words and phrases into tuples of stems."""
    return tuple(tuple(stem(part) for part in entry.split()) for entry in words if entry.split())


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    """Hold a rule with its terms already stemmed."""

    rule: IntentRule
    slots: tuple[tuple[Term, ...], ...]
    phrases: tuple[Term, ...]
    unless: tuple[Term, ...]


class LexiconMatcher:
    """Find which intent rules a message triggers; built once from the policy."""

    def __init__(self, policy: LexiconPolicy, dictionary: Iterable[str] = ()) -> None:
        """Stem every configured term and prepare the typo-tolerant word lookup.

        `dictionary` adds real words that must never be read as typos (VADER's lexicon).
        """
        self._rules = tuple(
            _CompiledRule(
                rule=rule,
                slots=tuple(_terms(slot) for slot in rule.slots),
                phrases=_terms(rule.phrases),
                unless=_terms(policy.unless_terms(rule)),
            )
            for rule in policy.rules
        )
        vocabulary: set[str] = set()
        for compiled in self._rules:
            for group in (*compiled.slots, compiled.phrases, compiled.unless):
                for term in group:
                    vocabulary.update(term)
        self._vocabulary = frozenset(vocabulary)
        self._fuzzy_targets = tuple(sorted(w for w in vocabulary if len(w) >= _FUZZY_MIN))
        self._surface_targets = tuple(
            sorted(
                {
                    (plain(word), stem(word))
                    for rule in policy.rules
                    for entry in (*(t for slot in rule.slots for t in slot), *rule.phrases)
                    for word in entry.split()
                    if len(word) >= _FUZZY_MIN and plain(word) != stem(word)
                }
            )
        )
        known = {plain(word) for word in (*policy.known_words, *dictionary)}
        self._known = frozenset(known | {stem(word) for word in known} | vocabulary)
        self._negators = frozenset(stem(word) for word in policy.negators)
        self._passthrough = frozenset(stem(word) for word in policy.negation_passthrough)
        self._lookup: Callable[[str, str], frozenset[str]] = lru_cache(maxsize=_TOKEN_CACHE)(
            self._lookup_uncached
        )

    def match(self, text: str) -> list[Hit]:
        """Return one hit per rule that fires anywhere in the text."""
        sentences = [self._split_glued(sentence) for sentence in split_sentences(text)]
        word_count = sum(len(sentence) for sentence in sentences)
        hits: list[Hit] = []
        for compiled in self._rules:
            if compiled.rule.max_words is not None and word_count > compiled.rule.max_words:
                continue
            for sentence in sentences:
                span = self._first_valid_span(compiled, sentence)
                if span is not None:
                    first, last = sentence[span[0]], sentence[span[1] - 1]
                    hits.append(Hit(compiled.rule, text[first.start : last.end]))
                    break
        return hits

    def _first_valid_span(self, compiled: _CompiledRule, sentence: list[Token]) -> Span | None:
        """Return the first span of the sentence where the rule fires and is not vetoed."""
        matches = [self._lookup(token.stem, token.word) for token in sentence]
        for span, parts in self._candidates(compiled, matches):
            if compiled.rule.negatable and self._negated(sentence, parts):
                continue
            if self._vetoed(compiled, matches, span):
                continue
            return span
        return None

    def _candidates(
        self, compiled: _CompiledRule, matches: list[frozenset[str]]
    ) -> Iterable[tuple[Span, list[Span]]]:
        """Yield each match as its whole span and the spans of its parts."""
        for term in compiled.phrases:
            for found in _find(term, matches):
                yield found, [found]
        if not compiled.slots:
            return
        spans_per_slot = [
            [found for term in slot for found in _find(term, matches)] for slot in compiled.slots
        ]
        window = compiled.rule.window
        for anchor in spans_per_slot[0]:
            chosen = [anchor]
            for others in spans_per_slot[1:]:
                near = [s for s in others if _gap(anchor, s, chosen) <= window]
                if not near:
                    break
                chosen.append(min(near, key=lambda s: _gap(anchor, s, chosen)))
            else:
                yield (min(s[0] for s in chosen), max(s[1] for s in chosen)), chosen

    def _negated(self, sentence: list[Token], parts: list[Span]) -> bool:
        """Say whether a negator governs any part of the match ("I don't want a refund")."""
        for start, _ in parts:
            clause = sentence[start].clause
            for index in range(start - 1, max(start - 6, -1), -1):
                token = sentence[index]
                if token.clause != clause:
                    break
                if token.stem in self._negators:
                    return True
                if token.stem not in self._passthrough:
                    break
        return False

    def _vetoed(self, compiled: _CompiledRule, matches: list[frozenset[str]], span: Span) -> bool:
        """Say whether a routine word sits next to the match ("cancel my *order*")."""
        if not compiled.unless:
            return False
        low, high = max(0, span[0] - _VETO_BEFORE), min(len(matches), span[1] + _VETO_AFTER)
        region = matches[low:high]
        return any(_find(term, region) for term in compiled.unless)

    def _lookup_uncached(self, word: str, surface: str) -> frozenset[str]:
        """Return the lexicon stems a text word stands for, forgiving one typo or a lost space."""
        if self._is_known(word, surface) or len(surface) < _FUZZY_MIN or word.isdigit():
            return frozenset({word})
        found = {target for target in self._fuzzy_targets if _typo_of(word, target)}
        # Typos in an inflected form ("waitnig") defeat the stemmer: compare as written too.
        found.update(
            target for written, target in self._surface_targets if _typo_of(surface, written)
        )
        # A lost space before a long lexicon word ("freemiumaccount").
        for cut in range(2, len(word) - _SUFFIX_MIN + 1):
            if word[cut:] in self._vocabulary:
                found.add(word[cut:])
        return frozenset({word, *found})

    def _is_known(self, word: str, surface: str) -> bool:
        """Say whether a word is real as written, so it must not be read as a typo."""
        return word in self._known or surface in self._known

    def _split_glued(self, sentence: list[Token]) -> list[Token]:
        """Split a run-together token whose halves are both known words ("earlyexit")."""
        out: list[Token] = []
        for token in sentence:
            surface = token.word
            halves = None
            if not self._is_known(token.stem, surface) and len(surface) >= 2 * _SPLIT_PART:
                for cut in range(_SPLIT_PART, len(surface) - _SPLIT_PART + 1):
                    head, tail = surface[:cut], surface[cut:]
                    if self._is_known(stem(head), head) and self._is_known(stem(tail), tail):
                        halves = head, tail
                        break
            if halves is None or token.end - token.start != len(surface):
                out.append(token)
                continue
            head, tail = halves
            middle = token.start + len(head)
            out.append(Token(head, stem(head), token.start, middle, token.clause))
            out.append(Token(tail, stem(tail), middle, token.end, token.clause))
        return out


def _typo_of(word: str, target: str) -> bool:
    """Say whether `word` reads as a misspelling of the lexicon stem `target`."""
    shortest = min(len(word), len(target))
    if shortest < _FUZZY_MIN:
        return False
    swapped = word[:2] == target[1::-1]
    if word[0] != target[0] and not swapped:
        return False  # typos rarely hit the first letter, real neighbours often do
    return edit_distance_within(word, target, 2 if shortest >= 9 else 1)


def _find(term: Term, matches: list[frozenset[str]]) -> list[Span]:
    """Return the spans where the consecutive words of `term` occur."""
    size = len(term)
    return [
        (i, i + size)
        for i in range(len(matches) - size + 1)
        if all(term[k] in matches[i + k] for k in range(size))
    ]


def _gap(anchor: Span, other: Span, chosen: list[Span]) -> int:
    """Count words between two spans; overlapping spans cannot both fill a slot."""
    if any(other[0] < s[1] and s[0] < other[1] for s in chosen):
        return 10**6
    if other[0] >= anchor[1]:
        return other[0] - anchor[1]
    return anchor[0] - other[1]
