"""Fault 7: a malformed tool call from the model.

Two layers stand between the model and the car, and each is faulted here in a running daemon:

- the router (daemon/llm/router.py, real): llama.cpp (a `ScriptedModel`) writes a call of a
  tool that does not exist, or a value the driver never said, or text that is no call at all;
- the vehicle dispatcher: the agent itself (a buggy router, as if its checks were skipped)
  hands the decider calls of unknown tools, out-of-range values, unknown arguments (every
  kind of bad argument is in tests/vehicle/test_vehicle_rejections.py and the property tests).

Every refusal is spoken and explained; a bad call never reaches the bus, a good call in the
same answer still does, and every frame on the bus is inside the DBC's limits.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from daemon import events as ev
from daemon.llm.config import LlmConfig
from daemon.llm.router import UNAVAILABLE, Router
from daemon.llm.types import AgentAnswer, CancelToken, Message, PlannedCall, Sentence
from tests.faults.fakes import Answer, install_model
from tests.faults.harness import CanCapture, fault_config, running

pytestmark = pytest.mark.slow

MODEL_WRITES = {
    "launch the rockets": "launch_rockets(count=3)",
    "warm the place up nicely": "set_temperature(celsius=99)",  # beyond the fast path
}
"""What llama.cpp writes for a request (through the real router's parser and checks)."""

TEMPERATURE_USAGE = ("I can set the temperature from 16 to 28 degrees, for the driver, the "
                     "passenger or both.")
AGENT_PLANS: dict[str, tuple[PlannedCall, ...]] = {
    "fire the rockets": (PlannedCall("launch_rockets", {"count": 3}),),
    "make it hot": (PlannedCall("set_temperature", {"celsius": 99}),),
    "turbo fan": (PlannedCall("set_fan", {"level": "3", "turbo": True}),),
    "hot and a breeze": (PlannedCall("set_temperature", {"celsius": 99}),
                         PlannedCall("set_fan", {"level": 2})),
}
"""Calls a faulty agent hands straight to the decider, bypassing the router's checks."""


def test_malformed_tool_calls_are_refused_aloud(fast_start: None, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    install_model(monkeypatch, lambda text: Answer(MODEL_WRITES[text]))
    checked = Router.answer

    async def answer(self: Router, text: str, history: Sequence[Message],
                     cancel: CancelToken) -> AsyncIterator[Sentence | AgentAnswer]:
        if text not in AGENT_PLANS:
            async for item in checked(self, text, history, cancel):
                yield item
            return
        yield AgentAnswer("calls", AGENT_PLANS[text], source="local")

    monkeypatch.setattr(Router, "answer", answer)
    # the model's calls run at once ("act"): this is about the dispatcher refusing bad calls;
    # asking first (the default) is tested in tests/unit/test_model_calls.py
    config = fault_config(tmp_path, llm=LlmConfig(enabled=True, timeout_s=2.0,
                                                  model_actions="act"))
    capture = CanCapture(config.vehicle.can.channel)
    heard: dict[str, tuple[list[str], list[tuple[str, bool, str | None]], int]] = {}

    async def drive() -> bool:
        async with running(config) as run:
            for text in [*MODEL_WRITES, *AGENT_PLANS]:
                n = await run.text(text)
                heard[text] = (run.replies(n),
                               [(r.name, r.ok, r.error) for r in run.results(n)],
                               len(run.of_turn(n, ev.ErrorEvent)))
            return run.alive

    try:
        alive = asyncio.run(drive())
        frames = capture.take()
    finally:
        capture.close()
    assert alive
    # The router: an unknown tool or broken syntax is no answer at all; an invented value
    # becomes a question. Nothing is called.
    # (no usable answer from any model is itself a typed error: llm_unavailable)
    assert heard["launch the rockets"] == ([UNAVAILABLE], [], 1)
    assert heard["warm the place up nicely"] == (["What temperature would you like?"], [], 0)
    # The dispatcher: each bad call refused with its typed code and a spoken explanation.
    assert heard["fire the rockets"] == (
        ["Sorry, that is not something I can do in this car."],
        [("launch_rockets", False, "unknown_tool")], 0)
    assert heard["make it hot"] == (
        [TEMPERATURE_USAGE], [("set_temperature", False, "invalid_arguments")], 0)
    assert heard["turbo fan"] == (["I can set the fan to a level from 0, which is off, to 7."],
                                  [("set_fan", False, "invalid_arguments")], 0)
    # A good call beside a bad one still goes through.
    assert heard["hot and a breeze"] == (
        [f"{TEMPERATURE_USAGE} Okay. The fan is set to level 2."],
        [("set_temperature", False, "invalid_arguments"), ("set_fan", True, None)], 0)
    assert [(m, v) for m, v, _ in frames] == [
        ("CLIMATE_CMD", {"ClimateCmdItem": "FAN", "FanLevelReq": 2})]
    assert all(bad == {} for _, _, bad in frames)
