"""One turn of the conversation: transcript -> intent -> vehicle tool -> reply -> speech.

`TurnRunner.run` never raises: every failure becomes a typed `error` event and a spoken answer.
The vehicle call is shielded from cancellation (a command already sent to the car finishes and
is reported); the speech that follows is interruptible through the turn's `TurnHandle`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.asr import Recognizer, RecognizerStream
from daemon.endpoint import Decision
from daemon.errors import CabinError
from daemon.intents import parse
from daemon.tts import PiperTts

_LOG = logging.getLogger(__name__)

NOT_HEARD = "Sorry, I didn't catch that."
CANNOT_DO = "Sorry, I can't do that yet."
APOLOGY = "Sorry, something went wrong. Please try again."


class ToolOutcome(Protocol):
    """What the vehicle dispatcher returns (vehicle_tools.dispatcher.ToolResult)."""

    @property
    def ok(self) -> bool: ...
    @property
    def state(self) -> Mapping[str, object]: ...
    @property
    def reply(self) -> str: ...
    @property
    def error_code(self) -> str | None: ...


class ToolDispatcher(Protocol):
    """Calls vehicle tools (vehicle_tools.dispatcher.Dispatcher)."""

    async def call(self, name: str, args: Mapping[str, object]) -> ToolOutcome:
        """Validate, apply policy, send to the car and report what it did."""


class ReplyOutput(Protocol):
    """Where synthesized reply pieces go (daemon/audio/speaker.py)."""

    def enqueue(self, turn: int, samples: npt.NDArray[np.int16], rate_hz: int,
                text: str) -> None:
        """Queue one piece of the reply of `turn`."""

    def end_reply(self, turn: int) -> None:
        """The reply of `turn` is complete."""


@dataclass(frozen=True)
class EndOfUtterance:
    """Handed from the listener to the turn.

    Attributes:
        turn: turn number.
        stream: the recogniser stream holding the utterance.
        decision: why it ended.
        wall: `time.perf_counter()` when the end of speech was being decided, s (the start of
            the last transcript peek, else the endpoint decision): latencies count from here.
        transcript: the utterance's text when it is already known (a whole-utterance
            recogniser peeked at the start of the final silence); None: finish the stream.
    """

    turn: int
    stream: RecognizerStream | None
    decision: Decision
    wall: float
    transcript: str | None = None


@dataclass
class TurnHandle:
    """A turn: `interrupt()` stops its speech, never its vehicle command.

    Attributes:
        turn: the turn number.
        task: the task running the turn when it runs concurrently with listening (None when
            the listener runs it inline: nothing is left to cancel once it returns).
        interrupted: set by `interrupt`.
        speaking: True while the reply is being synthesized (the cancellable phase).
    """

    turn: int
    task: asyncio.Task[None] | None = None
    interrupted: bool = False
    speaking: bool = False

    def interrupt(self) -> None:
        """Cancel pending synthesis; a vehicle call under way still completes and is logged."""
        self.interrupted = True
        if self.speaking and self.task is not None and not self.task.done():
            self.task.cancel()


class TurnRunner:
    """Runs turns against a recogniser, the vehicle and the speaker.

    Args:
        recognizer: for the backend name in events.
        tts: the voice.
        dispatcher: the vehicle's tools.
        output: the speaker the reply goes to.
        log: the event log.
        now_ms: the input audio clock (ms), for event timestamps.
    """

    def __init__(self, recognizer: Recognizer, tts: PiperTts, dispatcher: ToolDispatcher, *,
                 output: ReplyOutput, log: ev.EventLog, now_ms: _Clock,
                 acknowledge: str = "") -> None:
        self._ack = acknowledge
        tts.warm([NOT_HEARD, CANNOT_DO, APOLOGY, acknowledge])
        self._recognizer = recognizer
        self._tts = tts
        self._dispatcher = dispatcher
        self._output = output
        self._log = log
        self._now = now_ms

    async def run(self, eou: EndOfUtterance, handle: TurnHandle) -> None:
        """The whole turn; errors are logged, emitted and spoken, never raised."""
        try:
            reply = await self._decide(eou)
        except CabinError as exc:
            _LOG.error("turn %d failed: %s", eou.turn, exc)
            self._error(eou.turn, exc.code, exc.message)
            reply = APOLOGY
        except Exception as exc:  # the daemon must outlive any bug in one turn
            _LOG.exception("turn %d crashed", eou.turn)
            self._error(eou.turn, "internal", f"{type(exc).__name__}: {exc}")
            reply = APOLOGY
        if handle.interrupted:
            return
        handle.speaking = True
        try:
            await self._speak(eou, reply)
        except asyncio.CancelledError:
            if not handle.interrupted:
                raise
        finally:
            handle.speaking = False

    def _error(self, turn: int, code: str, message: str) -> None:
        self._log.emit(ev.ErrorEvent(t_ms=self._now(), turn=turn, code=code, message=message))

    async def _decide(self, eou: EndOfUtterance) -> str:
        if eou.decision is Decision.END_NO_SPEECH or eou.stream is None:
            return NOT_HEARD
        started = time.perf_counter()
        text = eou.transcript if eou.transcript is not None \
            else await asyncio.to_thread(eou.stream.finish)
        self._log.emit(ev.Transcript(
            t_ms=self._now(), turn=eou.turn, final=True, text=text,
            backend=self._recognizer.name,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1)))
        if not text.strip():
            return NOT_HEARD
        intent = parse(text)
        if intent is None:
            self._log.emit(ev.Intent(t_ms=self._now(), turn=eou.turn, source="none",
                                     name="none"))
            return CANNOT_DO
        args = dict(intent.args)
        self._log.emit(ev.Intent(t_ms=self._now(), turn=eou.turn, source="fast_path",
                                 name=intent.name, args=args))
        self._log.emit(ev.ToolCall(t_ms=self._now(), turn=eou.turn, name=intent.name,
                                   args=args))
        started = time.perf_counter()
        # Shielded: a barge-in or shutdown never abandons a command already sent to the car.
        result = await asyncio.shield(self._dispatcher.call(intent.name, intent.args))
        self._log.emit(ev.ToolResultEvent(
            t_ms=self._now(), turn=eou.turn, name=intent.name, ok=result.ok,
            state=dict(result.state), error=result.error_code,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1)))
        if result.ok and self._ack and not intent.name.startswith("get_"):
            return f"{self._ack} {result.reply}"  # an action: acknowledge at once
        return result.reply

    async def _speak(self, eou: EndOfUtterance, text: str) -> None:
        self._log.emit(ev.Reply(t_ms=self._now(), turn=eou.turn, text=text))
        text_ready = time.perf_counter()
        chunks = iter(self._tts.synthesize(text))
        first_latency: float | None = None
        total_ms = 0.0
        try:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                if first_latency is None:
                    first_latency = (time.perf_counter() - eou.wall) * 1000.0
                    tts_first = (time.perf_counter() - text_ready) * 1000.0
                self._output.enqueue(eou.turn, chunk.samples, chunk.rate_hz, chunk.text)
                total_ms += len(chunk.samples) * 1000.0 / chunk.rate_hz
        except CabinError as exc:
            _LOG.error("turn %d: speech failed: %s", eou.turn, exc)
            self._error(eou.turn, exc.code, exc.message)
        finally:
            self._output.end_reply(eou.turn)
        if first_latency is not None:
            self._log.emit(ev.AudioOut(t_ms=self._now(), turn=eou.turn,
                                       latency_ms=round(first_latency, 1),
                                       tts_first_ms=round(tts_first, 1),
                                       duration_ms=round(total_ms, 1)))


class _Clock(Protocol):
    def __call__(self) -> float: ...
