"""The wiring and the listener's state machine.

audio -> (speaker reference) -> wake word + VAD on every chunk -> endpointing -> turn.

Two tasks, both named and owned by one TaskGroup: the *source* task reads audio into a bounded
channel, the *listener* task runs wake word and VAD on every chunk (they never pause, also while
the assistant speaks) and owns the state machine:

    idle --wake--> listening --endpoint--> (turn: think, then speak) --> idle
    speaking --driver speech or wake word--> interrupted --> listening (barge-in)

When the endpointer ends an utterance the turn (daemon/turn.py) runs:
- in replay (``concurrent_turns=False``) inline, so the input clock stands still while the turn
  is processed: the timeline of an infinitely fast machine, identical on every run;
- live (``concurrent_turns=True``) as its own named task while listening goes on.
The speaker advances with the input clock (daemon/audio/speaker.py), so barge-in is measured in
audio time against what was actually played.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.asr import RecognizerStream
from daemon.audio.sources import AudioSource
from daemon.audio.speaker import VirtualSpeaker
from daemon.channel import Channel
from daemon.config import CabinConfig
from daemon.ducking import MediaDucker
from daemon.endpoint import Completeness, Decision, Endpointer, EndpointParams
from daemon.intents import completeness
from daemon.stages import Stages
from daemon.turn import EndOfUtterance, ToolDispatcher, TurnHandle, TurnRunner
from daemon.vad import WINDOW_S, VadFrame

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000
PRE_ROLL_S = 0.6
"""Audio kept before a barge-in is detected, so the new utterance starts at its onset, s."""


class Pipeline:
    """One assistant session over an audio source.

    Args:
        config: validated configuration.
        stages: loaded models.
        dispatcher: the vehicle's tool dispatcher.
        log: where events go.
        speaker: where replies play (advances with the input clock).
        concurrent_turns: run turns as tasks while listening continues (live, --realtime) or
            inline (replay; deterministic timeline).
    """

    def __init__(self, config: CabinConfig, stages: Stages, dispatcher: ToolDispatcher,
                 log: ev.EventLog, speaker: VirtualSpeaker, *,
                 concurrent_turns: bool = False, ducker: MediaDucker | None = None) -> None:
        self._ducker = ducker or MediaDucker(None)
        self._config = config
        self._stages = stages
        self._log = log
        self._speaker = speaker
        self._concurrent = concurrent_turns
        self._samples = 0
        self._listening = False
        self._turn = 0
        self._listen_start_ms = 0.0
        self._stream: RecognizerStream | None = None
        e = config.endpoint
        self._endpointer = Endpointer(EndpointParams(
            e.silence_s, e.min_speech_s, e.no_speech_timeout_s, e.max_utterance_s,
            e.complete_silence_s, e.incomplete_silence_s))
        self._completeness = Completeness.UNKNOWN
        self._peek: tuple[float, str] | None = None  # (wall time, text) of the last peek
        self._barge_run_s = 0.0
        self._recent: deque[npt.NDArray[np.int16]] = deque()
        self._recent_samples = 0
        self._recent_vad: deque[VadFrame] = deque(maxlen=int(PRE_ROLL_S / WINDOW_S) + 1)
        self._handles: dict[int, TurnHandle] = {}
        self._runner = TurnRunner(stages.recognizer, stages.tts, dispatcher, output=speaker,
                                  log=log, now_ms=lambda: self.now_ms,
                                  acknowledge=config.tts.acknowledge)
        self.audio_channel: Channel[npt.NDArray[np.int16] | None] = Channel(
            "audio-in", maxsize=64, policy="drop_oldest" if concurrent_turns else "block")

    @property
    def now_ms(self) -> float:
        """Input audio time: ms of audio consumed so far."""
        return self._samples * 1000.0 / RATE_HZ

    async def run(self, source: AudioSource) -> None:
        """Process `source` to its end, then finish the turn and reply in progress."""
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
        if self._listening:
            reason = Decision.END_SILENCE if self._endpointer.speech_started \
                else Decision.END_NO_SPEECH
            await self._start_turn(self._end_listening(reason), group)
        for handle in list(self._handles.values()):  # let replies in progress finish
            if handle.task is not None:
                await handle.task
        while self._speaker.busy:  # play out what is queued, in audio time
            self._speaker.advance(RATE_HZ // 50)
            self._samples += RATE_HZ // 50
            self._report_playback()
        await self._ducker.update(False)

    async def _start_turn(self, eou: EndOfUtterance, group: asyncio.TaskGroup) -> None:
        handle = TurnHandle(eou.turn)
        self._handles[eou.turn] = handle
        if not self._concurrent:
            await self._runner.run(eou, handle)
            return
        handle.task = group.create_task(self._runner.run(eou, handle), name=f"turn-{eou.turn}")
        handle.task.add_done_callback(self._forget_turn)

    def _forget_turn(self, task: asyncio.Task[None]) -> None:
        for turn, handle in list(self._handles.items()):
            if handle.task is task:
                del self._handles[turn]

    async def _on_chunk(self, chunk: npt.NDArray[np.int16]) -> EndOfUtterance | None:
        chunk_start_ms = self.now_ms
        reference = self._speaker.advance(len(chunk))  # what the speaker played meanwhile
        chunk = self._stages.frontend.process(chunk, far_end=reference)
        self._samples += len(chunk)
        self._remember(chunk)
        vad_frames = self._stages.vad.process(chunk)
        self._recent_vad.extend(vad_frames)
        detections = self._stages.wake.process(chunk)
        self._report_playback()
        await self._ducker.update(self._listening or self._speaker.busy or bool(detections))
        if not self._listening:
            if detections:
                hit = detections[0]
                self._barge_in("wake", hit.t_ms)
                self._begin_listening(hit.t_ms)
                self._log.emit(ev.Wake(t_ms=hit.t_ms, turn=self._turn, model=hit.name,
                                       score=round(hit.score, 3)))
            elif self._speaker.busy:
                await self._watch_barge_in(vad_frames)
            return None
        return await self._listen_chunk(chunk, chunk_start_ms, vad_frames)

    async def _listen_chunk(self, chunk: npt.NDArray[np.int16], chunk_start_ms: float,
                            vad_frames: list[VadFrame]) -> EndOfUtterance | None:
        stream = self._stream
        if stream is not None:
            partial = await asyncio.to_thread(stream.accept, chunk)
            if partial:
                self._completeness = completeness(partial)
                self._log.emit(ev.Transcript(t_ms=self.now_ms, turn=self._turn, final=False,
                                             text=partial, backend=self._stages.recognizer.name))
        for frame in vad_frames:
            if frame.end_ms <= max(chunk_start_ms, self._listen_start_ms):
                continue
            decision = await self._endpoint(frame)
            if decision is not None:
                return decision
        return None

    async def _endpoint(self, frame: VadFrame) -> EndOfUtterance | None:
        speech = frame.probability >= self._config.vad.threshold
        ep = self._endpointer
        if (self._config.endpoint.semantic and not speech and ep.speech_started
                and ep.silence_so_far_s == 0.0 and self._stream is not None):
            # Silence begins: is what was said so far a whole command? (short or long wait)
            started = time.perf_counter()
            text = await asyncio.to_thread(self._stream.peek)
            self._peek = (started, text)
            self._completeness = completeness(text)
        elif speech:
            self._peek = None
        decision = ep.process(WINDOW_S, speech, self._completeness)
        if decision is Decision.SPEECH_START:
            start = self._listen_start_ms + self._endpointer.speech_start_s * 1000.0
            self._log.emit(ev.SpeechStart(t_ms=start, turn=self._turn))
        elif decision.ends_turn:
            return self._end_listening(decision)
        return None

    async def _watch_barge_in(self, vad_frames: list[VadFrame]) -> None:
        """While a reply plays: enough consecutive driver speech interrupts it."""
        cfg = self._config.barge_in
        if not cfg.enabled:
            return
        for frame in vad_frames:
            self._barge_run_s = self._barge_run_s + WINDOW_S \
                if frame.probability >= self._config.vad.threshold else 0.0
            if self._barge_run_s >= cfg.min_speech_s:
                onset_ms = frame.end_ms - self._barge_run_s * 1000.0
                self._barge_in("speech", frame.end_ms)
                self._begin_listening(onset_ms)
                await self._replay_pre_roll(onset_ms)
                return

    def _barge_in(self, reason: str, t_ms: float) -> None:
        """Stop the reply that is playing (if any) and report how much was heard."""
        self._barge_run_s = 0.0
        turn = self._speaker.current_turn
        if turn is None:
            return
        handle = self._handles.get(turn)
        if handle is not None:
            handle.interrupt()
        done = self._speaker.interrupt()
        if done is not None:
            self._log.emit(ev.Interrupted(
                t_ms=t_ms, turn=done.turn, reason=reason, played_ms=round(done.played_ms, 1),
                total_ms=round(done.total_ms, 1), heard_text=done.heard_text))

    async def _replay_pre_roll(self, onset_ms: float) -> None:
        """Give the new utterance's recogniser and endpointer the audio since the onset."""
        keep = int(max(0.0, self.now_ms - onset_ms) * RATE_HZ / 1000.0)
        audio = np.concatenate(list(self._recent))[-keep:] if keep else None
        if self._stream is not None and audio is not None and len(audio):
            await asyncio.to_thread(self._stream.accept, audio)
        for frame in self._recent_vad:
            if frame.end_ms > onset_ms:
                await self._endpoint(frame)

    def _remember(self, chunk: npt.NDArray[np.int16]) -> None:
        self._recent.append(chunk)
        self._recent_samples += len(chunk)
        while self._recent_samples - len(self._recent[0]) > PRE_ROLL_S * RATE_HZ:
            self._recent_samples -= len(self._recent.popleft())

    def _report_playback(self) -> None:
        for done in self._speaker.drain_finished():
            if not done.interrupted:
                self._log.emit(ev.PlaybackEnd(t_ms=self.now_ms, turn=done.turn,
                                              played_ms=round(done.played_ms, 1)))

    def _begin_listening(self, t_ms: float) -> None:
        self._turn += 1
        self._listening = True
        self._listen_start_ms = t_ms
        self._endpointer.reset()
        self._completeness = Completeness.UNKNOWN
        self._peek = None
        self._stream = self._stages.recognizer.stream()

    def _end_listening(self, decision: Decision) -> EndOfUtterance:
        last = self._listen_start_ms + self._endpointer.last_speech_end_s * 1000.0
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=self._turn, reason=decision.value,
                                    last_speech_ms=round(last, 1)))
        peek = self._peek if decision is Decision.END_SILENCE else None
        known = peek[1] if peek is not None and not self._stages.recognizer.streaming else None
        eou = EndOfUtterance(self._turn, self._stream, decision,
                             peek[0] if peek is not None else time.perf_counter(), known)
        self._listening = False
        self._stream = None
        return eou
