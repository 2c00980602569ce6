"""Per-turn latency metrics computed from an event log (pure; works on JSONL rows).

Audio-time figures come from ``t_ms`` (deterministic in replay); processing figures from the
wall-clock fields (``processing_ms``, ``latency_ms``...). A metric whose event or field is absent
from a turn (no tool call, no LLM, an older log) is simply not reported for that turn.

Voice-to-voice = end of the driver's last word -> first reply sample. A fast replay stops the
input clock while a turn is processed, so it is rebuilt from its parts: the endpointing wait
(audio time) and the wall-clock processing after it. `AudioOut.latency_ms` counts from the start
of the last transcript peek (at the start of the final silence) when there was one, so the decode
ran *during* the silence; when the event also says how much of it came after the endpoint
decision (``after_endpoint_ms``) the overlap is taken into account, else the sum is reported (an
upper bound).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

METRICS: dict[str, str] = {
    "eou_delay_ms": "end of utterance: last speech -> endpoint decision (audio time)",
    "asr_final_ms": "ASR finalisation after the endpoint (transcript.processing_ms)",
    "llm_first_token_ms": "LLM: prompt -> first generated token (llm.first_token_ms)",
    "llm_tool_call_ms": "LLM: prompt -> complete tool call (llm.total_ms of the call's generation)",
    "tool_ms": "vehicle tool round trip, first call of the turn (tool_result.processing_ms)",
    "tts_first_ms": "TTS: reply text -> first audio sample (audio_out.tts_first_ms)",
    "reply_latency_ms": "endpoint (or last peek) -> first reply sample (audio_out.latency_ms)",
    "voice_to_voice_ms": "end of the driver's speech -> first reply sample (every turn)",
    "fast_path_voice_to_voice_ms": "voice to voice of the turns the fast path understood",
    "llm_voice_to_voice_ms": "voice to voice of the turns the language model answered",
    "barge_in_stop_ms": "driver speech onset over a reply -> playback stopped (audio time)",
    "word_end_voice_to_voice_ms": "bench only: the command's ground-truth end -> first reply "
                                  "sample (adds the VAD's lag after the last word)",
    "fast_path_word_end_voice_to_voice_ms": "the same, for the turns the fast path understood",
    "llm_word_end_voice_to_voice_ms": "the same, for the turns the language model answered",
}
"""Every metric name (ms) and what it measures, in report order."""


@dataclass(frozen=True)
class TurnMetrics:
    """One turn's latencies in ms (a metric is absent when the turn had no such step)."""

    turn: int
    values: Mapping[str, float] = field(default_factory=dict)


def _num(row: Mapping[str, object], key: str) -> float | None:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) \
        else None


def _put(values: dict[str, float], key: str, value: float | None) -> None:
    """Record the turn's FIRST occurrence of a metric (what the driver waits for)."""
    if value is not None and key not in values:
        values[key] = value


class _TurnState:
    """What one turn's rows said so far."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.last_llm_total: float | None = None
        self.after_endpoint: float | None = None
        self.interrupted_at: float | None = None  # a VAD barge-in stopped this turn's reply
        self.speech_start: float | None = None
        self.path = ""  # "fast_path" or "llm": who understood the driver

    def add(self, row: Mapping[str, object]) -> None:
        kind, values = row.get("type"), self.values
        if kind == "speech_start" and self.speech_start is None:
            self.speech_start = _num(row, "t_ms")
        elif kind == "speech_end" and row.get("reason") == "silence":
            t_ms, last = _num(row, "t_ms"), _num(row, "last_speech_ms")
            if t_ms is not None and last is not None:
                _put(values, "eou_delay_ms", t_ms - last)
        elif kind == "transcript" and row.get("final") is True:
            _put(values, "asr_final_ms", _num(row, "processing_ms"))
        elif kind == "intent" and row.get("source") == "fast_path" and not self.path:
            self.path = "fast_path"
        elif kind == "llm":
            self.path = self.path or "llm"
            _put(values, "llm_first_token_ms", _num(row, "first_token_ms"))
            self.last_llm_total = _num(row, "total_ms")
            if row.get("kind") == "calls":  # the answer was tool calls: its total is the time
                _put(values, "llm_tool_call_ms", self.last_llm_total)
        elif kind == "tool_call":
            _put(values, "llm_tool_call_ms", self.last_llm_total)
        elif kind == "tool_result":
            _put(values, "tool_ms", _num(row, "processing_ms"))
        elif kind == "audio_out" and "reply_latency_ms" not in values:
            _put(values, "tts_first_ms", _num(row, "tts_first_ms"))
            _put(values, "reply_latency_ms", _num(row, "latency_ms"))
            self.after_endpoint = _num(row, "after_endpoint_ms")
        elif kind == "interrupted" and row.get("reason") == "speech":
            self.interrupted_at = _num(row, "t_ms")

    def voice_to_voice(self) -> float | None:
        eou, latency = self.values.get("eou_delay_ms"), self.values.get("reply_latency_ms")
        if eou is None or latency is None:
            return None
        after = self.after_endpoint
        if after is None or not 0.0 <= after <= latency:
            return eou + latency  # upper bound: any decode during the silence counted after it
        return max(eou, latency - after) + after


def turn_metrics(rows: Iterable[Mapping[str, object]]) -> list[TurnMetrics]:
    """Latencies per turn from event-log rows (dicts with ``type``, ``t_ms``, ``turn``).

    A barge-in stop time is attributed to the interrupted turn: from the onset of the speech
    that interrupted it (the ``speech_start`` of the turn that follows) to the ``interrupted``
    event, both in audio time.
    """
    turns: dict[int, _TurnState] = {}
    for row in rows:
        turn = row.get("turn")
        if isinstance(turn, int) and not isinstance(turn, bool) and turn > 0:
            turns.setdefault(turn, _TurnState()).add(row)
    out: list[TurnMetrics] = []
    for number, state in sorted(turns.items()):
        values = dict(state.values)
        if (v2v := state.voice_to_voice()) is not None:
            values["voice_to_voice_ms"] = v2v
            if state.path:
                values[f"{state.path}_voice_to_voice_ms"] = v2v
        following = turns.get(number + 1)
        if state.interrupted_at is not None and following is not None \
                and following.speech_start is not None:
            values["barge_in_stop_ms"] = state.interrupted_at - following.speech_start
        out.append(TurnMetrics(number, values))
    return out


@dataclass(frozen=True)
class Summary:
    """Distribution of one metric, ms."""

    n: int
    p50: float
    p95: float
    mean: float
    max: float


def summarize(samples: Sequence[float]) -> Summary | None:
    """p50/p95/mean/max of `samples` (None when empty)."""
    if not samples:
        return None
    arr = np.asarray(samples, dtype=float)
    return Summary(len(arr), round(float(np.percentile(arr, 50)), 1),
                   round(float(np.percentile(arr, 95)), 1), round(float(arr.mean()), 1),
                   round(float(arr.max()), 1))


def collect(turns: Iterable[TurnMetrics]) -> dict[str, list[float]]:
    """Metric name -> every turn's value (only metrics with at least one value)."""
    out: dict[str, list[float]] = {}
    for t in turns:
        for key, value in t.values.items():
            out.setdefault(key, []).append(value)
    order = list(METRICS)
    return dict(sorted(out.items(), key=lambda kv: (
        order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


@dataclass(frozen=True)
class Ratio:
    """``a / b`` of two distributions' percentiles (None when b's is 0)."""

    p50: float | None
    p95: float | None


def _div(a: float, b: float) -> float | None:
    return round(a / b, 3) if b > 0.0 else None


def ratios(a: Mapping[str, Summary], b: Mapping[str, Summary]) -> dict[str, Ratio]:
    """Per metric in both: ``a / b`` of p50 and of p95 (e.g. streaming / sequential)."""
    return {name: Ratio(_div(s.p50, b[name].p50), _div(s.p95, b[name].p95))
            for name, s in a.items() if name in b}
