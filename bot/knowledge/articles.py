"""Markdown articles and the sections they are answered from.

A section is what a support agent would quote: a paragraph, or a lead-in line ("Getting a porting
code (PAC):") with the list that follows it, or everything under a Markdown heading. Each keeps
its heading path, so a bare heading is never a passage of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LIST_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")
_TABLE_ROW = re.compile(r"^\s*\|")


def default_kb_dir() -> Path:
    """The shipped sample knowledge base (a telecom provider)."""
    return Path(__file__).resolve().parent.parent / "data" / "kb"


@dataclass(frozen=True)
class Article:
    """One Markdown article with its front matter.

    `countries` lists the ISO codes of the places the article covers, or `*` for every country
    no other article claims; `aliases` are extra words the article should be found by.
    """

    article_id: str
    title: str
    url: str
    body: str
    tags: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Section:
    """A piece of an article that can answer a question on its own."""

    article: Article
    headings: tuple[str, ...]  # the lead-in lines or Markdown headings above the body
    body: str
    items: tuple[str, ...] = field(default=())  # list items, when the body is a list

    @property
    def heading(self) -> str:
        """The heading path, innermost last ("" for the article's opening paragraphs)."""
        return " › ".join(self.headings)

    @property
    def text(self) -> str:
        """The section as one passage: its heading line, then the body."""
        return f"{self.headings[-1]}\n{self.body}" if self.headings else self.body


def _as_strings(value: object) -> tuple[str, ...]:
    if value is False:
        return ("NO",)  # YAML 1.1 reads an unquoted NO (Norway) as false
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for element in value for item in _as_strings(element))
    if value is None:
        return ()
    return (str(value),)


def load_articles(folder: Path) -> list[Article]:
    """Read every `*.md` file of a folder; a file without a title uses its name."""
    articles = []
    for path in sorted(folder.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        meta: dict[str, object] = {}
        match = _FRONT_MATTER.match(raw)
        if match:
            loaded = yaml.safe_load(match.group(1))
            meta = loaded if isinstance(loaded, dict) else {}
            raw = raw[match.end() :]
        articles.append(
            Article(
                article_id=path.stem,
                title=str(meta.get("title") or path.stem.replace("-", " ").capitalize()),
                url=str(meta.get("url") or ""),
                body=raw.strip(),
                tags=_as_strings(meta.get("tags")),
                aliases=_as_strings(meta.get("aliases")),
                countries=tuple(code.upper() for code in _as_strings(meta.get("countries"))),
            )
        )
    return articles


def split_sections(article: Article) -> list[Section]:
    """Cut an article into sections at blank lines, keeping lead-ins and headings with bodies."""
    sections: list[Section] = []
    headings: list[tuple[int, str]] = []  # (level, text); lead-in lines are level 7
    for block in re.split(r"\n\s*\n", article.body):
        block = block.strip()
        if not block:
            continue
        heading = _HEADING.match(block) if "\n" not in block else None
        if heading:
            level = len(heading.group(1))
            headings = [h for h in headings if h[0] < level] + [(level, heading.group(2))]
            continue
        lines = block.splitlines()
        if len(lines) == 1 and block.endswith(":") and not _LIST_ITEM.match(block):
            headings = [h for h in headings if h[0] < 7] + [(7, block.rstrip(":").strip())]
            continue
        is_list = all(_LIST_ITEM.match(line) or line.startswith(" ") for line in lines)
        is_table = all(_TABLE_ROW.match(line) for line in lines)
        items = tuple(line.strip() for line in lines) if is_list and not is_table else ()
        # A lead-in line governs what follows it until the next lead-in or heading.
        sections.append(Section(article, tuple(text for _, text in headings), block, items))
    return sections or [Section(article, (), article.body)]
