"""What of a Slack message is the customer's own words: markup out, quotes marked."""

from __future__ import annotations

import pytest

from bot.english import english_words
from bot.own_words import inside, own_words, quoted_ranges, spoken


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("hey <@U0123ABC> where is it", "hey where is it"),
        ("<!here> <#C0123|general> hi", "hi"),
        ("see <https://help.example/a/cancellation-fees|the fees page> ok", "see the fees page ok"),
        ("see <https://help.example/a/cancellation-fees> ok", "see ok"),
        ("mail porting@brightwave.example or www.example.com/cancel now", "mail or now"),
        ("hi :wave: :+1::skin-tone-2: thanks", "hi thanks"),
        ("run `kill -9 1234` then *restart* the _router_", "run then restart the router"),
        ("R&amp;D site &gt; 10 lines", "R D site 10 lines"),
    ],
)
def test_markup_is_blanked_and_offsets_are_kept(text: str, kept: str) -> None:
    clean = own_words(text)
    assert len(clean) == len(text)
    assert " ".join(clean.split()) == kept


def test_masked_swearing_is_no_markup() -> None:
    assert own_words("this is sh*t and f*** it") == "this is sh*t and f*** it"


def test_times_are_no_emoji_and_emoji_names_can_be_read() -> None:
    assert own_words("call at 10:30:45") == "call at 10:30:45"
    assert " ".join(own_words("so :rage: now", emoji_as_words=True).split()) == "so rage now"


def test_quotations_need_four_words_or_a_blockquote() -> None:
    text = 'so-called "support" said "credits appear on the next invoice" ok'
    assert [text[a:b] for a, b in quoted_ranges(text)] == ['"credits appear on the next invoice"']
    block = "> renew for 24 months\nfine?"
    assert [block[a:b] for a, b in quoted_ranges(block)] == ["> renew for 24 months"]
    assert inside(quoted_ranges(block), 2, 7) and not inside(quoted_ranges(block), 22, 26)


def test_spoken_drops_quotes_and_markup() -> None:
    text = 'It says "lost or stolen phones are barred at once" :thinking_face: ok?'
    assert " ".join(spoken(text).split()) == "It says thinking face ok?"


def test_english_words_hold_real_words_not_typos() -> None:
    words = english_words(100)
    assert {"batch", "confirm", "bitch", "cancel"} <= words
    assert not {"cancle", "contarct", "refnud"} & words
