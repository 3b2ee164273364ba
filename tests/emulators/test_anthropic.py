"""Drive the Messages API emulator with the real anthropic AsyncAnthropic client."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import anthropic
import pytest
from anthropic import AsyncAnthropic
from pydantic import BaseModel

from emulators import AnthropicEmulator, error, json_reply, text_reply, tool_use

MODEL = "claude-haiku-5-5"
TRIAGE_SCHEMA = {
    "type": "object",
    "properties": {
        "intent": {"type": "string", "enum": ["outage", "billing", "other"]},
        "confidence": {"type": "number"},
    },
    "required": ["intent", "confidence"],
    "additionalProperties": False,
}
WEATHER_TOOL = {
    "name": "get_weather",
    "description": "Weather for a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
}


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


async def test_text_reply_has_the_real_shape(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.script(text_reply("Hello there", thinking="Greet them."))
    message = await anthropic_client.messages.create(
        model=MODEL, max_tokens=100, system="Be brief.", messages=user("Hi")
    )
    assert message.id.startswith("msg_") and message.model == MODEL
    assert [b.type for b in message.content] == ["thinking", "text"]
    assert next(b.text for b in message.content if b.type == "text") == "Hello there"
    assert message.stop_reason == "end_turn"
    assert message.usage.input_tokens > 0 and message.usage.output_tokens > 0
    assert claude.requests[0]["system"] == "Be brief."
    assert claude.headers[0]["authorization"] == "Bearer test"
    claude.assert_all_used()


async def test_json_reply_for_structured_output(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.script(json_reply({"intent": "outage", "confidence": 0.9}))
    message = await anthropic_client.messages.create(
        model=MODEL,
        max_tokens=200,
        messages=user("Internet is down"),
        output_config={"format": {"type": "json_schema", "schema": TRIAGE_SCHEMA}},
    )
    text = next(b.text for b in message.content if b.type == "text")
    assert json.loads(text) == {"intent": "outage", "confidence": 0.9}
    assert claude.requests[0]["output_config"]["format"]["schema"] == TRIAGE_SCHEMA


async def test_json_reply_not_matching_the_schema_is_flagged(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.script(json_reply({"intent": "weather"}))
    with pytest.raises(anthropic.InternalServerError, match="does not match"):
        await anthropic_client.messages.create(
            model=MODEL,
            max_tokens=200,
            messages=user("?"),
            output_config={"format": {"type": "json_schema", "schema": TRIAGE_SCHEMA}},
        )
    with pytest.raises(AssertionError, match="unexpected"):
        claude.assert_all_used()


async def test_tool_use_round_trip(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.script(
        tool_use("get_weather", {"city": "Lyon"}, text="Checking."),
        lambda request: text_reply(f"It is {request['messages'][-1]['content'][0]['content']}"),
    )
    first = await anthropic_client.messages.create(
        model=MODEL, max_tokens=100, tools=[WEATHER_TOOL], messages=user("Weather in Lyon?")
    )
    call = next(b for b in first.content if b.type == "tool_use")
    assert first.stop_reason == "tool_use" and call.id.startswith("toolu_")
    assert call.input == {"city": "Lyon"}

    history = [
        *user("Weather in Lyon?"),
        {"role": "assistant", "content": [b.model_dump(exclude_none=True) for b in first.content]},
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": call.id, "content": "sunny"}],
        },
    ]
    second = await anthropic_client.messages.create(
        model=MODEL, max_tokens=100, tools=[WEATHER_TOOL], messages=history
    )
    assert second.content[0].text == "It is sunny"
    claude.assert_all_used()


async def test_missing_tool_result_is_a_400(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    history = [
        *user("Weather?"),
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "get_weather", "input": {}}],
        },
        *user("well?"),
    ]
    with pytest.raises(anthropic.BadRequestError, match="tool_result"):
        await anthropic_client.messages.create(
            model=MODEL, max_tokens=100, tools=[WEATHER_TOOL], messages=history
        )
    assert claude.rejected and claude.unexpected == []


async def test_new_models_reject_prefill(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    prefill = [*user("Say hi"), {"role": "assistant", "content": "Hi"}]
    with pytest.raises(anthropic.BadRequestError, match="prefill"):
        await anthropic_client.messages.create(model=MODEL, max_tokens=10, messages=prefill)


@pytest.mark.parametrize(
    ("status", "kind", "exception"),
    [
        (429, "rate_limit_error", anthropic.RateLimitError),
        (529, "overloaded_error", anthropic.OverloadedError),
        (500, "api_error", anthropic.InternalServerError),
    ],
)
async def test_errors_map_to_sdk_exceptions(
    claude: AnthropicEmulator,
    anthropic_client: AsyncAnthropic,
    status: int,
    kind: str,
    exception: type[anthropic.APIStatusError],
) -> None:
    claude.script(error(status, retry_after=7, message="slow down"))
    with pytest.raises(exception) as caught:
        await anthropic_client.messages.create(model=MODEL, max_tokens=10, messages=user("x"))
    assert caught.value.status_code == status
    assert caught.value.body["error"]["type"] == kind
    assert caught.value.request_id and caught.value.request_id.startswith("req_")
    assert caught.value.response.headers["retry-after"] == "7"
    assert isinstance(caught.value, anthropic.APIStatusError)


async def test_sdk_retries_against_scripted_errors(claude: AnthropicEmulator) -> None:
    claude.script(error(529, retry_after=0), text_reply("finally"))
    client = AsyncAnthropic(api_key="k", base_url=claude.base_url, max_retries=1)
    message = await client.messages.create(model=MODEL, max_tokens=10, messages=user("x"))
    await client.close()
    assert message.content[0].text == "finally"
    assert len(claude.requests) == 2
    claude.assert_all_used()


async def test_unexpected_and_leftover_calls_are_reported(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    with pytest.raises(anthropic.InternalServerError, match="unexpected request #1"):
        await anthropic_client.messages.create(model=MODEL, max_tokens=10, messages=user("who?"))
    assert claude.unexpected[0]["messages"][0]["content"] == "who?"
    with pytest.raises(AssertionError, match="who\\?"):
        claude.assert_all_used()

    leftover = AnthropicEmulator()
    leftover.script(text_reply("never asked"))
    with pytest.raises(AssertionError, match="1 scripted reply"):
        leftover.assert_all_used()


async def test_default_responder_answers_when_script_is_empty(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    async def echo(request: dict[str, Any]) -> str:
        return "echo: " + request["messages"][-1]["content"]

    claude.script(text_reply("scripted first"))
    claude.set_default(echo)
    texts = []
    for word in ("a", "b"):
        message = await anthropic_client.messages.create(
            model=MODEL, max_tokens=10, messages=user(word)
        )
        texts.append(message.content[0].text)
    assert texts == ["scripted first", "echo: b"]
    assert (await claude.wait_for_requests(2))[1]["messages"][0]["content"] == "b"
    claude.assert_all_used()


async def test_auth_headers(claude: AnthropicEmulator) -> None:
    url = claude.base_url + "/v1/messages"
    body = {"model": MODEL, "max_tokens": 5, "messages": user("x")}
    claude.set_default(lambda request: text_reply("ok"))
    async with aiohttp.ClientSession() as session:
        async with session.post(url, json=body, headers={"x-api-key": "k"}) as response:
            assert response.status == 200
        async with session.post(url, json=body) as response:
            answer = await response.json()
            assert response.status == 401
            assert answer["error"]["type"] == "authentication_error"
            assert response.headers["request-id"] == answer["request_id"]


async def test_streaming(claude: AnthropicEmulator, anthropic_client: AsyncAnthropic) -> None:
    claude.script(text_reply("A fairly long streamed answer, chunk by chunk."))
    async with anthropic_client.messages.stream(
        model=MODEL, max_tokens=50, messages=user("stream please")
    ) as stream:
        pieces = [text async for text in stream.text_stream]
        final = await stream.get_final_message()
    assert "".join(pieces) == "A fairly long streamed answer, chunk by chunk."
    assert final.stop_reason == "end_turn" and final.usage.output_tokens > 0


async def test_prompt_caching_reports_reads_after_a_write(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.set_default(lambda request: text_reply("ok"))
    system = [{"type": "text", "text": "Policy. " * 400, "cache_control": {"type": "ephemeral"}}]
    usages = []
    for question in ("first?", "second?"):
        message = await anthropic_client.messages.create(
            model=MODEL, max_tokens=10, system=system, messages=user(question)
        )
        usages.append(message.usage)
    assert usages[0].cache_creation_input_tokens > 0 and usages[0].cache_read_input_tokens == 0
    assert usages[1].cache_read_input_tokens == usages[0].cache_creation_input_tokens
    assert usages[1].cache_creation_input_tokens == 0
    totals = claude.total_usage()
    assert totals["cache_read_input_tokens"] == usages[1].cache_read_input_tokens


async def test_messages_parse_fills_parsed_output(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    class Triage(BaseModel):
        intent: str
        confidence: float

    claude.script(json_reply({"intent": "billing", "confidence": 0.4}))
    message = await anthropic_client.messages.parse(
        model=MODEL, max_tokens=100, messages=user("Why was I charged?"), output_format=Triage
    )
    assert message.parsed_output == Triage(intent="billing", confidence=0.4)
    assert "schema" in claude.requests[0]["output_config"]["format"]


async def _cache_counters(
    client: AsyncAnthropic, *, model: str, system_text: str, questions: tuple[str, ...]
) -> list[tuple[int, int]]:
    system = [{"type": "text", "text": system_text, "cache_control": {"type": "ephemeral"}}]
    counters = []
    for question in questions:
        message = await client.messages.create(
            model=model, max_tokens=10, system=system, messages=user(question)
        )
        usage = message.usage
        counters.append(
            (usage.cache_creation_input_tokens or 0, usage.cache_read_input_tokens or 0)
        )
    return counters


async def test_a_prefix_below_the_models_minimum_is_never_cached(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.set_default(lambda request: text_reply("ok"))
    # About 900 tokens: enough for Haiku 5.5 (512), too short for Sonnet 5 (1,024).
    short = "Policy. " * 450

    sonnet = await _cache_counters(
        anthropic_client, model="claude-sonnet-5-5", system_text=short, questions=("a?", "b?")
    )
    haiku = await _cache_counters(
        anthropic_client, model="claude-haiku-5-5", system_text=short, questions=("a?", "b?")
    )

    assert sonnet == [(0, 0), (0, 0)]
    assert haiku[0][0] > 0 and haiku[1] == (0, haiku[0][0])


async def test_cache_reads_need_the_same_prefix_sent_before_with_cache_control(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.set_default(lambda request: text_reply("ok"))
    long = "Knowledge base article text. " * 200
    # The same text without a breakpoint caches nothing, so the next call still writes.
    await anthropic_client.messages.create(
        model="claude-sonnet-5-5", max_tokens=10, system=long, messages=user("first?")
    )

    first, second = await _cache_counters(
        anthropic_client, model="claude-sonnet-5-5", system_text=long, questions=("a?", "b?")
    )
    (other,) = await _cache_counters(
        anthropic_client, model="claude-opus-5-5", system_text=long, questions=("c?",)
    )
    (changed,) = await _cache_counters(
        anthropic_client, model="claude-sonnet-5-5", system_text=long + "!", questions=("d?",)
    )

    assert first[0] > 1024 and first[1] == 0
    assert second == (0, first[0])
    assert other[0] > 0 and other[1] == 0  # another model has its own cache
    assert changed[0] > 0 and changed[1] == 0  # a changed prefix is a new prefix


async def test_unknown_model_id_is_answered_404_like_the_real_api(
    claude: AnthropicEmulator, anthropic_client: AsyncAnthropic
) -> None:
    claude.script(text_reply("never sent"))

    with pytest.raises(anthropic.NotFoundError) as missing:
        await anthropic_client.messages.create(
            model="claude-sonnet-9-9", max_tokens=100, messages=user("Hi")
        )

    assert missing.value.status_code == 404
    assert missing.value.body["error"]["type"] == "not_found_error"  # type: ignore[index]
    assert "claude-sonnet-9-9" in missing.value.message
    # The scripted reply is still there for a request naming a real model.
    message = await anthropic_client.messages.create(
        model=MODEL, max_tokens=100, messages=user("Hi")
    )
    assert next(b.text for b in message.content if b.type == "text") == "never sent"
