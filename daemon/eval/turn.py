"""One listening turn on a recording, offline: wake word -> VAD + endpointing -> utterance.

The same pieces and rules as the daemon's listener (daemon/pipeline.py): wake word and VAD run
on every chunk of the (front-end processed) audio; after the wake word the endpointer is fed the
VAD's 32 ms windows. With faster-whisper (no streaming partials), when a silence begins after
speech the audio so far is decoded once and `daemon.hearing.completeness.completeness` of that
partial picks
the silence that ends the turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from daemon.eval.common import RATE_HZ, Int16Array
from daemon.hearing.completeness import completeness
from daemon.hearing.driver_level import DriverGate, GateParams, frame_level_db
from daemon.hearing.endpoint import Completeness, Decision, Endpointer, EndpointParams
from daemon.hearing.vad import WINDOW_S, WINDOW_SAMPLES, SileroVad
from daemon.hearing.wake import Detection, WakeWordDetector

CHUNK = 320
"""Samples fed per step (20 ms, the daemon's chunk)."""


@dataclass(frozen=True)
class TurnResult:
    """What happened in one recording.

    Attributes:
        wake: the first detection, or None.
        decision: why the turn ended (None: no wake word).
        end_ms: input time of the endpoint decision, ms.
        last_speech_ms: input time the VAD last heard speech, ms.
        utterance: audio from the wake word to the endpoint.
        partials: (time ms, partial transcript, completeness) of each quick decode.
    """

    wake: Detection | None
    decision: Decision | None
    end_ms: float
    last_speech_ms: float
    utterance: Int16Array
    partials: tuple[tuple[float, str, Completeness], ...]


def endpoint_params(silence_s: float, complete_s: float, incomplete_s: float,
                    max_s: float = 12.0, sentence_s: float = 0.3) -> EndpointParams:
    """Endpoint rules for an evaluation run, seconds."""
    return EndpointParams(silence_s=silence_s, complete_silence_s=complete_s,
                          incomplete_silence_s=incomplete_s, max_utterance_s=max_s,
                          sentence_silence_s=sentence_s)


def run_turn(audio: Int16Array, wake: WakeWordDetector, vad: SileroVad, params: EndpointParams,
             *, vad_threshold: float = 0.5,
             partial_decoder: Callable[[Int16Array], str] | None = None,
             gate: GateParams | None = None) -> TurnResult:
    """Find the wake word in `audio`, then endpoint the utterance after it.

    Args:
        audio: 16 kHz int16, already through the front end.
        wake: a fresh detector.
        vad: a fresh VAD.
        params: endpointing rules.
        vad_threshold: speech probability (0-1).
        partial_decoder: decodes the utterance so far when silence begins (None: completeness
            stays UNKNOWN, the plain `silence_s` rule).
        gate: only the driver's speech keeps the turn open (`DriverGate`); None: any speech.
    """
    ep = Endpointer(params)
    driver = DriverGate(gate) if gate is not None else None
    detection: Detection | None = None
    start_sample = 0
    state = Completeness.UNKNOWN
    partials: list[tuple[float, str, Completeness]] = []
    for pos in range(0, len(audio), CHUNK):
        chunk = audio[pos:pos + CHUNK]
        frames = vad.process(chunk)
        fired = wake.process(chunk)
        if detection is None:
            if fired:
                detection = fired[0]
                start_sample = round(detection.t_ms * RATE_HZ / 1000.0)
            continue
        for frame in frames:
            if frame.end_ms <= detection.t_ms:
                continue
            speech = frame.probability >= vad_threshold
            if driver is not None:
                end = round(frame.end_ms * RATE_HZ / 1000.0)
                level = frame_level_db(audio[max(0, end - WINDOW_SAMPLES):end])
                speech = driver.is_driver(WINDOW_S, speech, level)
            if (not speech and ep.speech_started and ep.silence_so_far_s == 0.0
                    and partial_decoder is not None):
                end = round(frame.end_ms * RATE_HZ / 1000.0)
                text = partial_decoder(audio[start_sample:end])
                state = completeness(text)
                partials.append((frame.end_ms, text, state))
            decision = ep.process(WINDOW_S, speech, state)
            if decision.ends_turn:
                end_sample = round(frame.end_ms * RATE_HZ / 1000.0)
                return TurnResult(detection, decision, frame.end_ms,
                                  detection.t_ms + ep.last_speech_end_s * 1000.0,
                                  audio[start_sample:end_sample], tuple(partials))
    if detection is None:
        return TurnResult(None, None, 0.0, 0.0, np.zeros(0, dtype=np.int16), ())
    return TurnResult(detection, Decision.END_SILENCE, len(audio) * 1000.0 / RATE_HZ,
                      detection.t_ms + ep.last_speech_end_s * 1000.0,
                      audio[start_sample:], tuple(partials))
