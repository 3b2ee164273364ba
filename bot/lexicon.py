"""Match intent rules against customer text, tolerant of case, inflection, typos and word order."""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from bot.own_words import inside, own_words, quoted_ranges
from bot.policy import IntentRule, LexiconPolicy
from bot.risk_text import (
    FUZZY_MIN,
    MASK_CHARS,
    PROPER_NAME,
    Token,
    plain,
    split_sentences,
    stem,
    typo_of,
)

_SUFFIX_MIN = 6  # shortest lexicon word recognised at the end of a run-together token
_SPLIT_PART = 3  # shortest half when a run-together token splits into two known words
_TOKEN_CACHE = 50_000
_LONGEST_TERM = 8  # words in the longest configured phrase a slot may hold
_VETO_BEFORE = 5  # "in which cases can I ask for a refund": the framing comes first
_VETO_AFTER = 4  # "cancel my subscription to your newsletter"
# A rule with the widest window pairs its slots anywhere in the message, across sentences:
# "I never ordered this. Why is there a payment on my card?"
MESSAGE_WIDE = 20
# A routine word does not veto across these: "deactivate my profile *and* stop all emails".
_COORDINATORS = frozenset({"and", "or", "then", "plus", "also"})
# A veto term written "?if i" applies anywhere in a sentence that asks a question.
_QUESTION_VETO = "?"
# A veto term written "~went through" applies anywhere in the sentence, across clauses, unless
# it is itself negated: "my payment was declined *but went through* on the second try" versus
# "the payment failed and never went through".
_SENTENCE_VETO = "~"
# A veto term written "^over from" applies anywhere in the message, across sentences, unless
# it is itself negated: "we're moving 8 numbers *over from* our current provider. Do I need a
# PAC for each?" brings numbers in, whichever sentence asks for the code.
_MESSAGE_VETO = "^"
_WIDE_VETOES = (_QUESTION_VETO, _SENTENCE_VETO, _MESSAGE_VETO)
# Masked swearing ("f***", "sh*t") is resolved against the words of this category's rules.
_MASKED_CATEGORY = "anger"
_PROPER = frozenset({PROPER_NAME})


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
    # Stretches between commas and coordinators ("and", "or"), which a veto cannot cross.
    segments: list[int]
    question: bool
    quoted: list[bool]
    personal: bool  # the customer names themselves ("I", "we", "our")

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
    question_unless: tuple[Term, ...]
    sentence_unless: tuple[Term, ...]
    message_unless: tuple[Term, ...]

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

    def __init__(
        self,
        policy: LexiconPolicy,
        dictionary: Iterable[str] = (),
        english: frozenset[str] = frozenset(),
    ) -> None:
        """Stem every configured term and prepare the typo-tolerant word lookup.

        `dictionary` adds real words that must never be read as typos (VADER's lexicon), and
        also never as brand names; `english` is a large list of real words that are never
        read as typos nor split in two ("batch" is no "bitch", "confirm" no "con firm").
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
        self._english = english
        self._masked_targets = tuple(
            sorted(
                {
                    (plain(word), stem(word))
                    for rule in policy.rules
                    if rule.category == _MASKED_CATEGORY
                    for entry in (*(t for slot in rule.slots for t in slot), *rule.phrases)
                    for word in entry.split()
                    if len(word) >= 3
                }
            )
        )
        self._first_person = frozenset(plain(word) for word in policy.first_person)
        self._negators = frozenset(stem(word) for word in policy.negators)
        self._passthrough = frozenset(stem(word) for word in policy.negation_passthrough)
        self._lookup: Callable[[str, str], frozenset[str]] = lru_cache(maxsize=_TOKEN_CACHE)(
            self._lookup_uncached
        )

    def match(self, text: str) -> list[Hit]:
        """Return one hit per rule that fires anywhere in the text.

        Slack markup is no one's words, and a rule that fires only inside a passage the
        customer quotes (a help article, an earlier answer) does not fire.
        """
        clean = own_words(text)
        quotes = quoted_ranges(text)
        split = [self._split_glued(tokens) for tokens in split_sentences(clean)]
        names = [self._names(clean, tokens) for tokens in split]
        sentences = [
            self._read(tokens, _asks(clean, tokens), found, quotes)
            for tokens, found in zip(split, names, strict=True)
        ]
        whole = (
            [
                self._read(
                    [t for tokens in split for t in tokens],
                    any(s.question for s in sentences),
                    [flag for found in names for flag in found],
                    quotes,
                )
            ]
            if len(sentences) > 1
            else sentences
        )
        word_count = sum(len(sentence.tokens) for sentence in sentences)
        hits: list[Hit] = []
        for compiled in self._rules:
            if compiled.rule.max_words is not None and word_count > compiled.rule.max_words:
                continue
            vetoes = compiled.message_unless
            if vetoes and whole and self._found_unnegated(vetoes, whole[0]):
                continue
            for sentence in whole if compiled.rule.window >= MESSAGE_WIDE else sentences:
                span = self._first_valid_span(compiled, sentence)
                if span is not None:
                    first, last = sentence.tokens[span[0]], sentence.tokens[span[1] - 1]
                    hits.append(Hit(compiled.rule, text[first.start : last.end]))
                    break
        return hits

    def _read(
        self,
        tokens: list[Token],
        question: bool,
        names: list[bool],
        quotes: list[tuple[int, int]],
    ) -> _Sentence:
        """Look every word up once and index the sentence by lexicon stem."""
        matches = [
            self._lookup(token.stem, token.word) | _PROPER
            if name
            else self._lookup(token.stem, token.word)
            for token, name in zip(tokens, names, strict=True)
        ]
        index: dict[str, list[int]] = {}
        for position, found in enumerate(matches):
            for word in found:
                index.setdefault(word, []).append(position)
        segments: list[int] = []
        segment = 0
        for position, token in enumerate(tokens):
            if position and (
                token.word in _COORDINATORS or token.clause != tokens[position - 1].clause
            ):
                segment += 1
            segments.append(segment)
        quoted = [inside(quotes, token.start, token.end) for token in tokens]
        personal = any(token.word in self._first_person for token in tokens)
        return _Sentence(tokens, matches, index, segments, question, quoted, personal)

    def _names(self, text: str, tokens: list[Token]) -> list[bool]:
        """Mark brand-like words: capitalised inside the sentence, in mixed case, not common.

        The first word of a sentence is capitalised anyway, and a word in capitals throughout
        is shouting or an acronym; a known English word ("Premium", "Basic") is no brand.
        """
        flags: list[bool] = []
        for position, token in enumerate(tokens):
            surface = text[token.start : token.end]
            flags.append(
                position > 0
                and surface[:1].isupper()
                and any(char.islower() for char in surface)
                and not surface.startswith(("I'", "I’"))
                and not self._is_known(token.stem, token.word)
            )
        return flags

    def _first_valid_span(self, compiled: _CompiledRule, sentence: _Sentence) -> Span | None:
        """Return the first span of the sentence where the rule fires and is not vetoed."""
        if not compiled.may_fire(sentence):
            return None
        if compiled.rule.personal and not sentence.personal:
            return None
        vetoes: list[Span] | None = None  # found on the first candidate: most rules have none
        for span, parts in self._candidates(compiled, sentence):
            if all(sentence.quoted[span[0] : span[1]]):
                continue  # the customer quotes these words, they do not say them
            if compiled.rule.negatable and self._negated(sentence.tokens, parts):
                continue
            if vetoes is None:
                if sentence.question and any(sentence.find(t) for t in compiled.question_unless):
                    return None
                if self._found_unnegated(compiled.sentence_unless, sentence):
                    return None
                vetoes = sorted(found for term in compiled.unless for found in sentence.find(term))
            if _vetoed(vetoes, span, sentence.segments):
                continue
            return span
        return None

    def _found_unnegated(self, terms: tuple[Term, ...], sentence: _Sentence) -> bool:
        """Say whether any of the terms occurs in the sentence without a negator before it."""
        return any(
            not self._negated(sentence.tokens, [found])
            for term in terms
            for found in sentence.find(term)
        )

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
        if window >= MESSAGE_WIDE:
            window = len(sentence.tokens)
        for anchor in spans_per_slot[0]:
            chosen = [anchor]
            for others, starts in zip(spans_per_slot[1:], starts_per_slot[1:], strict=True):
                # Only spans starting near the anchor can be within the window: bisect to them.
                low = bisect_left(starts, anchor[0] - window - _LONGEST_TERM)
                high = bisect_right(starts, anchor[1] + window)
                near = [s for s in others[low:high] if _gap(anchor, s, chosen) <= window]
                if compiled.rule.ordered:
                    near = [s for s in near if s[0] >= chosen[-1][1]]
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
        if MASK_CHARS & set(surface):
            return frozenset({word, *self._unmask(surface)})
        if self._is_real(word, surface) or len(surface) < FUZZY_MIN or word.isdigit():
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

    def _unmask(self, surface: str) -> set[str]:
        """Read a masked word ("f***", "sh*t", "f**king") as the swearwords it can stand for."""
        letters = surface.rstrip("s") if surface.endswith("s") else surface
        pattern = "".join(
            f"[a-z]{{1,{len(part) + 2}}}" if part[0] in MASK_CHARS else re.escape(part)
            for part in re.findall(r"[*#@$%]+|[^*#@$%]+", letters)
        )
        shape = re.compile(pattern + "(?:s|es)?")
        return {target for written, target in self._masked_targets if shape.fullmatch(written)}

    def _is_known(self, word: str, surface: str) -> bool:
        """Say whether a word is a lexicon, policy or VADER word as written or as a stem."""
        return word in self._known or surface in self._known

    def _is_real(self, word: str, surface: str) -> bool:
        """Say whether a word is real as written, so it must not be read as a typo."""
        return surface in self._english or self._is_known(word, surface)

    def _split_glued(self, sentence: list[Token]) -> list[Token]:
        """Split a run-together token whose halves are both known words ("earlyexit")."""
        out: list[Token] = []
        for token in sentence:
            surface = token.word
            halves = None
            if not self._is_real(token.stem, surface) and len(surface) >= 2 * _SPLIT_PART:
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


def _expand(
    terms: Iterable[str], policy: LexiconPolicy, where: str, seen: tuple[str, ...] = ()
) -> list[str]:
    """Replace each "@name" by the shared word family of that name, families within too."""
    out: list[str] = []
    for term in terms:
        if not term.startswith("@"):
            out.append(term)
            continue
        name = term[1:]
        if name not in policy.shared:
            raise ValueError(f"{where}: no shared list named {name!r}")
        if name in seen:
            raise ValueError(f"{where}: shared list {name!r} includes itself")
        out.extend(_expand(policy.shared[name], policy, where, (*seen, name)))
    return out


def _compile(rule: IntentRule, policy: LexiconPolicy) -> _CompiledRule:
    """Stem a rule's terms and note the words that can start a match."""
    where = f"rule {rule.name!r}"
    slots = tuple(_terms(_expand(slot, policy, where)) for slot in rule.slots)
    phrases = _terms(_expand(rule.phrases, policy, where))
    unless = _expand(rule.unless, policy, where)
    return _CompiledRule(
        rule=rule,
        slots=slots,
        phrases=phrases,
        unless=_terms(t for t in unless if not t.startswith(_WIDE_VETOES)),
        question_unless=_terms(
            t[len(_QUESTION_VETO) :] for t in unless if t.startswith(_QUESTION_VETO)
        ),
        sentence_unless=_terms(
            t[len(_SENTENCE_VETO) :] for t in unless if t.startswith(_SENTENCE_VETO)
        ),
        message_unless=_terms(
            t[len(_MESSAGE_VETO) :] for t in unless if t.startswith(_MESSAGE_VETO)
        ),
        phrase_heads=frozenset(term[0] for term in phrases),
        slot_heads=tuple(frozenset(term[0] for term in slot) for slot in slots),
    )


def _asks(text: str, tokens: list[Token]) -> bool:
    """Say whether a sentence ends in a question mark."""
    tail = text[tokens[-1].end : tokens[-1].end + 8].lstrip(" \"')*")
    return tail.startswith("?")


def _vetoed(vetoes: list[Span], span: Span, segments: list[int]) -> bool:
    """Say whether a routine word sits next to the match ("cancel my *order*").

    The routine word must share a stretch of the sentence with the match: it does not reach
    across a comma or an "and" ("deactivate my profile and stop all emails").
    """
    low, high = span[0] - _VETO_BEFORE, span[1] + _VETO_AFTER
    first = bisect_left(vetoes, (low, 0))
    covered = set(segments[span[0] : span[1]])
    return any(
        end <= high and not covered.isdisjoint(segments[start:end])
        for start, end in vetoes[first : bisect_right(vetoes, (high, high))]
    )


def _gap(anchor: Span, other: Span, chosen: list[Span]) -> int:
    """Count words between two spans; overlapping spans cannot both fill a slot."""
    if any(other[0] < s[1] and s[0] < other[1] for s in chosen):
        return 10**6
    if other[0] >= anchor[1]:
        return other[0] - anchor[1]
    return anchor[0] - other[1]
