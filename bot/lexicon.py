"""Match intent rules against customer text, tolerant of case, inflection, typos and word order."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.policy import IntentRule, LexiconPolicy
from bot.risk_text import FUZZY_MIN, Token, plain, split_sentences, stem, typo_of

_SUFFIX_MIN = 6  # shortest lexicon word recognised at the end of a run-together token
_SPLIT_PART = 3  # shortest half when a run-together token splits into two known words
_TOKEN_CACHE = 50_000
_LONGEST_TERM = 8  # words in the longest configured phrase a slot may hold
_VETO_BEFORE = 5  # "in which cases can I ask for a refund": the framing comes first
_VETO_AFTER = 4  # "cancel my subscription to your newsletter"


@dataclass(frozen=True, slots=True)
class Hit:
    """Record one rule that fired, with the customer's own words as evidence."""

    rule: IntentRule
    evidence: str


Term = tuple[str, ...]
Span = tuple[int, int]


def _terms(words: Iterable[str]) -> tuple[Term, ...]:
    """Turn configured words and phrases into tuples of stems."""
    return tuple(tuple(stem(part) for part in entry.split()) for entry in words if entry.split())


@dataclass(frozen=True, slots=True)
class _Sentence:
    """Hold a sentence's tokens, what each stands for, and where each lexicon stem occurs."""

    tokens: list[Token]
    matches: list[frozenset[str]]
    index: dict[str, list[int]]

    def find(self, term: Term) -> list[Span]:
        """Return the spans where the consecutive words of `term` occur."""
        size = len(term)
        return [
            (i, i + size)
            for i in self.index.get(term[0], ())
            if i + size <= len(self.matches)
            and all(term[k] in self.matches[i + k] for k in range(1, size))
        ]


@dataclass(frozen=True, slots=True)
class _CompiledRule:
    """Hold a rule with its terms already stemmed."""

    rule: IntentRule
    slots: tuple[tuple[Term, ...], ...]
    phrases: tuple[Term, ...]
    unless: tuple[Term, ...]

    phrase_heads: frozenset[str]
    slot_heads: tuple[frozenset[str], ...]

    def may_fire(self, sentence: _Sentence) -> bool:
        """Say cheaply whether the sentence holds the first word of a phrase or of every slot."""
        present = sentence.index.keys()
        if not self.phrase_heads.isdisjoint(present):
            return True
        return bool(self.slot_heads) and all(
            not heads.isdisjoint(present) for heads in self.slot_heads
        )


class LexiconMatcher:
    """Find which intent rules a message triggers; built once from the policy."""

    def __init__(self, policy: LexiconPolicy, dictionary: Iterable[str] = ()) -> None:
        """Stem every configured term and prepare the typo-tolerant word lookup.

        `dictionary` adds real words that must never be read as typos (VADER's lexicon).
        """
        self._rules = tuple(_compile(rule, policy) for rule in policy.rules)
        vocabulary: set[str] = set()
        for compiled in self._rules:
            for group in (*compiled.slots, compiled.phrases, compiled.unless):
                for term in group:
                    vocabulary.update(term)
        self._vocabulary = frozenset(vocabulary)
        self._fuzzy_targets = tuple(sorted(w for w in vocabulary if len(w) >= FUZZY_MIN))
        self._surface_targets = tuple(
            sorted(
                {
                    (plain(word), stem(word))
                    for rule in policy.rules
                    for entry in (*(t for slot in rule.slots for t in slot), *rule.phrases)
                    for word in entry.split()
                    if len(word) >= FUZZY_MIN and plain(word) != stem(word)
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
        sentences = [self._read(self._split_glued(tokens)) for tokens in split_sentences(text)]
        word_count = sum(len(sentence.tokens) for sentence in sentences)
        hits: list[Hit] = []
        for compiled in self._rules:
            if compiled.rule.max_words is not None and word_count > compiled.rule.max_words:
                continue
            for sentence in sentences:
                span = self._first_valid_span(compiled, sentence)
                if span is not None:
                    first, last = sentence.tokens[span[0]], sentence.tokens[span[1] - 1]
                    hits.append(Hit(compiled.rule, text[first.start : last.end]))
                    break
        return hits

    def _read(self, tokens: list[Token]) -> _Sentence:
        """Look every word up once and index the sentence by lexicon stem."""
        matches = [self._lookup(token.stem, token.word) for token in tokens]
        index: dict[str, list[int]] = {}
        for position, found in enumerate(matches):
            for word in found:
                index.setdefault(word, []).append(position)
        return _Sentence(tokens, matches, index)

    def _first_valid_span(self, compiled: _CompiledRule, sentence: _Sentence) -> Span | None:
        """Return the first span of the sentence where the rule fires and is not vetoed."""
        if not compiled.may_fire(sentence):
            return None
        vetoes: list[Span] | None = None  # found on the first candidate: most rules have none
        for span, parts in self._candidates(compiled, sentence):
            if compiled.rule.negatable and self._negated(sentence.tokens, parts):
                continue
            if vetoes is None:
                vetoes = sorted(found for term in compiled.unless for found in sentence.find(term))
            if _vetoed(vetoes, span):
                continue
            return span
        return None

    def _candidates(
        self, compiled: _CompiledRule, sentence: _Sentence
    ) -> Iterable[tuple[Span, list[Span]]]:
        """Yield each match as its whole span and the spans of its parts."""
        for term in compiled.phrases:
            for found in sentence.find(term):
                yield found, [found]
        if not compiled.slots:
            return
        spans_per_slot = [
            sorted(found for term in slot for found in sentence.find(term))
            for slot in compiled.slots
        ]
        starts_per_slot = [[start for start, _ in spans] for spans in spans_per_slot]
        window = compiled.rule.window
        for anchor in spans_per_slot[0]:
            chosen = [anchor]
            for others, starts in zip(spans_per_slot[1:], starts_per_slot[1:], strict=True):
                # Only spans starting near the anchor can be within the window: bisect to them.
                low = bisect_left(starts, anchor[0] - window - _LONGEST_TERM)
                high = bisect_right(starts, anchor[1] + window)
                near = [s for s in others[low:high] if _gap(anchor, s, chosen) <= window]
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

    def _lookup_uncached(self, word: str, surface: str) -> frozenset[str]:
        """Return the lexicon stems a text word stands for, forgiving one typo or a lost space."""
        if self._is_known(word, surface) or len(surface) < FUZZY_MIN or word.isdigit():
            return frozenset({word})
        found = {target for target in self._fuzzy_targets if typo_of(word, target)}
        # Typos in an inflected form ("waitnig") defeat the stemmer: compare as written too.
        found.update(
            target for written, target in self._surface_targets if typo_of(surface, written)
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


def _compile(rule: IntentRule, policy: LexiconPolicy) -> _CompiledRule:
    """Stem a rule's terms and note the words that can start a match."""
    slots = tuple(_terms(slot) for slot in rule.slots)
    phrases = _terms(rule.phrases)
    return _CompiledRule(
        rule=rule,
        slots=slots,
        phrases=phrases,
        unless=_terms(policy.unless_terms(rule)),
        phrase_heads=frozenset(term[0] for term in phrases),
        slot_heads=tuple(frozenset(term[0] for term in slot) for slot in slots),
    )


def _vetoed(vetoes: list[Span], span: Span) -> bool:
    """Say whether a routine word sits next to the match ("cancel my *order*")."""
    low, high = span[0] - _VETO_BEFORE, span[1] + _VETO_AFTER
    first = bisect_left(vetoes, (low, 0))
    return any(end <= high for _, end in vetoes[first : bisect_right(vetoes, (high, high))])


def _gap(anchor: Span, other: Span, chosen: list[Span]) -> int:
    """Count words between two spans; overlapping spans cannot both fill a slot."""
    if any(other[0] < s[1] and s[0] < other[1] for s in chosen):
        return 10**6
    if other[0] >= anchor[1]:
        return other[0] - anchor[1]
    return anchor[0] - other[1]
