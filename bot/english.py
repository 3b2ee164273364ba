"""Know which words are real English, so a typo-tolerant matcher never rewrites one."""

from __future__ import annotations

from functools import lru_cache

from spellchecker import SpellChecker


@lru_cache(maxsize=4)
def english_words(min_count: int) -> frozenset[str]:
    """Return the words of pyspellchecker's English frequency list seen at least `min_count` times.

    The list counts words in a large corpus of subtitles; rare entries include misspellings
    ("cancelation"), so a floor keeps only words people really write that way.
    """
    counts = SpellChecker(language="en", distance=1).word_frequency.dictionary
    return frozenset(word for word, count in counts.items() if count >= min_count)
