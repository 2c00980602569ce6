"""One turn of the conversation: transcript -> decision (daemon/conversation/decide.py) -> speech.

`TurnRunner.run` never raises: every failure becomes a typed `error` event and a spoken answer.
Reply pieces are spoken as they are decided (a language-model answer sentence by sentence);
when the first piece is slow, an interim phrase ("One moment.") is said. Vehicle calls are
shielded from cancellation (a command already sent to the car finishes and is reported); the
thinking and the speech are interruptible through the turn's `TurnHandle`, and the
conversation's history keeps what was said (cut to what was heard on barge-in).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.conversation.decide import CANNOT_DO, Decider, ToolDispatcher, TurnInput
from daemon.errors import CabinError
from daemon.hearing.asr import Recognizer, RecognizerStream
from daemon.hearing.endpoint import Decision
from daemon.llm.types import CancelToken
from daemon.runtime import memory
from daemon.speaking.tts import PiperTts, SpeechChunk

_LOG = logging.getLogger(__name__)

__all__ = ["APOLOGY", "CANNOT_DO", "NOT_HEARD", "EndOfUtterance", "ToolDispatcher",
           "TurnHandle", "TurnRunner"]

NOT_HEARD = "Sorry, I didn't catch that."
APOLOGY = "Sorry, something went wrong. Please try again."


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
        stream: the recogniser stream holding the utterance (None for a typed text turn).
        decision: why it ended.
        wall: `time.perf_counter()` when the end of speech was being decided, s (the start of
            the last transcript peek, else the endpoint decision): latencies count from here.
        transcript: the utterance's text when it is already known (a whole-utterance
            recogniser peeked at the start of the final silence, or text from the head unit);
            None: finish the stream.
        audio: the utterance's audio not yet given to the stream (sequential baseline: the
            recogniser only starts once the utterance has ended).
        follow_up: the driver spoke without the wake word, answering a question: when
            nothing intelligible was said, the turn ends silently.
        decided: `time.perf_counter()` at the endpoint decision itself, s (`wall` may be
            earlier: the peek that overlapped the final silence).
    """

    turn: int
    stream: RecognizerStream | None
    decision: Decision
    wall: float
    transcript: str | None = None
    audio: npt.NDArray[np.int16] | None = None
    follow_up: bool = False
    decided: float = field(default_factory=time.perf_counter)


@dataclass
class TurnHandle:
    """A turn: `interrupt()` stops its thinking and speech, never its vehicle command.

    Attributes:
        turn: the turn number.
        task: the task running the turn when it runs concurrently with listening (None when
            the listener runs it inline: nothing is left to cancel once it returns).
        interrupted: set by `interrupt`.
        speaking: True while the reply is being synthesized (the cancellable phase).
        cancel: stops the language model between tokens.
    """

    turn: int
    task: asyncio.Task[None] | None = None
    interrupted: bool = False
    speaking: bool = False
    cancel: CancelToken = field(default_factory=CancelToken)

    def interrupt(self) -> None:
        """Cancel thinking and pending synthesis; a vehicle call under way still completes."""
        self.interrupted = True
        self.cancel.cancel()
        if self.speaking and self.task is not None and not self.task.done():
            self.task.cancel()


class TurnRunner:
    """Runs turns against a recogniser, the decider (vehicle, language model) and the speaker.

    Args:
        recognizer: for the backend name in events.
        tts: the voice.
        decider: what to do with a transcript.
        output: the speaker the reply goes to.
        log: the event log.
        now_ms: the input audio clock (ms), for event timestamps.
        interim: said when no reply piece is ready after `interim_after_s` seconds.
        sequential: benchmark baseline: synthesize the whole reply before playing any of it.
    """

    def __init__(self, recognizer: Recognizer, tts: PiperTts, decider: Decider, *,
                 output: ReplyOutput, log: ev.EventLog, now_ms: _Clock,
                 interim: str = "", interim_after_s: float = 1.5,
                 sequential: bool = False) -> None:
        tts.warm([NOT_HEARD, CANNOT_DO, APOLOGY, decider.acknowledge, interim])
        self._recognizer = recognizer
        self._tts = tts
        self.decider = decider
        self._output = output
        self._log = log
        self._now = now_ms
        self._interim = interim
        self._interim_after_s = interim_after_s
        self._sequential = sequential

    async def run(self, eou: EndOfUtterance, handle: TurnHandle) -> None:
        """The whole turn; errors are logged, emitted and spoken, never raised."""
        speech = _Speech(eou, self._tts, self._output, self._log, self._now)
        try:
            await self._run(eou, handle, speech)
        except asyncio.CancelledError:
            if not handle.interrupted:
                raise
        finally:
            handle.speaking = False
            speech.finish()
        if speech.said:
            self.decider.conversation.assistant(eou.turn, " ".join(speech.said))
        # glibc keeps each worker thread's freed turn buffers (decode, synthesis, prompt) in
        # its arena; hand them back so RSS does not ratchet up (docs/soak.md, finding 4)
        await asyncio.to_thread(memory.trim)

    async def _run(self, eou: EndOfUtterance, handle: TurnHandle, speech: _Speech) -> None:
        pieces = self._pieces(eou, handle)
        if self._sequential:
            texts = [text async for text in pieces]
            if not handle.interrupted:
                handle.speaking = True
                await speech.say_all(texts)
            return
        while True:
            text = await self._next(pieces, handle, speech)
            if text is None or handle.interrupted:
                return
            handle.speaking = True
            await speech.say(text)
            handle.speaking = False

    async def _next(self, pieces: AsyncIterator[str], handle: TurnHandle,
                    speech: _Speech) -> str | None:
        """The next reply piece; says the interim phrase if the first one is slow."""
        waiting = asyncio.ensure_future(anext(pieces, None))
        try:
            if (not speech.said and self._interim and not waiting.done()
                    and not eou_is_text(speech)):
                done, _ = await asyncio.wait({waiting}, timeout=self._interim_after_s)
                if not done and not handle.interrupted:
                    handle.speaking = True
                    await speech.say(self._interim, interim=True)
                    handle.speaking = False
            return await waiting
        finally:
            if not waiting.done():
                waiting.cancel()

    async def _pieces(self, eou: EndOfUtterance, handle: TurnHandle) -> AsyncIterator[str]:
        try:
            text = await self._transcript(eou)
            if text is None or not text.strip():
                if not eou.follow_up:
                    yield NOT_HEARD
                return
            self.decider.conversation.user(eou.turn, text)
            confidence = getattr(eou.stream, "confidence", None)
            async for piece in self.decider.decide(TurnInput(
                    eou.turn, text, handle.cancel,
                    confidence if isinstance(confidence, float) else None,
                    doubted=getattr(eou.stream, "doubted", False) is True)):
                yield piece
        except CabinError as exc:
            _LOG.error("turn %d failed: %s", eou.turn, exc)
            self._error(eou.turn, exc.code, exc.message)
            yield APOLOGY
        except Exception as exc:  # the daemon must outlive any bug in one turn
            _LOG.exception("turn %d crashed", eou.turn)
            self._error(eou.turn, "internal", f"{type(exc).__name__}: {exc}")
            yield APOLOGY

    async def _transcript(self, eou: EndOfUtterance) -> str | None:
        if eou.decision is Decision.END_NO_SPEECH:
            return None
        if eou.stream is None and eou.transcript is None:
            return None
        started = time.perf_counter()
        if eou.transcript is not None:
            text = eou.transcript
            if eou.stream is not None:  # the last peek kept: or a beam hypothesis the fast
                text = await asyncio.to_thread(eou.stream.settle, text)  # path understands
        else:
            assert eou.stream is not None
            stream = eou.stream
            if eou.audio is not None and len(eou.audio):
                await asyncio.to_thread(stream.accept, eou.audio)
            text = await asyncio.to_thread(stream.finish)
        confidence = getattr(eou.stream, "confidence", None)
        self._log.emit(ev.Transcript(
            t_ms=self._now(), turn=eou.turn, final=True, text=text,
            backend="text" if eou.stream is None else self._recognizer.name,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1),
            confidence=round(confidence, 3) if isinstance(confidence, float) else None,
            alternative=getattr(eou.stream, "alternative", False) is True,
            doubted=getattr(eou.stream, "doubted", False) is True))
        return text

    def _error(self, turn: int, code: str, message: str) -> None:
        self._log.emit(ev.ErrorEvent(t_ms=self._now(), turn=turn, code=code, message=message))


def eou_is_text(speech: _Speech) -> bool:
    """A typed turn (head unit): no interim phrase, the driver is looking at the screen."""
    return speech.eou.stream is None


class _Speech:
    """The spoken reply of one turn: pieces synthesized and queued in order, one AudioOut."""

    def __init__(self, eou: EndOfUtterance, tts: PiperTts, output: ReplyOutput,
                 log: ev.EventLog, now_ms: _Clock) -> None:
        self.eou = eou
        self._tts = tts
        self._output = output
        self._log = log
        self._now = now_ms
        self.said: list[str] = []
        self._first_latency: float | None = None
        self._after_endpoint = 0.0
        self._tts_first = 0.0
        self._total_ms = 0.0

    async def say(self, text: str, *, interim: bool = False) -> None:
        """Synthesize `text` and queue it as it is produced (clause by clause)."""
        self._log.emit(ev.Reply(t_ms=self._now(), turn=self.eou.turn, text=text))
        if not interim:
            self.said.append(text)
        text_ready = time.perf_counter()
        chunks = iter(self._tts.synthesize(text))
        try:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                self._queue(chunk, text_ready)
        except CabinError as exc:
            _LOG.error("turn %d: speech failed: %s", self.eou.turn, exc)
            self._log.emit(ev.ErrorEvent(t_ms=self._now(), turn=self.eou.turn,
                                         code=exc.code, message=exc.message))

    async def say_all(self, texts: list[str]) -> None:
        """Synthesize every piece completely, then queue them (the sequential baseline)."""
        text = " ".join(texts)
        self._log.emit(ev.Reply(t_ms=self._now(), turn=self.eou.turn, text=text))
        self.said.append(text)
        text_ready = time.perf_counter()
        chunks = await asyncio.to_thread(lambda: list(self._tts.synthesize(text)))
        for chunk in chunks:
            self._queue(chunk, text_ready)

    def _queue(self, chunk: SpeechChunk, text_ready: float) -> None:
        if self._first_latency is None:
            self._first_latency = (time.perf_counter() - self.eou.wall) * 1000.0
            self._after_endpoint = (time.perf_counter() - self.eou.decided) * 1000.0
            self._tts_first = (time.perf_counter() - text_ready) * 1000.0
        self._output.enqueue(self.eou.turn, chunk.samples, chunk.rate_hz, chunk.text)
        self._total_ms += len(chunk.samples) * 1000.0 / chunk.rate_hz

    def finish(self) -> None:
        """The reply is complete (or was cut): close it and report its first audio."""
        self._output.end_reply(self.eou.turn)
        if self._first_latency is not None:
            self._log.emit(ev.AudioOut(t_ms=self._now(), turn=self.eou.turn,
                                       latency_ms=round(self._first_latency, 1),
                                       tts_first_ms=round(self._tts_first, 1),
                                       after_endpoint_ms=round(self._after_endpoint, 1),
                                       duration_ms=round(self._total_ms, 1)))


class _Clock(Protocol):
    def __call__(self) -> float: ...
