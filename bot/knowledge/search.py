"""Hybrid search over knowledge-base sections, with a calibrated chance that it found the answer.

Each article is scored from its best section on five features: lexical (BM25, relative to the
best section of the question), semantic (cosine of static sentence embeddings, for the section
and for the article's title and tags), coverage (IDF-weighted share of the question's words the
article holds) and places (the question names a country the article covers). A logistic model
calibrated on a labelled set of questions weighs them into a ranking score, and a second one
turns the top article's features into the probability that it answers the question.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

import bm25s
import numpy as np
from rapidfuzz import fuzz, process

from bot.knowledge.articles import Article, Section, load_articles, split_sections
from bot.knowledge.calibration import AnsweringModel
from bot.knowledge.places import Gazetteer, Place, gazetteer
from bot.knowledge.query import clean_question
from bot.knowledge.semantic import Embedder, packaged_embedder
from bot.knowledge.text import STOPWORDS, stem, tokenize, words
from bot.models import Passage

EVERYWHERE = "*"
RANK_FEATURES = (
    "lexical",
    "article_lexical",
    "section_similarity",
    "sentence_similarity",
    "article_similarity",
    "coverage",
    "place",
)
ANSWER_FEATURES = (
    "rank_score",
    "coverage",
    "section_similarity",
    "lexical_raw",
    "known_words",
    "place",
)
# A word the knowledge base lacks is read as its closest word there when this similar (rapidfuzz
# ratio, 0..100) and long enough to be a typo rather than another word ("normaly", "accross").
TYPO_SIMILARITY = 85
# A question is searched on its first characters: the question sits at the top, and a pasted log
# must not cost seconds of typo correction.
MAX_QUESTION_CHARS = 1000
SPELLING_CACHE_SIZE = 10_000
TYPO_MIN_LENGTH = 5


@dataclass(frozen=True)
class SearchResult:
    """The best section of the best articles, and how likely the first one answers."""

    passages: tuple[Passage, ...]
    coverage: float  # 0..1: IDF-weighted share of the question's words the best article holds
    confidence: float = 0.0  # 0..1: calibrated chance that the first passage answers
    question: str = ""  # the question as searched: greetings, names and markup removed
    places: tuple[str, ...] = ()  # countries the question names ("Spain", "Lisbon → Portugal")
    features: tuple[tuple[str, float], ...] = ()  # what the confidence was computed from

    @property
    def best(self) -> Passage | None:
        """The top passage, if anything matched at all."""
        return self.passages[0] if self.passages else None


@dataclass(frozen=True)
class _Candidate:
    article: Article
    section: Section
    features: dict[str, float]
    score: float


class KnowledgeBase:
    """Sections of every article, indexed for BM25 and embedded once at start-up."""

    def __init__(
        self,
        articles: list[Article],
        *,
        embedder: Embedder | None = None,
        places: Gazetteer | None = None,
        model: AnsweringModel | None = None,
    ) -> None:
        """Index the articles; the embedder, gazetteer and model default to the shipped ones."""
        self.articles = {article.article_id: article for article in articles}
        self._embedder = embedder or packaged_embedder()
        self._places = places or gazetteer()
        self._model = model or AnsweringModel.shipped()
        self._sections = [s for article in articles for s in split_sections(article)]
        corpus = [tokenize(_indexed_text(s)) for s in self._sections] or [[""]]
        self._bm25 = _bm25(corpus)
        self._article_bm25 = _bm25([tokenize(f"{_describe(a)} {a.body}") for a in articles])
        embed = self._embedder.embed_remembered
        self._section_vectors = embed([_embedded_text(s) for s in self._sections])
        # Each sentence or list item on its own too: a long section's average hides the one
        # sentence that answers.
        units = [(i, unit) for i, s in enumerate(self._sections) for unit in _sentences(s)]
        self._unit_section = np.array([i for i, _ in units], dtype=np.int64)
        self._unit_vectors = embed([f"{self._sections[i].heading} {unit}" for i, unit in units])
        self._article_vectors = embed([_describe(a) for a in articles])
        row = {a.article_id: i for i, a in enumerate(articles)}
        self._section_article = np.array([row[s.article.article_id] for s in self._sections])
        self._article_terms = {
            a.article_id: set(tokenize(f"{a.title} {' '.join(a.tags + a.aliases)} {a.body}"))
            for a in articles
        }
        documents = len(articles) or 1
        frequency: dict[str, int] = {}
        for terms in self._article_terms.values():
            for term in terms:
                frequency[term] = frequency.get(term, 0) + 1
        self._idf = {t: math.log(1 + documents / n) for t, n in frequency.items()}
        self._unknown_idf = math.log(1 + documents)
        self._vocabulary = {word for s in self._sections for word in words(_indexed_text(s))}
        self._vocabulary_list = sorted(self._vocabulary)
        self._spelled: dict[str, str] = {}  # unknown word -> the closest known one, or itself
        self._known_terms = set().union(*self._article_terms.values()) if articles else set()
        self._claimed = {code for a in articles for code in a.countries if code != EVERYWHERE}

    @classmethod
    def from_folder(cls, folder: Path) -> KnowledgeBase:
        """Load and index a folder of Markdown articles."""
        if not folder.is_dir():
            raise FileNotFoundError(f"knowledge base folder not found: {folder}")
        return cls(load_articles(folder))

    def __len__(self) -> int:
        return len(self.articles)

    def search(self, question: str, *, limit: int = 3) -> SearchResult:
        """Rank articles by their best section; at most one passage per article."""
        cleaned = clean_question(question)[:MAX_QUESTION_CHARS]
        places = self._places.find(cleaned)
        terms = self._terms(cleaned, places)
        if not terms or not self._sections:
            return SearchResult((), 0.0, 0.0, cleaned)
        candidates = self._candidates(cleaned, terms, places)
        if not candidates:
            return SearchResult((), 0.0, 0.0, cleaned)
        top = candidates[0]
        # No margin to the runner-up: closely related articles (EU and world roaming) make it
        # small exactly when the answer is good.
        answer_features = {
            "rank_score": top.score,
            "coverage": top.features["coverage"],
            "section_similarity": top.features["section_similarity"],
            "lexical_raw": top.features["lexical_raw"],
            "known_words": self._known_share(_without_places(terms, places)),
            "place": top.features["place"],
        }
        confidence = self._model.answerable.probability(answer_features)
        passages = tuple(_passage(c) for c in candidates[:limit])
        return SearchResult(
            passages=passages,
            coverage=top.features["coverage"],
            confidence=confidence,
            question=cleaned,
            places=tuple(_place_label(p) for p in places),
            features=tuple((name, round(answer_features[name], 4)) for name in ANSWER_FEATURES),
        )

    def rank_features(self, question: str) -> list[tuple[str, dict[str, float]]]:
        """Every article's ranking features for a question (for calibration and benchmarks)."""
        cleaned = clean_question(question)[:MAX_QUESTION_CHARS]
        places = self._places.find(cleaned)
        terms = self._terms(cleaned, places)
        if not terms:
            return []
        return [
            (c.article.article_id, c.features) for c in self._candidates(cleaned, terms, places)
        ]

    def _candidates(self, cleaned: str, terms: list[str], places: list[Place]) -> list[_Candidate]:
        """Score every section at once; each article is represented by its best section."""
        lexical_raw = np.asarray(self._bm25.get_scores(terms), dtype=np.float64)
        lexical = lexical_raw / (float(lexical_raw.max()) or 1.0)
        query_vector = self._embedder.embed([cleaned])[0]
        section_similarity = self._section_vectors @ query_vector
        sentence_similarity = np.full(len(self._sections), -1.0)
        np.maximum.at(sentence_similarity, self._unit_section, self._unit_vectors @ query_vector)
        codes = {p.country_code for p in places}
        article_lexical = np.asarray(self._article_bm25.get_scores(terms), dtype=np.float64)
        per_article = {
            "article_lexical": article_lexical / (float(article_lexical.max()) or 1.0),
            "article_similarity": self._article_vectors @ query_vector,
            "coverage": self._coverages(_without_places(terms, places)),
            "place": np.array([self._place_match(a, codes) for a in self.articles.values()]),
        }
        columns = {
            "lexical": lexical,
            "lexical_raw": np.log1p(lexical_raw),
            "section_similarity": section_similarity,
            "sentence_similarity": sentence_similarity,
            **{name: values[self._section_article] for name, values in per_article.items()},
        }
        weights = self._model.ranker
        scores = weights.bias + sum(
            weight * columns[name] for name, weight in weights.weights.items() if name in columns
        )
        best: dict[str, int] = {}
        for i in np.argsort(-np.asarray(scores), kind="stable"):
            best.setdefault(self._sections[i].article.article_id, int(i))
        return [
            _Candidate(
                self._sections[i].article,
                self._sections[i],
                {name: float(values[i]) for name, values in columns.items()},
                float(scores[i]),
            )
            for i in best.values()
        ]

    def _terms(self, cleaned: str, places: list[Place]) -> list[str]:
        """The question's stemmed words, typos read as the knowledge base's closest word."""
        corrected = [self._spell(word) for word in words(cleaned)]
        return tokenize(" ".join([*corrected, *(p.country_name for p in places)]))

    def _spell(self, word: str) -> str:
        if len(word) < TYPO_MIN_LENGTH or word in self._vocabulary or word in STOPWORDS:
            return word
        if stem(word) in self._known_terms:
            return word
        spelled = self._spelled.get(word)
        if spelled is None:
            match = process.extractOne(
                word, self._vocabulary_list, scorer=fuzz.ratio, score_cutoff=TYPO_SIMILARITY
            )
            spelled = str(match[0]) if match else word
            if len(self._spelled) >= SPELLING_CACHE_SIZE:
                self._spelled.clear()
            self._spelled[word] = spelled
        return spelled

    def _known_share(self, terms: list[str]) -> float:
        """IDF-weighted share of the question's words found anywhere in the knowledge base."""
        weights = {t: self._idf.get(t, self._unknown_idf) for t in set(terms)}
        total = sum(weights.values())
        return (
            sum(w for t, w in weights.items() if t in self._known_terms) / total if total else 0.0
        )

    def _coverages(self, terms: list[str]) -> np.ndarray:
        """Every article's IDF-weighted share of the question's words, at once."""
        unique = list(dict.fromkeys(terms))
        weights = np.array([self._idf.get(t, self._unknown_idf) for t in unique])
        held = np.array([[t in self._article_terms[a] for t in unique] for a in self.articles])
        total = float(weights.sum())
        return held @ weights / total if total else np.zeros(len(self.articles))

    def _place_match(self, article: Article, codes: set[str]) -> float:
        if not codes or not article.countries:
            return 0.0
        if codes & set(article.countries):
            return 1.0
        if EVERYWHERE in article.countries and codes - self._claimed:
            return 1.0
        return 0.0


def _without_places(terms: list[str], places: list[Place]) -> list[str]:
    """The question's words less the places it names, which the place feature weighs instead."""
    named = set(tokenize(" ".join(f"{p.name} {p.country_name}" for p in places)))
    return [term for term in terms if term not in named] or terms


def _bm25(corpus: list[list[str]]) -> bm25s.BM25:
    """A BM25 index over tokenised documents (sparse matrices: a question costs microseconds)."""
    index = bm25s.BM25()
    index.index(corpus or [[""]], show_progress=False)
    return index


def _indexed_text(section: Section) -> str:
    article = section.article
    # The title counts twice: it names the article's subject in the fewest words.
    extra = " ".join(article.tags + article.aliases)
    return f"{article.title} {article.title} {extra} {section.heading} {section.body}"


def _sentences(section: Section) -> list[str]:
    """The section's list items, or its sentences."""
    if section.items:
        return list(section.items)
    parts = [p.strip() for p in re.split(r"(?<=[.!?])\s+(?=[A-Z0-9\"(])", section.body)]
    return [p for p in parts if p] or [section.body]


def _embedded_text(section: Section) -> str:
    return f"{section.article.title}. {section.heading}. {section.body}"


def _describe(article: Article) -> str:
    """Title, tags, aliases, lead-in headings and the opening paragraph: what it is about."""
    sections = split_sections(article)
    headings = dict.fromkeys(s.heading for s in sections if s.heading)
    opening = sections[0].body if sections and not sections[0].heading else ""
    return ". ".join([article.title, " ".join(article.tags + article.aliases), *headings, opening])


def _place_label(place: Place) -> str:
    if place.name.lower() == place.country_name.lower():
        return place.country_name
    return f"{place.name} ({place.country_name})"


def _passage(candidate: _Candidate) -> Passage:
    section = candidate.section
    return Passage(
        article_id=candidate.article.article_id,
        title=candidate.article.title,
        url=candidate.article.url,
        text=section.text,
        heading=section.heading,
        body=section.body,
        items=section.items,
        score=round(candidate.score, 4),
    )
