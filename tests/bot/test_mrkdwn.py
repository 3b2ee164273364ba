"""What a model writes is disarmed before it can reach a customer channel."""

from __future__ import annotations

from bot.mrkdwn import sanitize_model_mrkdwn

KB = frozenset({"https://help.brightwave.example/articles/roaming-eu-uk"})


def test_special_mentions_become_plain_text() -> None:
    text = sanitize_model_mrkdwn("<!channel> <!here> <!subteam^S1> <@U1> hi", allowed_urls=KB)

    assert "<!" not in text and "<@" not in text and "hi" in text


def test_only_links_to_grounding_articles_survive() -> None:
    text = sanitize_model_mrkdwn(
        "See <https://help.brightwave.example/articles/roaming-eu-uk|Roaming> and "
        "<https://evil.example/reset|Reset your password>.",
        allowed_urls=KB,
    )

    assert "<https://help.brightwave.example/articles/roaming-eu-uk|Roaming>" in text
    assert "evil.example" not in text and "Reset your password" in text
