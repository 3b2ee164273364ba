"""Words of a question and of an article, as search compares them.

One tokeniser and one stemmer (Snowball's English) serve retrieval, coverage and the similar-case
look-up, so "charge", "charged" and "charges" meet wherever words are compared.
"""

from __future__ import annotations

import re
from functools import lru_cache

import snowballstemmer

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "do",
        "does",
        "did",
        "for",
        "from",
        "have",
        "has",
        "had",
        "how",
        "i",
        "i'm",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "it's",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "please",
        "so",
        "that",
        "the",
        "their",
        "them",
        "there",
        "this",
        "to",
        "us",
        "was",
        "we",
        "what",
        "when",
        "where",
        "which",
        "who",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "there's",
        "can't",
        "cannot",
        "dont",
        "don't",
        "im",
        "ive",
        "i've",
        "any",
        "some",
        "just",
        "also",
        "get",
        "got",
        "need",
        "want",
    ]
)


@lru_cache(maxsize=1)
def _stemmer() -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of one lower-case word."""
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-case words of a text, unstemmed, stopwords included."""
    return _WORD.findall(text.lower())


def tokenize(text: str) -> list[str]:
    """Lower-case content words, stemmed so "calls" finds "call"."""
    return [stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]
