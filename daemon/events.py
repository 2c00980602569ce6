"""Typed pipeline events and the JSONL event log.

Every event has ``type`` and ``t_ms``: milliseconds of INPUT AUDIO time (monotonic within a run),
so a replay of the same file gives the same timeline whatever the machine's speed. Fields that
measure processing time (``latency_ms``, ``processing_ms``) are wall-clock milliseconds and vary.
The schema is documented in docs/events.md; later stages extend it, never break it.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True, kw_only=True)
class Event:
    """Base of every event.

    Attributes:
        t_ms: input audio time, ms.
        turn: turn number (1-based) the event belongs to; 0 outside a turn.
    """

    type: ClassVar[str] = "event"
    t_ms: float
    turn: int = 0

    def to_dict(self) -> dict[str, object]:
        """The JSON object written to the log (``type`` first)."""
        body = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        body["t_ms"] = round(float(self.t_ms), 1)
        return {"type": self.type, **body}


@dataclass(frozen=True, kw_only=True)
class Ready(Event):
    """The pipeline has loaded its models and starts reading audio."""

    type: ClassVar[str] = "ready"
    asr_backend: str
    wake_words: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class Wake(Event):
    """A wake word was detected (t_ms = end of the 80 ms block that crossed the threshold)."""

    type: ClassVar[str] = "wake"
    model: str
    score: float


@dataclass(frozen=True, kw_only=True)
class SpeechStart(Event):
    """The VAD found the start of the driver's speech."""

    type: ClassVar[str] = "speech_start"


@dataclass(frozen=True, kw_only=True)
class SpeechEnd(Event):
    """The endpointer decided the utterance ended (t_ms = the decision time).

    Attributes:
        reason: ``silence``, ``max_length`` or ``no_speech``.
        last_speech_ms: input time of the end of the last speech frame, ms.
    """

    type: ClassVar[str] = "speech_end"
    reason: str
    last_speech_ms: float


@dataclass(frozen=True, kw_only=True)
class Transcript(Event):
    """What the recogniser heard."""

    type: ClassVar[str] = "transcript"
    final: bool
    text: str
    backend: str
    processing_ms: float = 0.0
    confidence: float | None = None
    alternative: bool = False
    doubted: bool = False
    """The recogniser's beam named another free text as likely (``asr.value_margin``)."""


@dataclass(frozen=True, kw_only=True)
class Intent(Event):
    """What the driver wants, as a tool name and arguments (or ``none``)."""

    type: ClassVar[str] = "intent"
    source: str
    name: str
    args: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Llm(Event):
    """The language model answered (what the fast path could not).

    Attributes:
        source: ``local`` (llama.cpp), ``cloud`` or ``none`` (every model failed).
        kind: ``calls``, ``say``, ``clarify``, ``decline`` or ``unavailable``.
        first_token_ms: wall-clock ms from the request to the first generated token.
        total_ms: wall-clock ms of the whole answer.
        prompt_tokens: tokens in the prompt; ``cached_tokens`` of them came from the cache.
        generated_tokens: tokens generated.
    """

    type: ClassVar[str] = "llm"
    source: str
    kind: str
    first_token_ms: float = 0.0
    total_ms: float = 0.0
    prompt_tokens: int = 0
    cached_tokens: int = 0
    generated_tokens: int = 0


@dataclass(frozen=True, kw_only=True)
class ManualAnswer(Event):
    """A question was answered from the owner's manual (or the manual did not cover it).

    Attributes:
        source: always ``manual``.
        covered: a section answered; False: "The manual doesn't cover that."
        section: the section id cited ("tyre-pressures"; "" when not covered).
        title: the section's title ("" when not covered).
        score: the best section's BM25 score (0 when nothing matched).
        processing_ms: wall-clock ms to retrieve and extract the answer.
    """

    type: ClassVar[str] = "manual"
    source: str = "manual"
    covered: bool
    section: str = ""
    title: str = ""
    score: float = 0.0
    processing_ms: float = 0.0


@dataclass(frozen=True, kw_only=True)
class ToolCall(Event):
    """A vehicle tool is being called."""

    type: ClassVar[str] = "tool_call"
    name: str
    args: dict[str, object]


@dataclass(frozen=True, kw_only=True)
class ToolResultEvent(Event):
    """What the car reported after a tool call (or why it failed)."""

    type: ClassVar[str] = "tool_result"
    name: str
    ok: bool
    state: dict[str, object] = field(default_factory=dict)
    error: str | None = None
    processing_ms: float = 0.0


@dataclass(frozen=True, kw_only=True)
class Reply(Event):
    """The text the assistant answers with."""

    type: ClassVar[str] = "reply"
    text: str


@dataclass(frozen=True, kw_only=True)
class AudioOut(Event):
    """The first reply sample is ready to play.

    Attributes:
        latency_ms: wall-clock ms from the end of the utterance (endpoint) to this sample.
        tts_first_ms: wall-clock ms from the reply text to this sample (synthesis only).
        duration_ms: length of the whole reply audio, ms.
        after_endpoint_ms: wall-clock ms from the endpoint decision itself to this sample
            (`latency_ms` counts from the transcript peek that overlapped the final silence);
            None in logs written before it existed.
    """

    type: ClassVar[str] = "audio_out"
    latency_ms: float
    duration_ms: float
    tts_first_ms: float = 0.0
    after_endpoint_ms: float | None = None


@dataclass(frozen=True, kw_only=True)
class Interrupted(Event):
    """The driver spoke over the reply and playback stopped (t_ms = when it stopped).

    Attributes:
        reason: ``speech`` (VAD barge-in) or ``wake`` (wake word during the reply).
        played_ms: how much of the reply had been played, ms.
        total_ms: the reply's full length (what was synthesized so far), ms.
        heard_text: the sentences or clauses played at least in part.
    """

    type: ClassVar[str] = "interrupted"
    reason: str
    played_ms: float
    total_ms: float
    heard_text: str


@dataclass(frozen=True, kw_only=True)
class PlaybackEnd(Event):
    """A reply finished playing in full (t_ms = its last sample)."""

    type: ClassVar[str] = "playback_end"
    played_ms: float


@dataclass(frozen=True, kw_only=True)
class ErrorEvent(Event):
    """Something failed; ``code`` is stable (see daemon/errors.py and vehicle_tools/errors.py)."""

    type: ClassVar[str] = "error"
    code: str
    message: str


class EventLog:
    """Collects events in order and optionally streams them as JSON lines.

    Args:
        stream: a text file to append one JSON object per line to (flushed per event), or None.
    """

    def __init__(self, stream: IO[str] | None = None) -> None:
        self._stream = stream
        self.events: list[Event] = []
        self._subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, callback: Callable[[Event], None]) -> None:
        """Call `callback` with every event emitted from now on (on the emitting thread).

        A subscriber that raises is logged; the event is still kept and sent to the others.
        """
        self._subscribers.append(callback)

    def emit(self, event: Event) -> None:
        """Record `event` (and write it to the stream, if any)."""
        self.events.append(event)
        if self._stream is not None:
            self._stream.write(json.dumps(event.to_dict(), ensure_ascii=False) + "\n")
            self._stream.flush()
        for callback in self._subscribers:
            try:
                callback(event)
            except Exception:  # a broken listener (HMI, recorder) must not stop the pipeline
                _LOG.exception("event subscriber %r failed", callback)

    def of_type(self, kind: type[Event]) -> list[Event]:
        """The recorded events of one class, in order."""
        return [e for e in self.events if isinstance(e, kind)]


def read_jsonl(path: Path) -> list[dict[str, object]]:
    """Read an event log written by `EventLog` (one JSON object per line; blank lines skipped).

    Raises:
        OSError: the file cannot be read.
        ValueError: the first line that is not an event (not UTF-8, not JSON, not an object with
            a string ``type`` and a numeric ``t_ms``), named as ``file:line: why``.
    """
    rows: list[dict[str, object]] = []
    with path.open("rb") as fh:  # lines end at b"\n" only, as EventLog writes them
        for number, raw in enumerate(fh, 1):
            try:
                row = _event_row(raw)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: {exc}") from None
            if row is not None:
                rows.append(row)
    return rows


def _event_row(raw: bytes) -> dict[str, object] | None:
    """One line of an event log as its JSON object; None for a blank line.

    Raises:
        ValueError: why the line is not an event (short: the line itself may be megabytes).
    """
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text (byte {exc.start} of the line)") from None
    if not line.strip():
        return None
    try:
        row = json.loads(line)
    except RecursionError:
        raise ValueError("not an event: JSON nested too deeply") from None
    except ValueError as exc:  # json.JSONDecodeError
        raise ValueError(f"not JSON ({str(exc)[:120]})") from None
    t_ms = row.get("t_ms") if isinstance(row, dict) else None
    if not isinstance(row, dict) or not isinstance(row.get("type"), str) \
            or not isinstance(t_ms, int | float) or isinstance(t_ms, bool):
        raise ValueError("not an event (needs 'type' as a string and 't_ms' as a number)")
    return row
