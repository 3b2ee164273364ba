"""What a model writes is disarmed before it can reach a customer channel."""

from __future__ import annotations

from bot.mrkdwn import (
    escape,
    escape_around_tokens,
    mention,
    quote,
    quote_mrkdwn,
    sanitize_model_mrkdwn,
)

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


def test_escape_escapes_raw_text_once_and_leaves_slacks_own_entities_alone() -> None:
    assert escape("AT&T <b>") == "AT&amp;T &lt;b&gt;"
    assert escape("AT&amp;T &lt;b&gt;") == "AT&amp;T &lt;b&gt;"  # as Slack delivers it
    assert escape(escape("a & b < c")) == escape("a & b < c")


def test_composed_mrkdwn_keeps_our_tokens_and_escapes_the_rest() -> None:
    text = escape_around_tokens(
        "<@U1> see <https://kb.example/a?x=1&y=2|A & B> in <#C1|support> on "
        "<!date^1796140800^{date_short}|1 Dec> <b> & <!channel> <javascript:alert(1)|x>"
    )

    assert text.startswith(
        "<@U1> see <https://kb.example/a?x=1&y=2|A &amp; B> in <#C1|support> on "
    )
    assert "<!date^1796140800^{date_short}|1 Dec>" in text
    assert text.endswith("&lt;b&gt; &amp; &lt;!channel&gt; &lt;javascript:alert(1)|x&gt;")


def test_a_quoted_draft_keeps_its_links_and_joins_its_own_quote() -> None:
    quoted = quote_mrkdwn("See <https://kb.example/a|A>:\n> Settings &gt; Users\n\nThanks & bye")

    assert quoted == (
        "> See <https://kb.example/a|A>:\n> Settings &gt; Users\n>\n> Thanks &amp; bye"
    )
    assert quote("<https://kb.example/a|A>") == "> &lt;https://kb.example/a|A&gt;"


def test_mention_only_for_slack_ids() -> None:
    assert mention("U_DANA") == "<@U_DANA>"
    assert mention("<!channel>") == "&lt;!channel&gt;"


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
