"""Fault 6: the audio device is lost mid-capture and mid-playback.

The daemon opens the sound card itself (`device_io`: DeviceSource and DeviceSpeaker on
sounddevice, with their reconnect loops), and `sounddevice` shows it a `FakeSoundcard`: a
named microphone and amplifier that can be unplugged, failing as sounddevice 0.5 does (a
device name not found is a ValueError; no default device, or a write to a stream whose device
went away, is a `sounddevice.PortAudioError`, which is NOT an OSError).

The daemon must keep running, report each outage once as a typed ``audio_device`` error, and
hear and speak again once the device is back.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import daemon.runtime.live
from daemon import events as ev
from daemon.audio.capture import DeviceSource
from daemon.config import CabinConfig, EndpointConfig
from daemon.conversation.turn import CANNOT_DO, NOT_HEARD
from daemon.runtime_config import AudioIoConfig
from daemon.stages import Stages
from tests.faults.conftest import use_loaded
from tests.faults.fakes import FakeSoundcard
from tests.faults.harness import (
    BLOCK,
    RATE_HZ,
    Int16,
    Running,
    fault_config,
    running,
    until,
    wake_pad,
    wav_samples,
)

pytestmark = pytest.mark.slow
MIC, AMP = "Cabin USB mic", "Cabin amplifier"
TEMPERATURE = ["Okay. The temperature is set to 21 degrees."]
FAN = ["Okay. The fan is set to level 2."]
CUT_S = 2.1
"""Where the second utterance is cut, s: the wake word ends at 1.88 s of the test command and
fires at about 2.04 s; "set the temperature ..." starts at 2.31 s."""


class CountingSource(DeviceSource):
    """DeviceSource counting the chunks it hands the pipeline (= the pipeline's chunk index:
    the fake card never runs far enough ahead for a drop)."""

    made: ClassVar[list[CountingSource]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.yielded = 0
        CountingSource.made.append(self)

    async def chunks(self) -> AsyncIterator[Int16]:
        async for chunk in super().chunks():
            self.yielded += 1
            yield chunk


def silence(seconds: float) -> Int16:
    return np.zeros(int(seconds * RATE_HZ), dtype=np.int16)


def chunks(samples: Int16) -> Int16:
    """`samples` padded to whole 20 ms chunks and to a multiple of 80 ms: the next recording
    keeps the wake word's phase (`FakeSoundcard.on_open` puts the stream's start at it)."""
    return np.concatenate([samples, np.zeros(-len(samples) % (4 * BLOCK), dtype=np.int16)])


def sound_card(mp: pytest.MonkeyPatch, run_of: list[Running], **devices: str | None
               ) -> FakeSoundcard:
    """A FakeSoundcard installed under daemon.runtime.live's device I/O."""
    CountingSource.made = []
    mp.setattr(daemon.runtime.live, "DeviceSource", CountingSource)

    def consumed() -> int:
        pipeline = run_of[0].daemon.pipeline if run_of else None
        return int(pipeline.now_ms * RATE_HZ / 1000) // BLOCK if pipeline else 0

    card = FakeSoundcard(mic=devices.get("mic"), speaker=devices.get("speaker"),
                         consumed=consumed)
    card.on_open = lambda: wake_pad(CountingSource.made[-1].yielded)

    def idle() -> bool:
        pipeline = run_of[0].daemon.pipeline if run_of else None
        return pipeline is not None and pipeline.state == "idle" and not pipeline.turns_running
    card.idle = idle
    card.install(mp)
    return card


def audio_config(tmp: Path, mic: str | None, amp: str | None) -> CabinConfig:
    """The sound card by device names; reconnecting from 50 ms on; replies at 16 kHz."""
    return fault_config(tmp, audio=AudioIoConfig(input_device=mic, output_device=amp,
                                                 output_rate_hz=RATE_HZ, retry_s=0.05))


def test_microphone_lost_mid_capture(fast_start: None, tmp_path: Path, command_wav_10db: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    command = wav_samples(command_wav_10db)
    run_of: list[Running] = []
    card = sound_card(monkeypatch, run_of, mic=MIC, speaker=AMP)
    # Opening 1: a whole command, its answer, then "hey jarvis" and the device is unplugged.
    card.mic_scripts.append(([chunks(silence(1.0)), chunks(command), None,
                              chunks(command[:int(CUT_S * RATE_HZ)])], True))
    # The device is away for 3 lookups, then back: silence, then the command again.
    card.reopen_failures = 3
    card.mic_scripts.append(([chunks(silence(2.5)), chunks(command)], False))
    config = audio_config(tmp_path, MIC, AMP).model_copy(
        update={"endpoint": EndpointConfig(no_speech_timeout_s=2.0)})

    async def drive() -> tuple[dict[int, list[str]], list[ev.ErrorEvent], list[int], bool]:
        async with running(config, devices=True) as run:
            run_of.append(run)
            pipeline = run.daemon.pipeline
            assert pipeline is not None

            def answered(turn: int) -> bool:
                return bool(run.replies(turn)) and pipeline.turns_running == 0
            await until(lambda: answered(3) or not run.alive, "three turns")
            replies = {n: run.replies(n) for n in (1, 2, 3)}
            wakes = [e.turn for e in run.events if isinstance(e, ev.Wake)]
            cut_calls = run.of_turn(2, ev.ToolCall)
            return replies, run.errors(), wakes + [-1] * len(cut_calls), run.alive

    replies, errors, wakes, alive = asyncio.run(drive())
    source = CountingSource.made[0]
    assert alive
    # nothing was sent to the car in turn 2 (no -1); turn 3 starts with its wake word, or
    # without one when it begins inside turn 2's follow-up window (dialogue.follow_up_s):
    # which depends on how long turn 2 took to decide, not on the outage
    assert wakes in ([1, 2, 3], [1, 2])
    assert replies[1] == replies[3] == TEMPERATURE
    # Turn 2 heard the wake word and at most the onset of the next word ("set"): not a command.
    assert replies[2] in ([NOT_HEARD], [CANNOT_DO])
    [error] = errors  # one outage, reported once (not once per reopening attempt)
    assert error.code == "audio_device" and "no audio" in error.message
    assert card.failed_lookups == 3 and len(card.inputs) == 2
    assert source.outages == 1 and source.dropped == 0


@dataclass
class Playback:
    """What happened when the amplifier went away in the middle of a reply."""

    replies: dict[str, list[str]]
    errors: list[ev.ErrorEvent]
    reply_ms: list[float]
    ends_ms: list[float]
    played_ms: float
    crashed: BaseException | None


@pytest.fixture(scope="module")
def playback_lost(stages: Stages, tmp_path_factory: pytest.TempPathFactory
                  ) -> Iterator[Playback]:
    tmp = tmp_path_factory.mktemp("playback")
    run_of: list[Running] = []
    replies: dict[str, list[str]] = {}
    reply_ms: list[float] = []
    ends: list[float] = []

    async def drive() -> list[ev.ErrorEvent]:
        async with running(audio_config(tmp, MIC, AMP), devices=True) as run:
            run_of.append(run)
            for name in ("lost", "after"):
                turn = await run.text("set the fan to level two", play_out=True)
                replies[name] = run.replies(turn)
                reply_ms.extend(e.duration_ms for e in run.of_turn(turn, ev.AudioOut))
                ends.extend(e.played_ms for e in run.of_turn(turn, ev.PlaybackEnd))
            return run.errors()

    crashed: BaseException | None = None
    errors: list[ev.ErrorEvent] = []
    with pytest.MonkeyPatch.context() as mp:
        use_loaded(stages, mp)
        card = sound_card(mp, run_of, mic=MIC, speaker=AMP)
        card.write_failures = {20}  # 0.4 s into the first reply
        card.speaker_away_lookups = 3
        try:
            errors = asyncio.run(drive())
        except BaseException as exc:
            crashed = exc
    yield Playback(replies, errors, reply_ms, ends, card.played_samples * 1000.0 / RATE_HZ,
                   crashed)


def test_amplifier_lost_mid_playback(playback_lost: Playback) -> None:
    assert playback_lost.crashed is None, repr(playback_lost.crashed)
    assert playback_lost.replies == {"lost": FAN, "after": FAN}
    assert any(e.code == "audio_device" for e in playback_lost.errors)
    # Both replies played in full (the first resumed where the device failed): the device
    # took every sample, and each reply ended without being cut.
    assert len(playback_lost.reply_ms) == 2
    assert playback_lost.played_ms >= sum(playback_lost.reply_ms) - 1.0
    assert playback_lost.ends_ms == pytest.approx(playback_lost.reply_ms, abs=0.2)


def test_amplifier_outage_is_reported_once(playback_lost: Playback) -> None:
    assert playback_lost.crashed is None
    assert [e.code for e in playback_lost.errors] == ["audio_device"]


def test_no_microphone_at_all(fast_start: None, tmp_path: Path,
                              monkeypatch: pytest.MonkeyPatch) -> None:
    card = sound_card(monkeypatch, [], mic=None, speaker=AMP)

    async def drive() -> tuple[list[str], list[ev.ErrorEvent], bool]:
        async with running(audio_config(tmp_path, None, AMP), devices=True) as run:
            n = await run.text("set the fan to level two")  # the head unit still works
            return run.replies(n), run.errors(), run.alive

    replies, errors, alive = asyncio.run(drive())
    assert alive and replies == FAN
    assert [e.code for e in errors] == ["audio_device"]
    assert card.inputs == []
