"""The wiring: audio -> wake word -> VAD + endpointing -> ASR -> fast path -> vehicle -> TTS.

Two tasks, both named and owned by one TaskGroup: the *source* task reads audio into a bounded
channel, the *listener* task runs wake word and VAD on every chunk (they never pause) and owns
the state machine (idle <-> listening). When the endpointer ends an utterance, the turn (final
transcript, intent, tool call, reply, speech) runs:
- in replay (``concurrent_turns=False``) inline, so the input clock stands still while the turn
  is processed: the timeline is that of an infinitely fast machine, identical on every run;
- live (``concurrent_turns=True``) as its own named task while listening goes on.
Every step emits a typed event (daemon/events.py). Blocking native calls run in threads.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Protocol

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.asr import RecognizerStream
from daemon.audio.sources import AudioSink, AudioSource
from daemon.channel import Channel
from daemon.config import CabinConfig
from daemon.endpoint import Decision, Endpointer, EndpointParams
from daemon.errors import CabinError
from daemon.intents import parse
from daemon.stages import Stages
from daemon.vad import WINDOW_S

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000

NOT_HEARD = "Sorry, I didn't catch that."
CANNOT_DO = "Sorry, I can't do that yet."
APOLOGY = "Sorry, something went wrong. Please try again."


class ToolOutcome(Protocol):
    """What the vehicle dispatcher returns (vehicle_tools.dispatcher.ToolResult)."""

    @property
    def ok(self) -> bool: ...
    @property
    def args(self) -> Mapping[str, object]: ...
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


class State(Enum):
    """The listener's state."""

    IDLE = "idle"
    LISTENING = "listening"


@dataclass(frozen=True)
class EndOfUtterance:
    """Handed from the listener to the turn.

    Attributes:
        turn: turn number.
        stream: the recogniser stream holding the utterance.
        decision: why it ended.
        wall: `time.perf_counter()` at the endpoint decision, s.
    """

    turn: int
    stream: RecognizerStream | None
    decision: Decision
    wall: float


class Pipeline:
    """One assistant session over an audio source.

    Args:
        config: validated configuration.
        stages: loaded models.
        dispatcher: the vehicle's tool dispatcher.
        log: where events go.
        sink: where replies are played.
        concurrent_turns: run turns as tasks while listening continues (live) or inline
            (replay; deterministic timeline).
    """

    def __init__(self, config: CabinConfig, stages: Stages, dispatcher: ToolDispatcher,
                 log: ev.EventLog, sink: AudioSink, *, concurrent_turns: bool = False) -> None:
        self._config = config
        self._stages = stages
        self._dispatcher = dispatcher
        self._log = log
        self._sink = sink
        self._concurrent = concurrent_turns
        self._samples = 0
        self._state = State.IDLE
        self._turn = 0
        self._listen_start_ms = 0.0
        self._stream: RecognizerStream | None = None
        e = config.endpoint
        self._endpointer = Endpointer(EndpointParams(
            e.silence_s, e.min_speech_s, e.no_speech_timeout_s, e.max_utterance_s))
        self._turn_tasks: set[asyncio.Task[None]] = set()
        self.audio_channel: Channel[npt.NDArray[np.int16] | None] = Channel(
            "audio-in", maxsize=64, policy="drop_oldest" if concurrent_turns else "block")

    @property
    def now_ms(self) -> float:
        """Input audio time: ms of audio consumed so far."""
        return self._samples * 1000.0 / RATE_HZ

    async def run(self, source: AudioSource) -> None:
        """Process `source` to its end, then finish any turn in progress."""
        self._log.emit(ev.Ready(
            t_ms=0.0, asr_backend=self._stages.asr_choice.backend,
            wake_words=tuple(w.model for w in self._config.wake.words)))
        async with asyncio.TaskGroup() as group:
            group.create_task(self._read(source), name="audio-source")
            group.create_task(self._listen(group), name="listener")

    async def _read(self, source: AudioSource) -> None:
        try:
            async for chunk in source.chunks():
                await self.audio_channel.put(chunk)
        finally:
            await self.audio_channel.put(None)

    async def _listen(self, group: asyncio.TaskGroup) -> None:
        while (chunk := await self.audio_channel.get()) is not None:
            eou = await self._on_chunk(chunk)
            if eou is not None:
                await self._start_turn(eou, group)
        if self._state is State.LISTENING:
            reason = Decision.END_SILENCE if self._endpointer.speech_started \
                else Decision.END_NO_SPEECH
            await self._start_turn(self._end_listening(reason), group)

    async def _start_turn(self, eou: EndOfUtterance, group: asyncio.TaskGroup) -> None:
        if not self._concurrent:
            await self._run_turn(eou)
            return
        task = group.create_task(self._run_turn(eou), name=f"turn-{eou.turn}")
        self._turn_tasks.add(task)
        task.add_done_callback(self._turn_tasks.discard)

    async def _on_chunk(self, chunk: npt.NDArray[np.int16]) -> EndOfUtterance | None:
        chunk_start_ms = self.now_ms
        self._samples += len(chunk)
        vad_frames = self._stages.vad.process(chunk)
        detections = self._stages.wake.process(chunk)
        if self._state is State.IDLE:
            if detections:
                self._begin_listening(detections[0].name, detections[0].score,
                                      detections[0].t_ms)
            return None
        stream = self._stream
        if stream is not None:
            partial = await asyncio.to_thread(stream.accept, chunk)
            if partial:
                self._log.emit(ev.Transcript(t_ms=self.now_ms, turn=self._turn, final=False,
                                             text=partial, backend=self._stages.recognizer.name))
        threshold = self._config.vad.threshold
        for frame in vad_frames:
            if frame.end_ms <= max(chunk_start_ms, self._listen_start_ms):
                continue
            decision = self._endpointer.process(WINDOW_S, frame.probability >= threshold)
            if decision is Decision.SPEECH_START:
                start = self._listen_start_ms + self._endpointer.speech_start_s * 1000.0
                self._log.emit(ev.SpeechStart(t_ms=start, turn=self._turn))
            elif decision.ends_turn:
                return self._end_listening(decision)
        return None

    def _begin_listening(self, model: str, score: float, t_ms: float) -> None:
        self._turn += 1
        self._state = State.LISTENING
        self._listen_start_ms = t_ms
        self._endpointer.reset()
        self._stream = self._stages.recognizer.stream()
        self._log.emit(ev.Wake(t_ms=t_ms, turn=self._turn, model=model, score=round(score, 3)))

    def _end_listening(self, decision: Decision) -> EndOfUtterance:
        last = self._listen_start_ms + self._endpointer.last_speech_end_s * 1000.0
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=self._turn, reason=decision.value,
                                    last_speech_ms=round(last, 1)))
        eou = EndOfUtterance(self._turn, self._stream, decision, time.perf_counter())
        self._state = State.IDLE
        self._stream = None
        return eou

    async def _run_turn(self, eou: EndOfUtterance) -> None:
        """Transcript -> intent -> tool -> reply -> speech; never raises (errors are spoken)."""
        try:
            reply = await self._decide(eou)
        except CabinError as exc:
            _LOG.error("turn %d failed: %s", eou.turn, exc)
            self._log.emit(ev.ErrorEvent(t_ms=self.now_ms, turn=eou.turn, code=exc.code,
                                         message=exc.message))
            reply = APOLOGY
        except Exception as exc:  # the daemon must outlive any bug in one turn
            _LOG.exception("turn %d crashed", eou.turn)
            self._log.emit(ev.ErrorEvent(t_ms=self.now_ms, turn=eou.turn, code="internal",
                                         message=f"{type(exc).__name__}: {exc}"))
            reply = APOLOGY
        await self._speak(eou, reply)

    async def _decide(self, eou: EndOfUtterance) -> str:
        if eou.decision is Decision.END_NO_SPEECH or eou.stream is None:
            return NOT_HEARD
        started = time.perf_counter()
        text = await asyncio.to_thread(eou.stream.finish)
        self._log.emit(ev.Transcript(
            t_ms=self.now_ms, turn=eou.turn, final=True, text=text,
            backend=self._stages.recognizer.name,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1)))
        if not text.strip():
            return NOT_HEARD
        intent = parse(text)
        if intent is None:
            self._log.emit(ev.Intent(t_ms=self.now_ms, turn=eou.turn, source="none",
                                     name="none"))
            return CANNOT_DO
        self._log.emit(ev.Intent(t_ms=self.now_ms, turn=eou.turn, source="fast_path",
                                 name=intent.name, args=dict(intent.args)))
        self._log.emit(ev.ToolCall(t_ms=self.now_ms, turn=eou.turn, name=intent.name,
                                   args=dict(intent.args)))
        started = time.perf_counter()
        result = await self._dispatcher.call(intent.name, intent.args)
        self._log.emit(ev.ToolResultEvent(
            t_ms=self.now_ms, turn=eou.turn, name=intent.name, ok=result.ok,
            state=dict(result.state), error=result.error_code,
            processing_ms=round((time.perf_counter() - started) * 1000.0, 1)))
        return result.reply

    async def _speak(self, eou: EndOfUtterance, text: str) -> None:
        self._log.emit(ev.Reply(t_ms=self.now_ms, turn=eou.turn, text=text))
        tts = self._stages.tts
        chunks = iter(tts.synthesize(text))
        first = True
        total = 0
        try:
            while (chunk := await asyncio.to_thread(next, chunks, None)) is not None:
                if first:
                    latency = (time.perf_counter() - eou.wall) * 1000.0
                    first = False
                self._sink.play(chunk.samples, chunk.rate_hz)
                total += len(chunk.samples) * 1000 // chunk.rate_hz
        except CabinError as exc:
            _LOG.error("turn %d: speech failed: %s", eou.turn, exc)
            self._log.emit(ev.ErrorEvent(t_ms=self.now_ms, turn=eou.turn, code=exc.code,
                                         message=exc.message))
            return
        self._sink.end_reply()
        if not first:
            self._log.emit(ev.AudioOut(t_ms=self.now_ms, turn=eou.turn,
                                       latency_ms=round(latency, 1), duration_ms=float(total)))
