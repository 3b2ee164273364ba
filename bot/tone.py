"""Read anger and frustration from how a customer writes: sentiment, shouting, punctuation."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

from bot.policy import TonePolicy
from bot.risk_text import stem

_WORD = re.compile(r"[A-Za-z]{2,}")
_WORDS_SHOWN = 8
_TREND_SHOWN = 4
_VADER_MAX_CHARS = 2000
# Swearing next to praise is emphasis, not anger ("Damn good service"): a word of praise must
# sit right beside it, and the rest of the message read positive with no negative word and no
# sign of sarcasm ("fucking great, another outage").
_PRAISE_WORDS = frozenset(
    [
        "good",
        "great",
        "brilliant",
        "amazing",
        "awesome",
        "excellent",
        "fantastic",
        "superb",
        "lovely",
        "nice",
        "perfect",
        "love",
        "loved",
        "impressive",
        "impressed",
        "quick",
        "fast",
        "speedy",
        "helpful",
        "thanks",
        "thank",
        "cheers",
        "wonderful",
        "legend",
        "legends",
        "genius",
        "outstanding",
        "incredible",
        "smooth",
        "easy",
        "happy",
        "pleased",
    ]
)
_INTENSIFIERS = frozenset({"so", "very", "really", "pretty", "well", "too"})
_PRAISE_MIN = 0.3
_SARCASM = re.compile(r"\b(?:again|another|as usual|nothing|yeah right|not)\b", re.IGNORECASE)
# Words saying the matter is settled: "frustrated at first, but it's sorted now, thanks".
_SETTLED_WORDS = _PRAISE_WORDS | frozenset(
    {"sorted", "fixed", "resolved", "solved", "working", "works", "appreciated", "appreciate"}
)
_SETTLED_MIN = 0.3
# Technical senses of words VADER reads as violent or grim ("kill the process", "a killer
# feature", "dead pixel", "fatal error", "drop the table"): they are blanked before scoring.
_TECH_OBJECT = (
    r"(?:process(?:es)?|apps?|applications?|tasks?|sessions?|tabs?|jobs?|scripts?|programs?"
    r"|instances?|threads?|quer(?:y|ies)|connections?|containers?|servers?|daemons?|pids?"
    r"|switch(?:es)?|services?|workers?|pods?|vms?|windows?)"
)
_TECH_MODIFIER = (
    r"(?:the|a|an|this|that|these|those|all|my|our|any|every|each|stuck|running|hung|frozen"
    r"|old|background|other|open|active|idle|zombie|rogue|\w+ing)"
)
_TECHNICAL = re.compile(
    rf"\bkill(?:s|ed|ing)?\b(?=(?:\s+{_TECH_MODIFIER}){{0,2}}\s+{_TECH_OBJECT}\b)"
    r"|\bkill(?=[\s-]switch)"
    r"|\bkiller\b"
    r"|\bdead\b(?=\s+(?:pixels?|zones?|spots?|links?|batter(?:y|ies)|keys?|ends?)\b)"
    # a device that stopped working: "the battery is dead", "my phone went dead"; the device
    # and its verb are kept, only "dead" goes
    r"|(?P<keep>\b(?:battery|phone|line|screen|router|laptop|modem|tablet|device|charger"
    r"|remote|speaker|mouse|keyboard|handset|headset|hub|socket|port|sim|card|watch|it)"
    r"\s+(?:is|was|went|seems|keeps going|has gone)\s+(?:completely\s+|totally\s+)?)dead\b"
    r"|\bfatal\b(?=\s+(?:errors?|exceptions?)\b)"
    r"|(?<=\bkernel )panic"
    r"|(?<=\bddos )attacks?\b"
    r"|\bdrop(?:s|ped|ping)?\b(?=\s+(?:the\s+|a\s+)?(?:tables?|columns?|databases?|index"
    r"|indexes|schemas?|rows?)\b)",
    re.IGNORECASE,
)
_TECHNICAL_HINT = re.compile(r"kill|dead|fatal|panic|attack|drop", re.IGNORECASE)
# A lost or stolen device is a security errand ("block a stolen handset", "my phone was lost
# on the train"): VADER reads "stolen" and "lost" as grim, but the customer reports a fact.
# The word goes; the device and its verb stay, so real anger beside it still counts.
_DEVICE = (
    r"(?:phones?|handsets?|mobiles?|sims?|sim cards?|devices?|laptops?|tablets?|ipads?"
    r"|iphones?|routers?|dongles?|smartphones?)"
)
_MISLAID = re.compile(
    rf"\b(?:stolen|lost|missing|nicked|mislaid)\b(?=\s+(?:\w+\s+)?{_DEVICE}\b)"
    rf"|(?P<keep>\b{_DEVICE}\s+(?:\w+\s+)?(?:is|was|were|got|has been|have been|had been|"
    r"went|gone|been)\s+)(?:stolen|lost|missing|nicked|mislaid)\b",
    re.IGNORECASE,
)
_MISLAID_HINT = re.compile(r"stolen|lost|missing|nicked|mislaid", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ToneSignal:
    """Describe one tone cue: its category, evidence and strength (share of the category weight)."""

    category: str
    evidence: str
    strength: float


class ToneReader:
    """Score tone cues of a message and of the thread it belongs to; holds the VADER analyzer."""

    def __init__(self, policy: TonePolicy) -> None:
        """Load VADER's lexicon once, since it is the slow part."""
        self._policy = policy
        self._vader = SentimentIntensityAnalyzer()

    @property
    def dictionary(self) -> frozenset[str]:
        """Return the words VADER knows, all of them real English words."""
        return frozenset(self._vader.lexicon)

    def compound(self, text: str) -> float:
        """Return VADER's compound sentiment in [-1, 1], technical senses of grim words aside."""
        # VADER's cost grows with the square of the length: read the opening only.
        opening = text[:_VADER_MAX_CHARS]
        if _TECHNICAL_HINT.search(opening):  # cheap test first: most messages have none
            opening = _TECHNICAL.sub(_blank, opening)
        if _MISLAID_HINT.search(opening):
            opening = _MISLAID.sub(_blank, opening)
        return float(self._vader.polarity_scores(opening)["compound"])

    def settled(self, text: str) -> bool:
        """Say whether a message reads content overall: thanks or a fix, positive, no sarcasm.

        An angry or frustrated word in such a message tells of the past or of oneself ("I was
        frustrated with the setup but your guide sorted it, thanks!").
        """
        words = {word.lower() for word in _WORD.findall(text)}
        if words.isdisjoint(_SETTLED_WORDS) or _SARCASM.search(text):
            return False
        return self.compound(text) >= _SETTLED_MIN

    def praises(self, text: str, words: str) -> bool:
        """Say whether `words` (a swearword, say) sit next to praise in a positive message."""
        at = text.find(words)
        if at < 0:
            return False
        before = [word.lower() for word in _WORD.findall(text[:at])[-1:]]
        after = [word.lower() for word in _WORD.findall(text[at + len(words) :])[:2]]
        if after[:1] and after[0] in _INTENSIFIERS:
            after = after[1:]
        # The swearword intensifies the praise beside it: "damn good", "great bloody job".
        if not any(word in _PRAISE_WORDS for word in (*before, *after[:1])):
            return False
        rest = text[:at] + " " + text[at + len(words) :]
        if _SARCASM.search(rest):
            return False
        scores = self._vader.polarity_scores(rest[:_VADER_MAX_CHARS])
        return float(scores["compound"]) >= _PRAISE_MIN and float(scores["neg"]) == 0.0

    def read(self, text: str, earlier: Sequence[str] = ()) -> list[ToneSignal]:
        """Return every tone cue found in the message and in its thread's trend."""
        compound = self.compound(text)
        signals: list[ToneSignal] = []
        if compound <= self._policy.anger_compound:
            # The more negative, the stronger: |compound| of the anger weight.
            signals.append(ToneSignal("anger", f"VADER compound {compound:.2f}", -compound))
        for found in (self._shouting(text), self._punctuation(text)):
            if found is not None:
                signals.append(ToneSignal("frustration", found, 1.0))
        if earlier:
            for found in (self._trend(earlier, compound), self._repeat(text, earlier)):
                if found is not None:
                    signals.append(ToneSignal("frustration", found, 1.0))
        return signals

    def _shouting(self, text: str) -> str | None:
        """Spot a message written mostly in capitals, ignoring short acronyms."""
        words = _WORD.findall(text)
        loud = [word for word in words if word.isupper() and len(word) >= 3]
        shouted = [word for word in words if word.isupper()]
        if len(loud) < self._policy.shouting_min_words:
            return None
        if len(shouted) / len(words) < self._policy.shouting_ratio:
            return None
        return "ALL CAPS: " + " ".join(shouted[:_WORDS_SHOWN])

    def _punctuation(self, text: str) -> str | None:
        """Spot runs of exclamation or question marks ("!!!", "?!?")."""
        run = self._policy.punctuation_run
        found = re.search(rf"[!?]{{{run},}}", text)
        return f'repeated punctuation "{found.group()}"' if found else None

    def _trend(self, earlier: Sequence[str], compound: float) -> str | None:
        """Spot sentiment that has turned or stayed negative across the thread."""
        floor = self._policy.trend_floor
        if compound > floor:
            return None
        history = [self.compound(text) for text in earlier]
        dropped = max(history) - compound >= self._policy.trend_drop
        persisting = any(value <= floor for value in history[-2:])
        if not (dropped or persisting):
            return None
        shown = [*history[-(_TREND_SHOWN - 1) :], compound]
        path = " → ".join(f"{value:.2f}" for value in shown)
        return f"sentiment {path} over {len(history) + 1} messages"

    def _repeat(self, text: str, earlier: Sequence[str]) -> str | None:
        """Spot a customer repeating an earlier message, a sign the answer did not help."""
        current = _stems(text)
        if len(current) < 3:
            return None
        repeats = sum(
            1
            for before in earlier
            if _jaccard(current, _stems(before)) >= self._policy.repeat_similarity
        )
        return f"same question asked {repeats + 1} times" if repeats else None


def _blank(found: re.Match[str]) -> str:
    """Drop the grim word of a technical phrase, keeping any words matched around it."""
    return found.group("keep") or ""


def _stems(text: str) -> frozenset[str]:
    """Return the set of word stems of a text."""
    return frozenset(stem(word) for word in _WORD.findall(text))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Return the overlap of two word sets."""
    return len(a & b) / len(a | b) if a | b else 0.0
