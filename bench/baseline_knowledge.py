"""The knowledge search as it was before sections and calibration: BM25 over passages, raw coverage.

Kept only so `bench/answering.py` can print today's figures beside the old engine's in one run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from rank_bm25 import BM25Okapi

from bot.knowledge.articles import Article
from bot.knowledge.text import STOPWORDS
from bot.models import Passage

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-case content words, lightly stemmed so "calls" finds "call"."""
    return [_stem(word) for word in _WORD.findall(text.lower()) if word not in STOPWORDS]


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)]
            break
    # "charge", "charged" and "charges" all become "charg".
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


@dataclass(frozen=True)
class SearchResult:
    """The best passages for a question and how much of the question they cover."""

    passages: tuple[Passage, ...]
    coverage: float  # 0..1: IDF-weighted share of the question's words the best article holds

    @property
    def best(self) -> Passage | None:
        """The top passage, if anything matched at all."""
        return self.passages[0] if self.passages else None


def _split_passages(article: Article) -> list[str]:
    """Cut an article at blank lines into passages of a few sentences, headings kept with text."""
    passages: list[str] = []
    pending_heading = ""
    for block in re.split(r"\n\s*\n", article.body):
        block = block.strip()
        if not block:
            continue
        if block.startswith("#") and "\n" not in block:
            pending_heading = block.lstrip("# ").strip()
            continue
        passages.append(f"{pending_heading}: {block}" if pending_heading else block)
        pending_heading = ""
    return passages or [article.body]


class KnowledgeBase:
    """BM25 over passages, with the article title folded into every passage's terms."""

    def __init__(self, articles: list[Article]) -> None:
        self.articles = {article.article_id: article for article in articles}
        self._passages: list[tuple[Article, str]] = [
            (article, passage) for article in articles for passage in _split_passages(article)
        ]
        corpus = [tokenize(f"{a.title} {a.title} {text}") for a, text in self._passages] or [[""]]
        self._index = BM25Okapi(corpus)
        self._passage_terms = [set(terms) for terms in corpus]
        self._article_terms = {a.article_id: set(tokenize(f"{a.title} {a.body}")) for a in articles}
        documents = len(self._article_terms) or 1
        frequency: dict[str, int] = {}
        for terms in self._article_terms.values():
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        self._idf = {t: math.log(1 + documents / n) for t, n in frequency.items()}
        self._unknown_idf = math.log(1 + documents)

    def __len__(self) -> int:
        return len(self.articles)

    def search(self, question: str, *, limit: int = 3) -> SearchResult:
        """Rank passages for a question; at most one passage per article."""
        terms = tokenize(question)
        if not terms or not self._passages:
            return SearchResult((), 0.0)
        scores = self._index.get_scores(terms)
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        chosen: list[Passage] = []
        seen: set[str] = set()
        for i in ranked:
            article, text = self._passages[i]
            # BM25's IDF turns negative in tiny bases, so "matched" means sharing a word.
            if article.article_id in seen or not self._passage_terms[i].intersection(terms):
                continue
            seen.add(article.article_id)
            chosen.append(
                Passage(
                    article_id=article.article_id,
                    title=article.title,
                    url=article.url,
                    text=text,
                    score=float(scores[i]),
                )
            )
            if len(chosen) == limit:
                break
        coverage = self._coverage(terms, chosen[0].article_id) if chosen else 0.0
        return SearchResult(tuple(chosen), coverage)

    def _coverage(self, terms: list[str], article_id: str) -> float:
        held = self._article_terms[article_id]
        weights = {t: self._idf.get(t, self._unknown_idf) for t in set(terms)}
        total = sum(weights.values())
        return sum(w for t, w in weights.items() if t in held) / total if total else 0.0
