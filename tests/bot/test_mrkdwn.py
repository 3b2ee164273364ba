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


def test_bare_and_markdown_links_outside_the_knowledge_base_are_removed() -> None:
    text = sanitize_model_mrkdwn(
        "Reset it at https://evil.example/reset, or [here](http://evil.example/x) or "
        "www.evil.example/login. Details: https://help.brightwave.example/articles/roaming-eu-uk.",
        allowed_urls=KB,
    )

    assert "evil.example" not in text
    assert "here" in text
    assert text.endswith("Details: https://help.brightwave.example/articles/roaming-eu-uk.")


def test_markdown_link_to_an_article_becomes_a_slack_link() -> None:
    text = sanitize_model_mrkdwn(
        "See [Roaming](https://help.brightwave.example/articles/roaming-eu-uk).", allowed_urls=KB
    )

    assert text == "See <https://help.brightwave.example/articles/roaming-eu-uk|Roaming>."


def test_email_addresses_and_amounts_are_left_alone() -> None:
    text = "Write to billing@brightwave.example; data costs 1.80 EUR per GB."

    assert sanitize_model_mrkdwn(text, allowed_urls=KB) == text
