"""Spoken questions for the manual through `cabin replay`: the session and its figures.

A session is built like the demo (tools/build_demo_session.py): for each question a real
"hey jarvis" recording, a 0.4 s pause and the question spoken by Piper, turns `TURN_GAP_S`
apart (every answer plays out before the next wake word), the real car-interior noise under all
of it at 15 dB SNR. `cabin eval manual --spoken N` replays
N tune questions and reports, per turn, what was heard, the section cited, whether the car
was called and the first audio of the answer after the end of the question
(`audio_out.latency_ms`, wall clock).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from daemon.config import REPO_ROOT, CabinConfig

SHARED = REPO_ROOT.parent / "shared"
WAKE_CLIP = "audio/wakeword/positive/pymicro-wakeword-tests/hey_jarvis_3.wav"
SNR_DB = 15.0
"""Speech-to-car-noise ratio of the session, dB."""
PAUSE_S = 0.4
"""Pause between the wake word and the question, s."""
TURN_GAP_S = 20.0
"""From the end of one question to the next wake word, s: longer than the longest answer
(~17 s). At the demo's 7 s each next "hey jarvis" barged into the answer, and whether the
pause after it ended a turn there depended on the host (CI once split one off)."""


@dataclass(frozen=True)
class SpokenTurn:
    """What one spoken question became in the replay.

    Attributes:
        question: the text Piper said.
        heard: the final transcript ("" when the turn never came).
        section: the section cited by the `manual` event ("" when none).
        tool_calls: vehicle tool calls the turn made (must be 0).
        first_audio_ms: `audio_out.latency_ms` of the answer, wall clock (None: no audio).
        reply: what was said.
    """

    question: str
    heard: str
    section: str
    tool_calls: int
    first_audio_ms: float | None
    reply: str


def build_session(out: Path, questions: Sequence[str], shared: Path = SHARED) -> Path:
    """Write the session WAV for ``questions`` at ``out`` (Piper without sampled variation,
    so the same questions give the same audio); returns ``out``."""
    import numpy as np

    if str(REPO_ROOT) not in sys.path:  # tools/ is a directory of the checkout, not installed
        sys.path.insert(0, str(REPO_ROOT))
    from daemon.audio import mix
    from daemon.audio.wavio import write_wav
    from tools.build_command_set import RATE_HZ, Sources, compose
    from tools.build_demo_session import assemble

    sources = Sources(shared, variation=False)
    utterances = [compose(sources.wake(WAKE_CLIP), sources.speak(q), PAUSE_S)
                  for q in questions]
    track, _ = assemble(utterances, TURN_GAP_S)
    res = mix.mix_at_snr(track, sources.noise, SNR_DB, np.random.default_rng(0), RATE_HZ)
    out.parent.mkdir(parents=True, exist_ok=True)
    write_wav(out, mix.to_int16(res.mix), RATE_HZ)
    return out


def turns_of(events: Sequence[Any], questions: Sequence[str]) -> list[SpokenTurn]:
    """Per question, what the replay's events say happened (turn n = question n)."""
    from daemon import events as ev

    turns = []
    for n, question in enumerate(questions, 1):
        mine = [e for e in events if e.turn == n]
        heard = [e.text for e in mine if isinstance(e, ev.Transcript) and e.final]
        cited = [e.section for e in mine if isinstance(e, ev.ManualAnswer)]
        audio = [e.latency_ms for e in mine if isinstance(e, ev.AudioOut)]
        said = [e.text for e in mine if isinstance(e, ev.Reply)]
        turns.append(SpokenTurn(question, heard[-1] if heard else "",
                                cited[0] if cited else "",
                                sum(isinstance(e, ev.ToolCall) for e in mine),
                                audio[0] if audio else None, said[0] if said else ""))
    return turns


def replay_questions(config: CabinConfig, questions: Sequence[str],
                     work: Path) -> list[SpokenTurn]:
    """Build the session for ``questions`` under ``work``, replay it against the simulated
    car on a private virtual CAN channel (no language model) and return its turns."""
    from daemon.runtime.replay import replay
    from vehicle_tools.config import CanConfig, VehicleConfig

    wav = build_session(work / "manual_session.wav", questions)
    config = config.model_copy(update={
        "vehicle": VehicleConfig(can=CanConfig(channel=f"cabin-manual-{uuid.uuid4()}")),
        "llm": config.llm.model_copy(update={"enabled": False})})
    result = asyncio.run(replay(config, wav, events_path=work / "events.jsonl"))
    return turns_of(result.events, questions)


def summary(turns: Sequence[SpokenTurn], expected: Sequence[str]) -> dict[str, Any]:
    """Figures of a spoken run: turns answered from the expected section, bus calls, first
    audio p50/max (ms)."""
    firsts = [t.first_audio_ms for t in turns if t.first_audio_ms is not None]
    right = sum(t.section == want for t, want in zip(turns, expected, strict=True))
    return {"spoken_turns": len(turns), "spoken_right_section": right,
            "spoken_tool_calls": sum(t.tool_calls for t in turns),
            "first_audio_ms_p50": round(statistics.median(firsts), 1) if firsts else None,
            "first_audio_ms_max": round(max(firsts), 1) if firsts else None}
