"""Per-turn latency metrics computed from an event log (pure; works on JSONL rows).

Audio-time figures come from ``t_ms`` (deterministic in replay); processing figures from the
wall-clock fields. Voice-to-voice = end of the driver's last word -> first reply sample, i.e. the
endpointing delay (audio time) plus the processing after the endpoint (wall clock).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

METRICS = ("eou_delay_ms", "asr_final_ms", "tool_ms", "tts_first_ms", "reply_latency_ms",
           "voice_to_voice_ms")


@dataclass(frozen=True)
class TurnMetrics:
    """One turn's latencies in ms (absent when the turn had no such step)."""

    turn: int
    values: dict[str, float] = field(default_factory=dict)


def _num(row: Mapping[str, object], key: str) -> float | None:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else None


def turn_metrics(rows: Iterable[Mapping[str, object]]) -> list[TurnMetrics]:
    """Latencies per turn from event-log rows (dicts with ``type``, ``t_ms``, ``turn``)."""
    turns: dict[int, dict[str, float]] = {}
    for row in rows:
        turn = row.get("turn")
        if not isinstance(turn, int) or turn <= 0:
            continue
        values = turns.setdefault(turn, {})
        kind = row.get("type")
        t_ms, last = _num(row, "t_ms"), _num(row, "last_speech_ms")
        if kind == "speech_end" and row.get("reason") == "silence" and t_ms is not None \
                and last is not None:
            values["eou_delay_ms"] = t_ms - last
        elif kind == "transcript" and row.get("final") is True:
            _put(values, "asr_final_ms", _num(row, "processing_ms"))
        elif kind == "tool_result":
            _put(values, "tool_ms", _num(row, "processing_ms"))
        elif kind == "audio_out":
            _put(values, "tts_first_ms", _num(row, "tts_first_ms"))
            _put(values, "reply_latency_ms", _num(row, "latency_ms"))
    for values in turns.values():
        if "eou_delay_ms" in values and "reply_latency_ms" in values:
            values["voice_to_voice_ms"] = values["eou_delay_ms"] + values["reply_latency_ms"]
    return [TurnMetrics(t, v) for t, v in sorted(turns.items())]


def _put(values: dict[str, float], key: str, value: float | None) -> None:
    if value is not None:
        values[key] = value


@dataclass(frozen=True)
class Summary:
    """Distribution of one metric, ms."""

    n: int
    p50: float
    p95: float
    mean: float


def summarize(samples: Sequence[float]) -> Summary | None:
    """p50/p95/mean of `samples` (None when empty)."""
    if not samples:
        return None
    arr = np.asarray(samples, dtype=float)
    return Summary(len(arr), float(np.percentile(arr, 50)), float(np.percentile(arr, 95)),
                   float(arr.mean()))


def collect(turns: Iterable[TurnMetrics]) -> dict[str, list[float]]:
    """Metric name -> every turn's value."""
    out: dict[str, list[float]] = {m: [] for m in METRICS}
    for t in turns:
        for key, value in t.values.items():
            out.setdefault(key, []).append(value)
    return out
