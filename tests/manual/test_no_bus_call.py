"""No question for the manual moves the car (issue 22), end to end.

The real Decider and dispatcher with the simulated car on a python-can virtual bus (no D-Bus,
no models): every question of tools/eval_sets/manual_questions.yaml, in the manual or not,
reaches no tool (no `tool_call` event, no dispatcher call) and puts no frame on the bus. The
three questions that used to act ("how do I pair my phone with the car?" placed a call) are
answered from their sections. A command afterwards proves the capture hears the head unit.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping

import pytest

from daemon import events as ev
from daemon.conversation.decide import CANNOT_DO, Decider, ToolOutcome, TurnInput
from daemon.conversation.dialogue import Conversation
from daemon.eval.manual_eval import load_questions
from daemon.llm.types import CancelToken
from daemon.manual.config import ManualConfig
from daemon.manual.loader import load_answerer
from daemon.manual.types import NOT_COVERED
from tests.vehicle.conftest import Live, running_vehicle, vehicle_config
from vehicle_tools.dbc import load_dbc

SPLITS, READINGS = load_questions()
MISROUTED = ("I need to get to the 12 volt battery, where is it hiding",)
"""Manual questions the fast path reads as a command (the command language's "I need to get to
<place>" is a navigation): the manual takes them back (daemon/manual/route.py)."""
QUESTIONS = [q.text for s in SPLITS.values() for q in s.manual if q.text not in MISROUTED]
OUTSIDE = [t for s in SPLITS.values() for t in s.out_of_manual]


class Counting:
    """The real dispatcher, counting every call made to it."""

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.calls: list[str] = []

    async def call(self, name: str, args: Mapping[str, object], *,
                   confirmed: bool | None = None) -> ToolOutcome:
        self.calls.append(name)
        result: ToolOutcome = await self.inner.call(  # type: ignore[attr-defined]
            name, args, confirmed=confirmed)
        return result


@pytest.fixture(scope="module")
def live() -> Iterator[Live]:
    with running_vehicle(vehicle_config(f"cabin-test-{uuid.uuid4()}"), load_dbc()) as car:
        reported = car.vehicle.backend.wait_for_state(
            lambda s: s.number("TempDriver") is not None, 5.0)
        assert car.runner.run(reported), "the simulated car never reported its state"
        car.frames()
        yield car


def _turns(live: Live, texts: list[str]) -> tuple[list[str], ev.EventLog, Counting]:
    live.fresh_dispatcher()
    live.frames()
    log = ev.EventLog()
    counting = Counting(live.dispatcher)
    decider = Decider(counting, log, lambda: 0.0, Conversation(),
                      manual=load_answerer(ManualConfig()))

    async def run() -> list[str]:
        replies = []
        for turn, text in enumerate(texts, 1):
            pieces = [p async for p in decider.decide(TurnInput(turn, text, CancelToken()))]
            replies.append(" ".join(pieces))
        return replies

    return live.runner.run(run()), log, counting


@pytest.mark.timeout(1800)  # every question of every split: 73 s alone (1,624 of them), 390 s
def test_no_manual_question_reaches_a_tool_or_the_bus(live: Live) -> None:  # and more loaded
    replies, log, counting = _turns(live, QUESTIONS + OUTSIDE)
    assert counting.calls == []
    assert log.of_type(ev.ToolCall) == []
    assert live.frames() == []
    answered = {e.turn for e in log.of_type(ev.ManualAnswer)}
    others = [r for turn, r in enumerate(replies, 1) if turn not in answered]
    # the manual's to answer (docs/manual.md, "routed to the manual"): 95 % of the first four
    # tune batches and heldout/heldout2; the fifth tune batch and heldout3 (statements of a
    # problem, terse phrasings) are routed less often, 88 % of all in 2026-12
    assert len(answered) >= 0.85 * len(replies)
    # the rest: nothing understood, nothing done; or (2026-12, the fast path's reading of a
    # complaint: "rear screen is fogged up" -> defrost on) a question first, nothing sent
    assert {r for r in others if not r.startswith("Do you want me to")} <= {CANNOT_DO}


def test_a_question_saying_get_to_a_part_of_the_car_is_no_navigation(live: Live) -> None:
    _, log, counting = _turns(live, [*MISROUTED, "how do I get to the spare wheel"])
    assert counting.calls == []
    assert [e.section for e in log.of_type(ev.ManualAnswer)
            if isinstance(e, ev.ManualAnswer)] == ["battery", "spare-wheel"]


def test_the_issue_questions_are_answered_and_cited_with_no_bus_call(live: Live) -> None:
    texts = ["how do I pair my phone with the car?",
             "what does the orange engine light on the dashboard mean?",
             "how do I turn on the child safety locks?"]
    replies, log, counting = _turns(live, texts)
    cited = [(e.section, e.title) for e in log.of_type(ev.ManualAnswer)
             if isinstance(e, ev.ManualAnswer)]
    assert cited == [("phone-pairing", "Pairing a phone"),
                     ("light-engine", "Engine warning light"),
                     ("child-locks", "Child safety locks")]
    intents = [(e.source, e.name) for e in log.of_type(ev.Intent) if isinstance(e, ev.Intent)]
    assert intents == [("manual", "answer")] * 3
    assert "Settings" in replies[0] and "fault" in replies[1] and "switch" in replies[2]
    assert counting.calls == [] and live.frames() == []

    # the capture hears a command on this channel: the silence above was the manual's
    _, _, counting = _turns(live, ["lock the doors"])
    assert counting.calls == ["lock_doors"]
    assert [f.message for f in live.frames()] == ["DOOR_CMD"]


def test_a_live_reading_stays_with_the_vehicle_tool(live: Live) -> None:
    replies, log, counting = _turns(live, ["what's my tyre pressure",
                                           "what should my tyre pressure be"])
    assert counting.calls == ["get_vehicle_status"]
    assert "kilopascals" in replies[0]
    cited = [e.section for e in log.of_type(ev.ManualAnswer) if isinstance(e, ev.ManualAnswer)]
    assert cited == ["tyre-pressures"] and "240 kilopascals" in replies[1]


def test_without_a_language_model_an_uncovered_question_is_told_so(live: Live) -> None:
    replies, log, _ = _turns(live, ["who won the game last night",
                                    "how do I replace the timing belt"])
    assert replies == [NOT_COVERED, NOT_COVERED]
    assert [e.name for e in log.of_type(ev.Intent) if isinstance(e, ev.Intent)] == [
        "not_covered", "not_covered"]
