"""The dialogue state and the decider: confirmations, clarifications, the language model's
answers, and the history cut to what was heard. The dispatcher is a recording fake that follows
the real one's contract (needs_confirmation / cancelled); the vehicle tests cover the real one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field

import pytest

from daemon import events as ev
from daemon.conversation.decide import CANNOT_DO, Decider, TurnInput
from daemon.conversation.dialogue import Conversation, yes_no
from daemon.llm.types import AgentAnswer, CancelToken, Message, PlannedCall, Sentence
from daemon.understanding.model_calls import Policy
from tests.fakes.stages import Outcome as Result  # a ToolOutcome


@pytest.mark.parametrize(("text", "answer"), [
    ("yes", "yes"), ("Yes please.", "yes"), ("sure, go ahead", "yes"), ("okay do it", "yes"),
    ("no", "no"), ("No thanks.", "no"), ("don't", "no"), ("cancel", "cancel"),
    ("never mind", "cancel"), ("forget it", "cancel"),
    ("", None), ("yes no", None), ("set the temperature to twenty one degrees please", None),
    ("open the window", None),
    # S1 (tests/security): a different short request is not an answer to the pending question
    ("close the window please", None), ("open the right window", None),
    ("go to the gas station", None), ("stop the music", None), ("do it now please", "yes"),
])
def test_yes_no(text: str, answer: str | None) -> None:
    assert yes_no(text) == answer


@pytest.mark.parametrize(("text", "answer"), [
    ("yes, unlock the doors", "yes"), ("no, don't unlock them", "no"),
    ("unlock the window", None), ("yes open the doors", None),
])
def test_an_answer_may_repeat_the_question(text: str, answer: str | None) -> None:
    assert yes_no(text, "Do you want me to unlock the doors?") == answer


def test_history_keeps_what_was_heard() -> None:
    conv = Conversation(max_turns=2)
    conv.user(1, "what's the range")
    conv.assistant(1, "You have 320 kilometres left. The battery is at 60 percent.")
    conv.heard(1, "You have 320 kilometres left.")
    assert conv.history == (Message("user", "what's the range"),
                            Message("assistant", "You have 320 kilometres left."))
    conv.user(2, "and the tyres")
    conv.assistant(2, "All four tyres are fine.")
    conv.heard(2, "")  # interrupted before a word was played: it was never said
    conv.user(3, "thanks")
    assert [m.text for m in conv.history] == ["what's the range",
                                              "You have 320 kilometres left.", "and the tyres",
                                              "thanks"]
    conv.user(4, "bye")  # two exchanges (four lines) are kept
    assert conv.history[0].text == "You have 320 kilometres left."


@dataclass
class FakeDispatcher:
    """Unlock needs confirmation, like the real policy; records every call."""

    calls: list[tuple[str, dict[str, object], bool | None]] = field(default_factory=list)

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> Result:
        self.calls.append((name, dict(args), confirmed))
        if confirmed is False:
            return Result(False, args, {}, "OK, I won't unlock the doors.", "cancelled")
        if name == "unlock_doors" and confirmed is not True:
            return Result(False, args, {}, "Do you want me to unlock the doors?",
                          "needs_confirmation")
        return Result(True, args, {"done": True}, f"Done: {name}.")


@dataclass
class FakeAgent:
    """Answers from a script: text -> (sentences, final answer); records the history it got."""

    script: dict[str, tuple[list[str], AgentAnswer]]
    seen: list[tuple[str, tuple[Message, ...]]] = field(default_factory=list)

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        self.seen.append((text, tuple(history)))
        sentences, final = self.script[text]
        for sentence in sentences:
            yield Sentence(sentence)
        yield final


def run_turns(decider: Decider, texts: list[str]) -> list[str]:
    async def go() -> list[str]:
        replies = []
        for turn, text in enumerate(texts, 1):
            decider.conversation.user(turn, text)
            pieces = [p async for p in decider.decide(TurnInput(turn, text, CancelToken()))]
            decider.conversation.assistant(turn, " ".join(pieces))
            replies.append(" ".join(pieces))
        return replies
    return asyncio.run(go())


def make(agent: FakeAgent | None = None, model_actions: Policy = "act"
         ) -> tuple[Decider, FakeDispatcher, ev.EventLog]:
    """A decider on fakes; the model's calls run at once unless ``model_actions`` says
    "confirm" (the shipped default, tested in tests/unit/test_model_calls.py)."""
    log = ev.EventLog()
    dispatcher = FakeDispatcher()
    return Decider(dispatcher, log, lambda: 0.0, Conversation(), agent=agent,
                   model_actions=model_actions), dispatcher, log


def test_confirmation_granted_then_denied() -> None:
    decider, dispatcher, _ = make()
    replies = run_turns(decider, ["unlock the doors", "yes please", "unlock the doors", "no"])
    assert replies[0] == "Do you want me to unlock the doors?"
    assert replies[1] == "Done: unlock_doors."
    assert replies[3] == "OK, I won't unlock the doors."
    assert [c[2] for c in dispatcher.calls] == [None, True, None, False]


def test_something_else_instead_of_an_answer_drops_the_question() -> None:
    decider, dispatcher, _ = make()
    run_turns(decider, ["unlock the doors", "set the temperature to 20 degrees", "yes"])
    assert [c[0] for c in dispatcher.calls] == ["unlock_doors", "set_temperature"]
    assert decider.conversation.pending is None


def test_llm_answer_is_streamed_and_calls_are_run() -> None:
    agent = FakeAgent({
        "freshen things up a bit": ([], AgentAnswer(
            "calls", (PlannedCall("set_fan", {"level": 3}),
                      PlannedCall("set_window", {"window": "driver", "percent": 20})),
            source="local")),
        "why is the sky blue": (["Sunlight scatters.", "Blue scatters most."],
                                AgentAnswer("say", text="Sunlight scatters. Blue scatters most.",
                                            source="local")),
    })
    decider, dispatcher, log = make(agent)
    replies = run_turns(decider, ["freshen things up a bit", "why is the sky blue"])
    assert [c[0] for c in dispatcher.calls] == ["set_fan", "set_window"]
    assert replies[0] == "Done: set_fan. Done: set_window."
    assert replies[1] == "Sunlight scatters. Blue scatters most."  # spoken once, not twice
    kinds = [e.kind for e in log.events if isinstance(e, ev.Llm)]
    assert kinds == ["calls", "say"]
    # the second request saw the first exchange as context, and its own words only once (as
    # the request, not also as the last history message)
    assert agent.seen[0][1] == ()
    assert agent.seen[1][1] == (Message("user", "freshen things up a bit"),
                                Message("assistant", replies[0]))


def test_clarification_then_answer() -> None:
    agent = FakeAgent({
        "let some air in": ([], AgentAnswer("clarify", text="Which window?", source="local")),
        "the passenger one": ([], AgentAnswer(
            "calls", (PlannedCall("set_window", {"window": "passenger", "position_pct": 30}),),
            source="local")),
    })
    decider, dispatcher, _ = make(agent)
    replies = run_turns(decider, ["let some air in", "the passenger one"])
    assert replies[0] == "Which window?"
    assert dispatcher.calls == [("set_window", {"window": "passenger", "position_pct": 30},
                                 None)]
    # the model answered the follow-up knowing its own question
    assert Message("assistant", "Which window?") in agent.seen[1][1]
    # a clarified request the fast path understands once combined never reaches the model
    decider, dispatcher, _ = make(FakeAgent({
        "set the temperature": ([], AgentAnswer(
            "clarify", text="What temperature would you like?", source="local"))}))
    run_turns(decider, ["set the temperature", "twenty one"])
    assert dispatcher.calls[0][:2] == ("set_temperature", {"celsius": 21.0, "zone": "all"})


def test_decline_and_unavailable_are_said_without_calls() -> None:
    agent = FakeAgent({
        "turn on the back massage": ([], AgentAnswer(
            "decline", text="Sorry, this car has no massage seats.", source="local")),
        "tell me a story": ([], AgentAnswer(
            "unavailable", text="Sorry, I can't think right now; simple commands still work.")),
    })
    decider, dispatcher, _ = make(agent)
    replies = run_turns(decider, ["turn on the back massage", "tell me a story"])
    assert replies == ["Sorry, this car has no massage seats.",
                       "Sorry, I can't think right now; simple commands still work."]
    assert dispatcher.calls == []


def test_without_a_model_unknown_requests_are_declined() -> None:
    decider, dispatcher, log = make()
    assert run_turns(decider, ["freshen things up a bit"]) == [CANNOT_DO]
    assert dispatcher.calls == []
    assert [e.source for e in log.events if isinstance(e, ev.Intent)] == ["none"]
