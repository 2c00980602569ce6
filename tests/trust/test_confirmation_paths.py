"""A pending confirmation over the real voice and head-unit paths (issue 23, items 1 and 10).

- voice: a spoken session through `cabin replay`'s pipeline (real "hey jarvis" recordings,
  Piper commands, car noise): "unlock the doors" ... 40 s ... "hey jarvis, yes please" must
  not unlock (and the same answer a few seconds after the question does);
- head unit: `cabin run` in-process (tests/faults/harness.py: the real pipeline, decider and
  dispatcher, the simulated car on a virtual CAN channel) with its D-Bus API on a real
  dbus-daemon, driven by gdbus from a second process: Cancel between question and answer
  clears it, an answer after the timeout is told it expired, and PushToTalk twice leaves no
  turn that never ends. The CAN frames that went out are read off the bus.

All slow: real models.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from daemon import events as ev
from daemon.audio import mix
from daemon.audio.wavio import write_wav
from daemon.config import CabinConfig
from daemon.conversation.dialogue import DROPPED_REPLY
from daemon.llm.config import LlmConfig
from daemon.runtime.replay import replay
from daemon.runtime_config import DialogueConfig, HmiConfig
from daemon.stages import Stages
from tests.conftest import REPO, SHARED_AUDIO, tool_module
from tests.faults.conftest import use_loaded
from tests.faults.harness import CanCapture, Running, fault_config, running, until
from tests.hmi.conftest import BusDaemon, call
from vehicle_tools.config import CanConfig, VehicleConfig

pytestmark = pytest.mark.slow
WAKE = "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_2.wav"
RATE = 16000
WAKE_GRID = 1280
"""openWakeWord scores 80 ms blocks from the stream's start: each wake word is placed at the
same offset in that grid as the first one (the same score every time)."""


def _spoken_session(tmp: Path, pause_s: float) -> Path:
    """'hey jarvis, unlock the doors', `pause_s` of car noise, 'hey jarvis, yes please'."""
    if not (SHARED_AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    sources = tool_module("build_command_set").Sources(SHARED_AUDIO.parent, variation=False)
    wake = sources.wake(WAKE)
    pieces = [mix.silence(1.0, RATE), wake, mix.silence(0.3, RATE),
              sources.speak("unlock the doors"), mix.silence(pause_s, RATE)]
    so_far = sum(len(p) for p in pieces)
    align = (RATE - so_far) % WAKE_GRID  # the first wake word starts at 1.0 s
    pieces += [mix.silence(align / RATE, RATE), wake, mix.silence(0.3, RATE),
               sources.speak("yes please"), mix.silence(3.0, RATE)]
    speech = np.concatenate(pieces)
    noisy = mix.mix_at_snr(speech, sources.noise, 20.0, np.random.default_rng(0)).mix
    path = tmp / f"unlock_then_{pause_s:g}s.wav"
    write_wav(path, mix.to_int16(noisy), RATE)
    return path


@pytest.mark.parametrize(("pause_s", "unlocked"), [(40.0, False), (6.0, True)])
def test_a_spoken_yes_40_s_after_the_question_does_not_unlock(
        tmp_path: Path, pause_s: float, unlocked: bool) -> None:
    config = CabinConfig(models_dir=REPO / "models", llm=LlmConfig(enabled=False),
                         vehicle=VehicleConfig(can=CanConfig(channel=f"cabin-{uuid.uuid4()}")))
    events = asyncio.run(replay(config, _spoken_session(tmp_path, pause_s))).events
    dump = [e.to_dict() for e in events]
    assert len([e for e in events if isinstance(e, ev.Wake)]) == 2, dump
    results = [(e.turn, e.name, e.ok, e.error) for e in events
               if isinstance(e, ev.ToolResultEvent)]
    assert results[0] == (1, "unlock_doors", False, "needs_confirmation"), dump
    replies = [e.text for e in events if isinstance(e, ev.Reply) and e.turn == 2]
    if unlocked:
        assert results[1:] == [(2, "unlock_doors", True, None)], dump
    else:
        assert results[1:] == [], dump  # nothing reached the dispatcher, let alone the car
        assert replies == [DROPPED_REPLY["expired"]], dump


# --- the head unit --------------------------------------------------------------------------


@pytest.fixture
def fast_start(stages: Stages, monkeypatch: pytest.MonkeyPatch) -> None:
    """`Daemon.run` gets the session's loaded models (tests/faults/conftest.py)."""
    use_loaded(stages, monkeypatch)


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[BusDaemon]:
    daemon = BusDaemon(tmp_path)
    yield daemon
    daemon.stop()


def _config(tmp_path: Path, bus: BusDaemon, **dialogue: float) -> CabinConfig:
    return fault_config(tmp_path, hmi=HmiConfig(enabled=True, address=bus.address),
                        dialogue=DialogueConfig(**dialogue))


async def _ask_unlock(run: Running, address: str) -> None:
    """SendText "unlock the doors" from the head unit; wait until the question was played."""
    assert (await call(address, "SendText", "unlock the doors")).out == "(uint32 1,)\n"
    await run.settled(1)
    assert run.replies(1) == ["Do you want me to unlock the doors?"]


def _door_frames(capture: CanCapture) -> list[dict[str, object]]:
    return [values for name, values, _ in capture.take() if name == "DOOR_CMD"]


def test_a_cancel_between_question_and_answer_clears_it(
        fast_start: None, tmp_path: Path, bus: BusDaemon) -> None:
    config = _config(tmp_path, bus)

    async def drive() -> tuple[str, list[str], list[ev.Event], list[dict[str, object]]]:
        async with running(config) as run:
            capture = CanCapture(config.vehicle.can.channel)
            try:
                await _ask_unlock(run, bus.address)
                cancelled = (await call(bus.address, "Cancel")).out
                assert (await call(bus.address, "SendText", "yes")).out == "(uint32 2,)\n"
                await run.settled(2)
                return cancelled, run.replies(2), run.of_turn(2), _door_frames(capture)
            finally:
                capture.close()

    cancelled, replies, turn2, doors = asyncio.run(drive())
    assert cancelled == "(true,)\n"  # there was something to cancel: the question
    assert replies == [DROPPED_REPLY["cancelled"]]
    assert not [e for e in turn2 if isinstance(e, ev.ToolCall)]
    assert doors == []  # no DOOR_CMD on the bus


def test_a_typed_yes_after_the_timeout_is_told_it_expired(
        fast_start: None, tmp_path: Path, bus: BusDaemon) -> None:
    config = _config(tmp_path, bus, confirm_timeout_s=1.0)

    async def drive() -> tuple[list[str], list[dict[str, object]]]:
        async with running(config) as run:
            capture = CanCapture(config.vehicle.can.channel)
            try:
                await _ask_unlock(run, bus.address)
                pipeline = run.daemon.pipeline
                assert pipeline is not None
                later = pipeline.now_ms + 1500.0  # input audio time (the mic runs at 4x)
                await until(lambda: pipeline.now_ms > later, "1.5 s of input audio")
                await call(bus.address, "SendText", "yes")
                await run.settled(2)
                return run.replies(2), _door_frames(capture)
            finally:
                capture.close()

    replies, doors = asyncio.run(drive())
    assert replies == [DROPPED_REPLY["expired"]]
    assert doors == []


def test_push_to_talk_twice_leaves_no_turn_that_never_ends(
        fast_start: None, tmp_path: Path, bus: BusDaemon) -> None:
    config = _config(tmp_path, bus)

    async def drive() -> tuple[str, str, list[ev.Event]]:
        async with running(config) as run:
            pipeline = run.daemon.pipeline
            assert pipeline is not None
            first = (await call(bus.address, "PushToTalk")).out
            await until(lambda: pipeline.state == "listening", "listening")
            second = (await call(bus.address, "PushToTalk")).out
            # silence: the no-speech timeout ends the listening turn
            await until(lambda: any(isinstance(e, ev.SpeechEnd) for e in run.events),
                        "the end of the listening turn")
            await until(lambda: pipeline.state == "idle" and not pipeline.turns_running,
                        "idle")
            return first, second, list(run.events)

    first, second, events = asyncio.run(drive())
    assert first == second == "(uint32 1,)\n"  # the second press joined the listening turn
    ended = [e.turn for e in events if isinstance(e, ev.SpeechEnd)]
    assert ended == [1], [e.to_dict() for e in events]
