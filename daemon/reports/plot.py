"""`cabin replay --plot`: a replay's turns drawn as a timeline (PNG, no display needed).

Top: the input waveform with the driver's speech shaded and the events marked. Bottom: one lane
per stage. Spans in input-audio time come straight from the event log (listening, speech, the
end-of-utterance wait, playback). The processing after the endpoint (ASR finalisation, LLM, tool
call, TTS to first audio) is measured in wall-clock ms; a fast replay stops the input clock while
it runs, so those spans are drawn one after the other from the endpoint, with the first reply
sample where it would fall live. `timeline` is pure (tested by feeding it rows); `render` draws.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.audio.wavio import read_wav
from daemon.errors import CabinError
from daemon.reports.mpl import figure_class

_LOG = logging.getLogger(__name__)

LANES = ("listening", "speech", "end of utterance", "ASR finalisation", "LLM", "tool",
         "TTS first audio", "until first audio", "playback")
"""The stage lanes, top to bottom."""
WALL_LANES = frozenset({"ASR finalisation", "LLM", "tool", "TTS first audio",
                        "until first audio"})
"""Lanes whose spans are wall-clock durations placed after the endpoint."""
MARGIN_MS = 600.0
"""Audio shown before and after a single turn, ms."""


class PlotError(CabinError):
    """A plot cannot be drawn as asked (no such turn, an empty log)."""

    code = "plot_invalid"


@dataclass(frozen=True)
class Span:
    """A stage's activity: `lane` from `start_ms` to `end_ms` (ms), with a short label."""

    lane: str
    start_ms: float
    end_ms: float
    label: str = ""


@dataclass(frozen=True)
class Marker:
    """An event at `t_ms` (ms); `level` staggers labels that would overlap (0 = top row)."""

    t_ms: float
    label: str
    kind: str
    level: int = 0


@dataclass(frozen=True)
class Timeline:
    """What to draw, ms of input audio."""

    spans: tuple[Span, ...]
    markers: tuple[Marker, ...]
    start_ms: float
    end_ms: float
    turns: tuple[int, ...]


def _num(row: Mapping[str, object], key: str) -> float:
    value = row.get(key)
    return float(value) if isinstance(value, int | float) else 0.0


def _short(text: object, limit: int = 28) -> str:
    s = str(text)
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _marker_label(row: Mapping[str, object]) -> str | None:
    kind = row.get("type")
    labels: dict[object, str] = {
        "wake": f"wake {_num(row, 'score'):.2f}",
        "speech_start": "speech start",
        "speech_end": f"endpoint ({row.get('reason')})",
        "tool_call": f"tool {row.get('name')}",
        "interrupted": f"barge-in ({row.get('reason')})",
        "playback_end": "playback end",
        "error": f"error {row.get('code')}",
    }
    if kind == "transcript" and row.get("final") is True:
        return f'"{_short(row.get("text"))}"'
    return labels.get(kind)


class _Turn:
    """The rows of one turn, by type (first of each kind, and the wall-clock sums)."""

    def __init__(self, rows: list[Mapping[str, object]]) -> None:
        self.rows = rows
        self.first: dict[str, Mapping[str, object]] = {}
        self.llm_ms = self.tool_ms = 0.0
        for row in rows:
            kind = str(row.get("type"))
            if kind == "transcript" and row.get("final") is not True:
                continue
            self.first.setdefault(kind, row)
            if kind == "llm":
                self.llm_ms += _num(row, "total_ms")
            elif kind == "tool_result":
                self.tool_ms += _num(row, "processing_ms")

    def spans(self) -> list[Span]:
        out: list[Span] = []
        end, start = self.first.get("speech_end"), self.first.get("speech_start")
        opened = self.first.get("wake", start or end)
        if end is not None and opened is not None:
            out.append(Span("listening", _num(opened, "t_ms"), _num(end, "t_ms")))
        if start is not None and end is not None:
            out.append(Span("speech", _num(start, "t_ms"), _num(end, "last_speech_ms")))
        if end is not None and end.get("reason") == "silence":
            last, decided = _num(end, "last_speech_ms"), _num(end, "t_ms")
            out.append(Span("end of utterance", last, decided, f"{decided - last:.0f} ms"))
        if end is not None:
            out.extend(self._processing(_num(end, "t_ms")))
        out.extend(self._playback())
        return out

    def _processing(self, endpoint_ms: float) -> list[Span]:
        transcript, audio = self.first.get("transcript"), self.first.get("audio_out")
        steps = [("ASR finalisation", _num(transcript, "processing_ms") if transcript else 0.0),
                 ("LLM", self.llm_ms), ("tool", self.tool_ms),
                 ("TTS first audio", _num(audio, "tts_first_ms") if audio else 0.0)]
        out, cursor = [], endpoint_ms
        for lane, ms in steps:
            if ms > 0.0:
                out.append(Span(lane, cursor, cursor + ms, f"{ms:.0f} ms"))
                cursor += ms
        if audio is not None and (wait := _first_audio_wait(audio)) > 0.0:
            out.append(Span("until first audio", endpoint_ms, endpoint_ms + wait,
                            f"{wait:.0f} ms"))
        return out

    def _playback(self) -> list[Span]:
        audio = self.first.get("audio_out")
        if audio is None:
            return []
        start = _num(audio, "t_ms")
        stops = [r for r in self.rows if r.get("type") in ("playback_end", "interrupted")]
        stop = _num(stops[0], "t_ms") if stops else start + _num(audio, "duration_ms")
        return [Span("playback", start, stop, "interrupted" if stops and
                     stops[0].get("type") == "interrupted" else "")]

    def first_audio_marker(self) -> Marker | None:
        """The first reply sample, where it falls live: after the endpoint by its wall latency."""
        audio, end = self.first.get("audio_out"), self.first.get("speech_end")
        if audio is None or end is None:
            return None
        wait = _first_audio_wait(audio)
        return Marker(_num(end, "t_ms") + wait, f"first audio +{wait:.0f} ms (wall)", "audio_out")


def _first_audio_wait(audio_out: Mapping[str, object]) -> float:
    """Wall ms from the endpoint decision to the first reply sample (``after_endpoint_ms``
    when the log has it, else ``latency_ms``, which may start at an earlier transcript peek)."""
    after = audio_out.get("after_endpoint_ms")
    if after is None:
        after = audio_out.get("latency_ms")
    return float(after) if isinstance(after, int | float) else 0.0


def stagger(markers: Iterable[Marker], min_gap_ms: float, levels: int = 5) -> list[Marker]:
    """Give each marker the first label row free for `min_gap_ms` before it (cycling)."""
    last_at = [-float("inf")] * levels
    out: list[Marker] = []
    for i, m in enumerate(sorted(markers, key=lambda x: x.t_ms)):
        free = [lv for lv in range(levels) if m.t_ms - last_at[lv] >= min_gap_ms]
        level = free[0] if free else i % levels
        last_at[level] = m.t_ms
        out.append(Marker(m.t_ms, m.label, m.kind, level))
    return out


def timeline(rows: Sequence[Mapping[str, object]], *, turn: int | None = None,
             audio_ms: float | None = None) -> Timeline:
    """The spans and markers of `turn` (every turn when None) from event-log rows.

    Args:
        rows: the event log (``type``, ``t_ms``, ``turn`` and each type's fields).
        turn: draw this turn only, with `MARGIN_MS` around it.
        audio_ms: the input's length, ms (the least x range of a whole replay).

    Raises:
        PlotError: `turn` is not in the log, or the log has no turns to draw.
    """
    by_turn: dict[int, list[Mapping[str, object]]] = {}
    for row in rows:
        number = row.get("turn")
        if isinstance(number, int) and number > 0:
            by_turn.setdefault(number, []).append(row)
    chosen = sorted(by_turn) if turn is None else [turn]
    if turn is not None and turn not in by_turn:
        raise PlotError(f"turn {turn} is not in this replay (turns: {sorted(by_turn) or 'none'})",
                        fix="pick one of the listed turns, or drop --plot-turn")
    spans: list[Span] = []
    markers: list[Marker] = []
    for number in chosen:
        t = _Turn(by_turn[number])
        spans.extend(t.spans())
        markers.extend(Marker(_num(r, "t_ms"), label, str(r.get("type")))
                       for r in t.rows if (label := _marker_label(r)) is not None)
        if (first := t.first_audio_marker()) is not None:
            markers.append(first)
    if turn is None and audio_ms is None and not spans and not markers:
        raise PlotError("the event log has no turns to draw", fix="replay a file with a wake word")
    times = [x for s in spans for x in (s.start_ms, s.end_ms)] + [m.t_ms for m in markers]
    if turn is None:  # replies may play on after the input ends: show them whole
        lo, hi = 0.0, max([*times, audio_ms or 0.0], default=1000.0)
    else:
        lo, hi = max(min(times) - MARGIN_MS, 0.0), max(times) + MARGIN_MS
    gap = (hi - lo) * 0.1
    return Timeline(tuple(spans), tuple(stagger(markers, gap)), lo, max(hi, lo + 1.0),
                    tuple(chosen))


def envelope(samples: npt.NDArray[np.int16], rate_hz: int, start_ms: float, end_ms: float,
             bins: int = 1500) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64],
                                        npt.NDArray[np.float64]]:
    """Min/max envelope of the audio between `start_ms` and `end_ms`, full scale = 1.0.

    Returns:
        (bin start times in s, minima, maxima), at most `bins` bins of equal length.
    """
    a = max(0, int(start_ms * rate_hz / 1000.0))
    b = min(len(samples), int(end_ms * rate_hz / 1000.0))
    x = samples[a:b].astype(np.float64) / 32768.0
    if len(x) == 0:
        empty = np.zeros(0)
        return empty, empty, empty
    per = max(1, int(np.ceil(len(x) / bins)))
    pad = (-len(x)) % per
    grid = np.pad(x, (0, pad), mode="edge").reshape(-1, per)
    times = (a + np.arange(len(grid)) * per) / rate_hz
    return times, grid.min(axis=1), grid.max(axis=1)


_COLOURS = {"listening": "#c7d7ea", "speech": "#4c78a8", "end of utterance": "#f58518",
            "ASR finalisation": "#54a24b", "LLM": "#b279a2", "tool": "#e45756",
            "TTS first audio": "#72b7b2", "until first audio": "#bab0ac",
            "playback": "#9d755d"}


def render(tl: Timeline, samples: npt.NDArray[np.int16], rate_hz: int, out: Path,
           title: str) -> Path:
    """Draw `tl` over the waveform into the PNG `out` (Agg; no display)."""
    Figure = figure_class()  # noqa: N806  # a class; no font cache under ~/.cache

    fig = Figure(figsize=(13.0, 6.5), dpi=110, layout="constrained")
    wave_ax, lane_ax = fig.subplots(2, 1, sharex=True, height_ratios=[1.1, 1.0])
    t, lo, hi = envelope(samples, rate_hz, tl.start_ms, tl.end_ms)
    wave_ax.fill_between(t, lo, hi, color="#555555", linewidth=0.0, step="post")
    for s in tl.spans:
        if s.lane == "speech":
            wave_ax.axvspan(s.start_ms / 1000.0, s.end_ms / 1000.0, color=_COLOURS["speech"],
                            alpha=0.18, linewidth=0.0)
    for m in tl.markers:
        x = m.t_ms / 1000.0
        wave_ax.axvline(x, color="#222222", linewidth=0.7, alpha=0.7)
        wave_ax.annotate(m.label, (x, 1.0 - 0.13 * m.level), xycoords=("data", "axes fraction"),
                         fontsize=7, rotation=0, ha="left", va="top",
                         xytext=(2, -2), textcoords="offset points",
                         bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                               "alpha": 0.8})
    wave_ax.set_ylim(-1.0, 1.0)
    wave_ax.set_ylabel("input (full scale)")
    wave_ax.set_title(title, fontsize=10)
    for i, lane in enumerate(LANES):
        for s in (s for s in tl.spans if s.lane == lane):
            width = max(s.end_ms - s.start_ms, 1.0) / 1000.0
            lane_ax.broken_barh([(s.start_ms / 1000.0, width)], (i - 0.4, 0.8),
                                facecolors=_COLOURS[lane], alpha=0.55 if lane in WALL_LANES
                                else 0.9, hatch="//" if lane in WALL_LANES else None)
            if s.label:
                lane_ax.text(s.end_ms / 1000.0, i, f" {s.label}", va="center", fontsize=7)
    lane_ax.set_yticks(range(len(LANES)), [f"{x} (wall)" if x in WALL_LANES else x
                                           for x in LANES], fontsize=8)
    lane_ax.invert_yaxis()
    lane_ax.set_xlim(tl.start_ms / 1000.0, tl.end_ms / 1000.0)
    lane_ax.set_xlabel("input audio time (s); hatched: wall-clock processing after the endpoint")
    lane_ax.grid(axis="x", alpha=0.3)
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out)
    return out


def plot_replay(events: Sequence[ev.Event | Mapping[str, object]], wav: Path, out: Path, *,
                turn: int | None = None) -> Path:
    """Draw a replay of `wav` (its events) into the PNG `out`; one turn when `turn` is given.

    Raises:
        PlotError: no such turn, or nothing to draw.
        AudioInputError: `wav` cannot be read.
    """
    audio = read_wav(wav)
    rows = [e.to_dict() if isinstance(e, ev.Event) else e for e in events]
    tl = timeline(rows, turn=turn, audio_ms=audio.seconds * 1000.0)
    which = f"turn {turn}" if turn is not None else \
        f"turns {', '.join(map(str, tl.turns)) or 'none'}"
    _LOG.info("plotting %s of %s into %s", which, wav.name, out)
    return render(tl, audio.samples, audio.rate_hz, out, f"{wav.name}: {which}")
