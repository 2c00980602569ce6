"""The router with the real CI model: tool calls, paraphrase, several actions, declines,
clarification, follow-ups, small talk, cancel, and the grammar's guarantees."""

from __future__ import annotations

import asyncio
import threading

import pytest

from daemon.llm.grammar import parse_output
from daemon.llm.router import Router
from daemon.llm.types import CancelToken, Message, Sentence
from tests.llm.conftest import ask

pytestmark = pytest.mark.slow


def _calls(answer: object) -> list[tuple[str, dict[str, object]]]:
    return [(c.name, dict(c.args)) for c in answer.calls]  # type: ignore[attr-defined]


def test_a_plain_command_becomes_a_call(router: Router) -> None:
    sentences, answer = ask(router, "set the fan to level three")
    assert answer.kind == "calls" and answer.source == "local"
    assert _calls(answer) == [("set_fan", {"level": 3})]
    assert sentences == []
    assert answer.timing is not None
    assert answer.timing.cached_tokens >= router.local.prefix_tokens  # type: ignore[union-attr]
    assert answer.timing.generated_tokens > 0


def test_a_paraphrase_reaches_a_tool(router: Router) -> None:
    _, answer = ask(router, "it's stuffy in here")
    assert answer.kind == "calls"
    assert {c.name for c in answer.calls} <= {"set_ac", "set_fan", "set_window"}


def test_several_actions_give_several_calls(router: Router) -> None:
    _, answer = ask(router, "set the fan to 3 and turn on the ac and close all windows")
    assert answer.kind == "calls"
    assert _calls(answer) == [("set_fan", {"level": 3}), ("set_ac", {"on": True}),
                              ("set_window", {"window": "all", "position_pct": 0})]


@pytest.mark.parametrize("text", ["turn on the windshield wipers", "heat up the steering wheel",
                                  "what's the weather like in Paris"])
def test_what_the_car_cannot_do_is_declined(router: Router, text: str) -> None:
    sentences, answer = ask(router, text)
    assert answer.kind == "decline"
    assert answer.calls == ()
    assert sentences == [answer.text]
    assert answer.text.startswith("Sorry, I can't")


def test_an_ambiguous_request_asks(router: Router) -> None:
    sentences, answer = ask(router, "open the window")
    assert answer.kind == "clarify"
    assert answer.text == "Which window?"
    assert sentences == ["Which window?"]


def test_a_follow_up_uses_the_history(router: Router) -> None:
    history = [Message("user", "open the window"), Message("assistant", "Which window?")]
    _, answer = ask(router, "the passenger one", history)
    assert answer.kind == "calls"
    assert _calls(answer) == [("set_window", {"window": "passenger", "position_pct": 100})]


def test_an_out_of_range_number_gets_the_tool_usage(router: Router) -> None:
    _, answer = ask(router, "set the temperature to 35 degrees")
    assert answer.kind == "clarify"
    assert answer.text == router.registry.get("set_temperature").usage


def test_small_talk_is_spoken_sentence_by_sentence(router: Router) -> None:
    sentences, answer = ask(router, "good morning")
    assert answer.kind == "say"
    assert sentences and " ".join(sentences) == answer.text


def test_the_grammar_keeps_odd_input_well_formed(router: Router) -> None:
    local = router.local
    assert local is not None
    for text in ("asdf qwerty zxcv", "set the fan to level ninety nine", "?", "x " * 200):
        gen = local.generate(text, [], lambda: False)
        decision = parse_output(gen.text, local.tools)
        assert not gen.truncated, text
        assert decision.kind != "malformed", (text, gen.text)
        for call in decision.calls:
            router.registry.validate(call.name, call.args)  # types and ranges hold


def test_a_restricted_grammar_enforces_the_range(router: Router) -> None:
    local = router.local
    assert local is not None
    gen = local.generate("set the fan to level ninety nine", [], lambda: False,
                         only=("set_fan",))
    decision = parse_output(gen.text, local.tools)
    assert decision.kind == "calls"
    assert all(c.name == "set_fan" and 0 <= c.args["level"] <= 7  # type: ignore[operator]
               for c in decision.calls)


def test_cancel_stops_generation_and_plans_no_call(router: Router) -> None:
    cancel = CancelToken()
    started = threading.Event()

    async def run() -> list[object]:
        items: list[object] = []
        loop = asyncio.get_running_loop()
        loop.call_later(0.3, cancel.cancel)
        started.set()
        async for item in router.answer(
                "set the fan to 3 and turn on the ac and close all windows and set the "
                "temperature to twenty one", [], cancel):
            items.append(item)
        return items

    items = asyncio.run(run())
    final = items[-1]
    assert not any(isinstance(i, Sentence) for i in items)
    assert final.calls == ()  # type: ignore[attr-defined]
    assert router.trace and router.trace[0].stopped
    # it stopped before the four calls were written out (~35 tokens)
    assert router.trace[0].timing.generated_tokens < 30


def test_cold_prompt_evaluates_the_system_prompt_again(router: Router) -> None:
    local = router.local
    assert local is not None
    cold = local.generate("fan to 2", [], lambda: False, cold=True).timing
    warm = local.generate("fan to 2", [], lambda: False).timing
    assert cold.cached_tokens == 0
    assert warm.cached_tokens >= local.prefix_tokens
    assert warm.prompt_tokens - warm.cached_tokens < 40
