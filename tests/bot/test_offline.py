"""The offline engine's reply: the answering section, the customer's plan, never a bare heading."""

from __future__ import annotations

import pytest

from bot.engine import DraftRequest
from bot.knowledge import KnowledgeBase, default_kb_dir
from bot.offline import OfflineEngine, answer_from
from bot.tools import Toolbox


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.from_folder(default_kb_dir())


def _request(kb: KnowledgeBase, question: str, plan: str | None = None) -> DraftRequest:
    account = {"plan": plan} if plan else None
    return DraftRequest(
        question=question, channel_id="C_X", search=kb.search(question), account=account
    )


async def test_the_customers_plan_is_named_when_the_section_compares_plans(
    kb: KnowledgeBase,
) -> None:
    engine = OfflineEngine(Toolbox.from_files())
    question = "how much data do we get when roaming in Spain before extra charges?"

    draft = await engine.draft(_request(kb, question, plan="Business Plus"))

    assert "Your lines are on *Business Plus*." in draft.text
    assert draft.facts == ("plan: Business Plus",)


async def test_a_plan_the_section_does_not_mention_is_left_out(kb: KnowledgeBase) -> None:
    engine = OfflineEngine(Toolbox.from_files())

    draft = await engine.draft(_request(kb, "how long is a PAC code valid?", plan="Business Plus"))

    assert "Your lines are on" not in draft.text and draft.facts == ()


def test_numbered_steps_are_quoted_whole(kb: KnowledgeBase) -> None:
    article = kb.articles["esim-activation"]
    best = kb.search(f"{article.title} getting an eSIM steps for admins").best
    assert best is not None

    reply = answer_from(best)

    assert "> 1." in reply and "> 2." in reply and "> 3." in reply
