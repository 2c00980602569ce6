"""A pending confirmation is short-lived and tied to its question (issue 23, item 1), at the
decision level: a fake dispatcher that follows the real one's contract (unlock needs
confirmation; it knows the driving state) and a settable input-audio clock, so a 40-second
wait takes no time. The spoken and head-unit paths: test_confirmation_paths.py."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from daemon import events as ev
from daemon.config import CabinConfig, load_config
from daemon.conversation.decide import NOTHING_PENDING, Decider, TurnInput
from daemon.conversation.dialogue import DROPPED_REPLY, Conversation
from daemon.errors import CabinError
from daemon.llm.types import AgentAnswer, CancelToken, Message, Sentence
from tests.fakes.stages import Outcome as Result  # a ToolOutcome

QUESTION = "Do you want me to unlock the doors?"


@dataclass
class Car:
    """The dispatcher: unlock needs confirmation; records calls; reports a driving state."""

    driving: str | None = "parked"
    calls: list[tuple[str, bool | None]] = field(default_factory=list)

    def driving_state(self) -> str | None:
        return self.driving

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> Result:
        self.calls.append((name, confirmed))
        if confirmed is False:
            return Result(False, args, {}, "OK, I won't unlock the doors.", "cancelled")
        if name == "unlock_doors" and confirmed is not True:
            return Result(False, args, {}, QUESTION, "needs_confirmation")
        return Result(True, args, {}, "The doors are unlocked." if name == "unlock_doors"
                      else f"Done: {name}.")

    @property
    def unlocked(self) -> bool:
        return ("unlock_doors", True) in self.calls


@dataclass
class Model:
    """A language model that records what reached it and claims to play music."""

    seen: list[str] = field(default_factory=list)

    async def answer(self, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        self.seen.append(text)
        yield AgentAnswer("say", text="Sure, here you go.", source="local")


@dataclass
class Session:
    car: Car = field(default_factory=Car)
    model: Model | None = None
    now_ms: float = 0.0
    turn: int = 0
    log: ev.EventLog = field(default_factory=ev.EventLog)

    def __post_init__(self) -> None:
        self.decider = Decider(self.car, self.log, lambda: self.now_ms, Conversation(),
                               agent=self.model, confirm_timeout_s=8.0)

    @property
    def conversation(self) -> Conversation:
        return self.decider.conversation

    def say(self, text: str, at_s: float) -> str:
        """The driver says `text`, the turn decided at input time `at_s` (s)."""
        self.now_ms = at_s * 1000.0
        self.turn += 1
        self.conversation.user(self.turn, text)

        async def run() -> str:
            pieces = [p async for p in self.decider.decide(
                TurnInput(self.turn, text, CancelToken()))]
            return " ".join(pieces)
        reply = asyncio.run(run())
        self.conversation.assistant(self.turn, reply)
        return reply

    def heard(self, at_s: float) -> None:
        """The last reply finished playing at `at_s` (the pipeline reports it)."""
        self.conversation.question_heard(self.turn, at_s * 1000.0)

    def dialogue_intents(self) -> list[str]:
        return [e.name for e in self.log.events
                if isinstance(e, ev.Intent) and e.source == "dialogue"]


def test_an_answer_40_s_later_is_told_it_expired_and_nothing_is_sent() -> None:
    s = Session()
    s.say("unlock the doors", 1.0)
    s.heard(3.0)
    assert s.say("yes", 43.0) == DROPPED_REPLY["expired"]
    assert s.say("yes", 44.0) == NOTHING_PENDING  # asked once, answered once
    assert not s.car.unlocked
    assert s.car.calls == [("unlock_doors", None)]
    assert s.dialogue_intents() == ["expired", "nothing_pending"]


def test_the_timeout_counts_from_the_end_of_the_question() -> None:
    s = Session()
    assert s.say("unlock the doors", 1.0) == QUESTION
    s.heard(9.5)  # a long reply before the question (played 8.5 s)
    assert s.say("yes", 17.0) == "The doors are unlocked."  # 7.5 s after it was heard
    s = Session()
    s.say("unlock the doors", 1.0)
    s.heard(3.0)
    assert s.say("yes", 11.5) == DROPPED_REPLY["expired"]  # 8.5 s after
    assert not s.car.unlocked


def test_without_a_playback_report_it_counts_from_the_question() -> None:
    s = Session()
    s.say("unlock the doors", 1.0)
    assert s.say("yes", 9.5) == DROPPED_REPLY["expired"]
    assert not s.car.unlocked


def test_cancel_clears_it() -> None:
    s = Session()
    s.say("unlock the doors", 1.0)
    s.heard(3.0)
    assert s.conversation.cancel_pending()
    assert not s.conversation.cancel_pending()  # nothing left to cancel
    assert s.say("yes", 4.0) == DROPPED_REPLY["cancelled"]
    assert not s.car.unlocked


@pytest.mark.parametrize("now", ["idling", "moving", None])
def test_a_change_of_driving_state_clears_it(now: str | None) -> None:
    s = Session()
    s.say("unlock the doors", 1.0)
    s.heard(3.0)
    s.car.driving = now  # shifted into drive, drove off, or the readings stopped
    assert s.say("yes", 5.0) == DROPPED_REPLY["driving_changed"]
    assert not s.car.unlocked


def test_a_new_request_that_is_not_an_answer_clears_it() -> None:
    s = Session()
    s.say("unlock the doors", 1.0)
    s.heard(3.0)
    assert s.say("set the fan to level two", 4.0) == "Done: set_fan."
    assert s.say("yes", 5.0) == NOTHING_PENDING
    assert not s.car.unlocked


@pytest.mark.parametrize("text", ["yes", "Yes.", "no", "sure, go ahead", "okay do it"])
def test_a_bare_answer_with_nothing_pending_gets_an_honest_reply_not_the_model(
        text: str) -> None:
    s = Session(model=Model())
    assert s.say(text, 1.0) == NOTHING_PENDING
    assert s.model is not None and s.model.seen == []
    assert s.car.calls == []


def test_only_a_bare_answer_to_nothing_is_kept_from_the_model() -> None:
    s = Session(model=Model())
    assert s.say("yes", 0.5) == NOTHING_PENDING
    # an answer to the model's own question, and thanks, still reach it
    s.conversation.user(0, "I'm bored")
    s.conversation.assistant(0, "Would you like me to play some music?")
    s.say("yes please", 1.0)
    s.say("okay thanks", 2.0)
    assert s.model is not None and s.model.seen == ["yes please", "okay thanks"]
    assert s.car.calls == []


def test_the_timeout_is_a_validated_config_key(tmp_path: Path) -> None:
    assert CabinConfig().dialogue.confirm_timeout_s == 8.0  # cabin.yaml: the same (test_config)
    path = tmp_path / "cabin.yaml"
    for bad in ("0", "-1", "120", "soon"):
        path.write_text(f"dialogue:\n  confirm_timeout_s: {bad}\n", encoding="utf-8")
        with pytest.raises(CabinError) as caught:
            load_config(path)
        assert "dialogue.confirm_timeout_s" in str(caught.value)
