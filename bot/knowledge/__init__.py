"""The knowledge base: articles cut into sections, searched by words, meaning and places."""

from bot.knowledge.articles import Article, Section, default_kb_dir, load_articles
from bot.knowledge.search import KnowledgeBase, SearchResult
from bot.knowledge.text import STOPWORDS, tokenize

__all__ = [
    "STOPWORDS",
    "Article",
    "KnowledgeBase",
    "SearchResult",
    "Section",
    "default_kb_dir",
    "load_articles",
    "tokenize",
]
