"""Starting the model on the transcript peek (daemon/llm/speculative.py, issue 21): a match
takes the answer under way, a mismatch or an unused speculation is cancelled, an interruption
stops the model. Fakes for the model; no timed assertions."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from daemon.conversation.decide import Decider, TurnInput
from daemon.conversation.dialogue import Conversation
from daemon.events import EventLog
from daemon.hearing.endpoint import Completeness
from daemon.llm.speculative import Speculator
from daemon.llm.types import AgentAnswer, CancelToken, Message, PlannedCall, Sentence
from vehicle_tools.dispatcher import ToolResult

U = Completeness.UNKNOWN


class SlowAgent:
    """Answers every request with two sentences and a final answer, one step per tick; each
    request is recorded with its cancel token."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, CancelToken]] = []
        self.finished: list[str] = []

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        self.asked.append((text, cancel))
        for n in range(2):
            for _ in range(5):  # a token at a time: stop when cancelled
                await asyncio.sleep(0)
                if cancel.cancelled:
                    yield AgentAnswer("say", text="", source="local")
                    return
            yield Sentence(f"{text} {n}.")
        self.finished.append(text)
        yield AgentAnswer("say", text=f"{text} 0. {text} 1.", source="local")


async def _collect(items: AsyncIterator[Sentence | AgentAnswer]) -> list[object]:
    return [i async for i in items]


def test_the_same_words_take_the_answer_under_way() -> None:
    async def run() -> tuple[list[object], SlowAgent, Speculator]:
        agent = SlowAgent()
        spec = Speculator(agent)
        spec.start("tell me a story", ())
        await asyncio.sleep(0)
        got = await _collect(spec.answer("Tell me a  story", (), CancelToken()))
        return got, agent, spec

    got, agent, spec = asyncio.run(run())
    assert [t for t, _ in agent.asked] == ["tell me a story"]  # the model asked once
    assert got[:2] == [Sentence("tell me a story 0."), Sentence("tell me a story 1.")]
    assert isinstance(got[-1], AgentAnswer) and got[-1].kind == "say"
    assert (spec.stats.started, spec.stats.used, spec.stats.wasted) == (1, 1, 0)


def test_other_words_or_another_history_cancel_it_and_ask_afresh() -> None:
    async def run() -> tuple[list[object], SlowAgent, Speculator]:
        agent = SlowAgent()
        spec = Speculator(agent)
        spec.start("tell me a", ())
        await asyncio.sleep(0)
        first = await _collect(spec.answer("tell me a story", (), CancelToken()))
        spec.start("what is a joke", ())
        await asyncio.sleep(0)
        await _collect(spec.answer("what is a joke", (Message("user", "hi"),), CancelToken()))
        return first, agent, spec

    first, agent, spec = asyncio.run(run())
    assert [t for t, _ in agent.asked] == ["tell me a", "tell me a story", "what is a joke",
                                           "what is a joke"]
    assert agent.asked[0][1].cancelled and agent.asked[2][1].cancelled  # both stopped
    assert first[0] == Sentence("tell me a story 0.")
    assert "tell me a" not in agent.finished
    assert (spec.stats.started, spec.stats.used, spec.stats.wasted) == (2, 0, 2)


def test_a_new_peek_replaces_the_old_one_and_the_same_peek_keeps_it() -> None:
    async def run() -> SlowAgent:
        agent = SlowAgent()
        spec = Speculator(agent)
        spec.start("turn the", ())
        spec.start("turn the", ())  # peeked again, same words: keep thinking
        spec.start("turn the radio into a", ())
        await asyncio.sleep(0)
        spec.discard()
        await asyncio.sleep(0.01)
        return agent

    agent = asyncio.run(run())
    assert [t for t, _ in agent.asked] == ["turn the", "turn the radio into a"]
    assert all(token.cancelled for _, token in agent.asked)
    assert agent.finished == []


def test_an_interruption_stops_the_speculated_model() -> None:
    async def run() -> tuple[list[object], SlowAgent]:
        agent = SlowAgent()
        spec = Speculator(agent)
        spec.start("tell me a story", ())
        cancel = CancelToken()
        cancel.cancel()  # the driver barged in as the request was made
        got = await _collect(spec.answer("tell me a story", (), cancel))
        return got, agent

    got, agent = asyncio.run(run())
    assert agent.asked[0][1].cancelled and agent.finished == []
    assert isinstance(got[-1], AgentAnswer)


class _Dispatcher:
    def __init__(self) -> None:
        self.calls: list[str] = []

    async def call(self, name: str, args: dict[str, object], *,
                   confirmed: bool | None = None) -> ToolResult:
        self.calls.append(name)
        return ToolResult(ok=True, tool=name, args=args, state={}, reply="Done.")


def test_the_decider_speculates_only_on_words_that_would_reach_the_model() -> None:
    async def run() -> tuple[SlowAgent, list[str]]:
        agent = SlowAgent()
        decider = Decider(_Dispatcher(), EventLog(), lambda: 0.0, Conversation(),
                          agent=Speculator(agent))
        decider.speculate(1, "close all the windows", U)  # the fast path's: no model
        decider.speculate(1, "yes", U)  # an answer: no model
        decider.speculate(1, "tell me a", Completeness.INCOMPLETE)  # more is coming
        decider.speculate(1, "tell me a story", U)
        replies = [p async for p in decider.decide(TurnInput(1, "tell me a story",
                                                             CancelToken()))]
        decider.speculate(2, "write me a poem", Completeness.SENTENCE)
        # the fast path takes the final words: the speculation is cancelled, unused
        [p async for p in decider.decide(TurnInput(2, "what's my range", CancelToken()))]
        return agent, replies

    agent, replies = asyncio.run(run())
    assert [t for t, _ in agent.asked] == ["tell me a story", "write me a poem"]
    assert replies == ["tell me a story 0.", "tell me a story 1."]
    assert agent.asked[1][1].cancelled and "write me a poem" not in agent.finished


def test_planned_calls_of_a_speculation_are_judged_as_any_model_calls() -> None:
    class CallingAgent(SlowAgent):
        async def answer(self, text: str, history: Sequence[Message],
                         cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
            self.asked.append((text, cancel))
            await asyncio.sleep(0)
            yield AgentAnswer("calls", (PlannedCall("set_fan", {"level": 3}),),
                              source="local")

    async def run() -> list[str]:
        agent = CallingAgent()
        decider = Decider(_Dispatcher(), EventLog(), lambda: 0.0, Conversation(),
                          agent=Speculator(agent))
        decider.speculate(1, "sort out the stuffiness for me", U)
        return [p async for p in decider.decide(TurnInput(1, "sort out the stuffiness for me",
                                                          CancelToken()))]

    replies = asyncio.run(run())
    assert replies and replies[0].startswith("Do you want me to")  # asked first, as always
