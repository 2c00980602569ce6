"""The speaker path: reply audio out, and what was played back to the front end as echo reference.

- `VirtualSpeaker` (replay): plays in step with the input clock. Each input chunk the listener
  consumes releases the same duration of reply audio, which is the far-end reference for that
  very chunk: exactly time-aligned, deterministic, and what barge-in timing is measured against.
- `DeviceSpeaker` (live, daemon/audio/device.py) writes to a sounddevice stream.

Both keep what was actually played per turn, so an interrupted reply knows how much was heard.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon.audio.resample import resample

RATE_HZ = 16000
Int16 = npt.NDArray[np.int16]


class ReplySink(Protocol):
    """Receives the played reply audio (a WAV file in replay, the device block when live)."""

    @property
    def rate_hz(self) -> int:
        """The rate it wants samples at, Hz."""

    def play(self, samples: Int16, rate_hz: int) -> None:
        """Take played samples."""

    def end_reply(self) -> None:
        """A reply ended."""


@dataclass(frozen=True)
class Finished:
    """A reply that stopped playing.

    Attributes:
        turn: its turn.
        played_ms: how much of it was played, ms.
        total_ms: its full length, ms.
        heard_text: the pieces (sentences/clauses) played; a piece cut short keeps the share
            of its words that was played, followed by "...".
        interrupted: True when cut short.
    """

    turn: int
    played_ms: float
    total_ms: float
    heard_text: str
    interrupted: bool


class Speaker(Protocol):
    """The reply output the pipeline and the turns use (`VirtualSpeaker`, `DeviceSpeaker`)."""

    @property
    def busy(self) -> bool:
        """True while a reply is queued or playing."""

    @property
    def current_turn(self) -> int | None:
        """The turn whose reply is playing, if any."""

    def enqueue(self, turn: int, samples: Int16, rate_hz: int, text: str) -> None:
        """Queue one synthesized piece of turn `turn`'s reply."""

    def end_reply(self, turn: int) -> None:
        """Every piece of `turn`'s reply has been queued."""

    def advance(self, n: int) -> Int16:
        """The echo reference for the next `n` microphone samples (16 kHz)."""

    def interrupt(self) -> Finished | None:
        """Stop the playing reply; returns what was played of it."""

    def drain_finished(self) -> list[Finished]:
        """Replies that ended since the last call."""


@dataclass
class _Segment:
    turn: int
    text: str
    ref: Int16  # 16 kHz, the echo reference
    out: Int16  # at the sink's rate
    pos: int = 0  # samples of `ref` played


@dataclass
class _Reply:
    turn: int
    segments: deque[_Segment] = field(default_factory=deque)
    played: int = 0  # 16 kHz samples
    total: int = 0
    heard: list[str] = field(default_factory=list)
    complete: bool = False  # every segment has been queued


class VirtualSpeaker:
    """Plays replies in input-audio time (replay), recording them to a `WavSink`.

    Args:
        sink: receives every played sample at its own rate (None: discard).
    """

    def __init__(self, sink: ReplySink | None = None) -> None:
        self._sink = sink
        self._replies: deque[_Reply] = deque()
        self.finished: list[Finished] = []

    @property
    def busy(self) -> bool:
        """True while a reply is queued or playing."""
        return bool(self._replies)

    @property
    def current_turn(self) -> int | None:
        """The turn whose reply is playing, if any."""
        return self._replies[0].turn if self._replies else None

    def enqueue(self, turn: int, samples: Int16, rate_hz: int, text: str) -> None:
        """Queue one synthesized piece of turn `turn`'s reply."""
        reply = self._reply(turn)
        out_rate = self._sink.rate_hz if self._sink is not None else RATE_HZ
        seg = _Segment(turn, text, resample(samples, rate_hz, RATE_HZ),
                       resample(samples, rate_hz, out_rate))
        reply.segments.append(seg)
        reply.total += len(seg.ref)

    def end_reply(self, turn: int) -> None:
        """Every piece of `turn`'s reply has been queued."""
        self._reply(turn).complete = True
        self._retire()

    def advance(self, n: int) -> Int16:
        """Play `n` samples' worth (16 kHz) of reply audio; returns the played reference."""
        ref = np.zeros(n, dtype=np.int16)
        filled = 0
        while filled < n and self._replies:
            reply = self._replies[0]
            if not reply.segments:
                if not reply.complete:
                    break
                self._retire()
                continue
            seg = reply.segments[0]
            take = min(n - filled, len(seg.ref) - seg.pos)
            ref[filled:filled + take] = seg.ref[seg.pos:seg.pos + take]
            self._play_out(seg, seg.pos, seg.pos + take)
            if seg.pos == 0 and take > 0:
                reply.heard.append(seg.text)
            seg.pos += take
            reply.played += take
            filled += take
            if seg.pos >= len(seg.ref):
                reply.segments.popleft()
            self._retire()
        return ref

    def interrupt(self) -> Finished | None:
        """Stop the playing reply now (and drop it); returns what was played of it."""
        if not self._replies:
            return None
        reply = self._replies.popleft()
        heard = list(reply.heard)
        if reply.segments and 0 < reply.segments[0].pos < len(reply.segments[0].ref) and heard:
            seg = reply.segments[0]  # cut mid-piece: keep the words played, proportionally
            words = seg.text.split()
            keep = max(1, round(len(words) * seg.pos / len(seg.ref)))
            if keep < len(words):
                heard[-1] = " ".join(words[:keep]) + "..."
        done = Finished(reply.turn, reply.played * 1000.0 / RATE_HZ,
                        reply.total * 1000.0 / RATE_HZ, " ".join(heard), True)
        self.finished.append(done)
        if self._sink is not None:
            self._sink.end_reply()
        return done

    def drain_finished(self) -> list[Finished]:
        """Replies that ended since the last call."""
        done, self.finished = self.finished, []
        return done

    def _reply(self, turn: int) -> _Reply:
        for reply in self._replies:
            if reply.turn == turn:
                return reply
        reply = _Reply(turn)
        self._replies.append(reply)
        return reply

    def _retire(self) -> None:
        while self._replies and self._replies[0].complete and not self._replies[0].segments:
            reply = self._replies.popleft()
            self.finished.append(Finished(reply.turn, reply.played * 1000.0 / RATE_HZ,
                                          reply.total * 1000.0 / RATE_HZ,
                                          " ".join(reply.heard), False))
            if self._sink is not None:
                self._sink.end_reply()

    def _play_out(self, seg: _Segment, start: int, end: int) -> None:
        if self._sink is None:
            return
        scale = len(seg.out) / max(1, len(seg.ref))
        a, b = round(start * scale), round(end * scale)
        self._sink.play(seg.out[a:b], self._sink.rate_hz)
