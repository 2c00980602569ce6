"""The wiring and the listener's state machine.

audio -> (speaker reference) -> wake word + VAD on every chunk -> endpointing -> turn.

Two tasks, both named and owned by one TaskGroup: the *source* task reads audio into a bounded
channel, the *listener* task runs wake word and VAD on every chunk (they never pause, also while
the assistant speaks) and owns the state machine:

    idle --wake | push-to-talk--> listening --endpoint--> thinking --> speaking --> idle
    speaking --driver speech or wake word--> interrupted --> listening (barge-in)
    speaking (a question) --> follow_up --driver speech, no wake word--> listening

A typed request from the head unit (`submit_text`) starts a turn at "thinking". `stop()` ends
the session: no new turn starts, the reply is cut, a vehicle command under way completes.

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
from collections.abc import Callable
from typing import Literal

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.asr import RecognizerStream
from daemon.audio.sources import AudioSource
from daemon.audio.speaker import Speaker
from daemon.channel import Channel, OverflowPolicy
from daemon.completeness import completeness
from daemon.config import CabinConfig
from daemon.decide import Agent, Decider
from daemon.dialogue import Conversation
from daemon.ducking import MediaDucker
from daemon.endpoint import Completeness, Decision, Endpointer, EndpointParams
from daemon.errors import CabinError
from daemon.manual.loader import load_answerer
from daemon.manual.types import NOT_COVERED
from daemon.preroll import PreRoll
from daemon.stages import Stages
from daemon.turn import EndOfUtterance, ToolDispatcher, TurnHandle, TurnRunner
from daemon.vad import WINDOW_S, VadFrame

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000
FOLLOW_UP_MIN_SPEECH_S = 0.2
"""Speech that opens a follow-up turn without the wake word, s."""

State = Literal["idle", "listening", "thinking", "speaking", "follow_up"]
StateListener = Callable[[str, int], None]
"""Called with (state, turn) when the assistant's state changes."""
AudioListener = Callable[[npt.NDArray[np.int16], int], None]
"""Called with every processed chunk and the turn it is listened for (0: none)."""


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
                 log: ev.EventLog, speaker: Speaker, *,
                 concurrent_turns: bool = False, ducker: MediaDucker | None = None,
                 agent: Agent | None = None, conversation: Conversation | None = None,
                 on_state: StateListener | None = None,
                 on_audio: AudioListener | None = None,
                 input_policy: OverflowPolicy | None = None) -> None:
        self._ducker = ducker or MediaDucker(None)
        self._config = config
        self._stages = stages
        self._log = log
        self._speaker = speaker
        self._concurrent = concurrent_turns
        self._on_state = on_state
        self._on_audio = on_audio
        self._samples = 0
        self._listening = False
        self._follow_up_turn = False
        self._follow_up_until_ms = -1.0
        self._turn = 0
        self._state: State = "idle"
        self._listen_start_ms = 0.0
        self._stream: RecognizerStream | None = None
        self._utterance: list[npt.NDArray[np.int16]] = []
        e = config.endpoint
        self._endpointer = Endpointer(EndpointParams(
            e.silence_s, e.min_speech_s, e.no_speech_timeout_s, e.max_utterance_s,
            e.complete_silence_s, e.incomplete_silence_s, e.sentence_silence_s))
        self._completeness = Completeness.UNKNOWN
        self._peek: tuple[float, str] | None = None  # (wall time, text) of the last peek
        self._voice_run_s = 0.0
        self._recent = PreRoll()
        self._handles: dict[int, TurnHandle] = {}
        self._group: asyncio.TaskGroup | None = None
        self._stopping = asyncio.Event()
        self._push_to_talk = False
        self.conversation = conversation or Conversation(config.dialogue.history_turns)
        decider = Decider(dispatcher, log, lambda: self.now_ms, self.conversation,
                          agent=agent if config.llm.enabled else None,
                          acknowledge="" if config.sequential else config.tts.acknowledge,
                          confirm_timeout_s=config.dialogue.confirm_timeout_s,
                          model_actions=config.llm.model_actions,
                          confirm_below=config.asr.confirm_below,
                          manual=load_answerer(config.manual))
        self._runner = TurnRunner(stages.recognizer, stages.tts, decider, output=speaker,
                                  log=log, now_ms=lambda: self.now_ms,
                                  interim="" if config.sequential else config.llm.interim,
                                  interim_after_s=config.llm.interim_after_s,
                                  sequential=config.sequential)
        if config.manual.enabled and not config.sequential:  # these play at once
            stages.tts.warm([p for p in (config.manual.intro, NOT_COVERED) if p])
        self.audio_channel: Channel[npt.NDArray[np.int16] | None] = Channel(
            "audio-in", maxsize=64,
            policy=input_policy or ("drop_oldest" if concurrent_turns else "block"))

    @property
    def state(self) -> State:
        """What the assistant is doing now."""
        return self._state

    @property
    def turn(self) -> int:
        """The latest turn number (0 before the first)."""
        return self._turn

    @property
    def turns_running(self) -> int:
        """Turns still thinking or speaking (tasks not finished)."""
        return len(self._handles)

    @property
    def now_ms(self) -> float:
        """Input audio time: ms of audio consumed so far."""
        return self._samples * 1000.0 / RATE_HZ

    async def run(self, source: AudioSource) -> None:
        """Process `source` to its end (or `stop()`), then finish the turn and reply in
        progress (after `stop()`: only a vehicle command under way, no new speech)."""
        self._log.emit(ev.Ready(
            t_ms=0.0, asr_backend=self._stages.asr_choice.backend,
            wake_words=tuple(w.model for w in self._config.wake.words)))
        async with asyncio.TaskGroup() as group:
            self._group = group
            group.create_task(self._read(source), name="audio-source")
            group.create_task(self._listen(group), name="listener")
        self._group = None
        self._set_state("idle")

    def stop(self) -> None:
        """End the session: stop reading audio, cut the reply, start no new turn."""
        self._stopping.set()
        for handle in list(self._handles.values()):
            handle.interrupt()
        self._speaker.interrupt()

    def push_to_talk(self) -> int:
        """Start listening now, as if the wake word was said; returns the turn number.

        Pressed again while that turn is already listening (or about to): the same turn, not a
        new one (a second turn would leave the first listening for ever, never ended).
        """
        if self._push_to_talk:
            return self._turn + 1
        if self._listening:
            return self._turn
        self._push_to_talk = True
        return self._turn + 1

    def cancel(self) -> bool:
        """Stop what the assistant is doing (listening, thinking, speaking), like a barge-in.

        A vehicle command already sent completes; a confirmation question waiting for its
        answer is dropped. Returns False when there was nothing to stop.
        """
        busy = self._listening or bool(self._handles) or self._speaker.busy
        busy = self.conversation.cancel_pending() or busy
        if self._listening:
            self._listening = False
            self._stream = None
        for handle in list(self._handles.values()):
            handle.interrupt()
        self._barge_in("cancel", self.now_ms)
        self._follow_up_until_ms = -1.0
        self._update_state()
        return busy

    async def submit_text(self, text: str) -> int:
        """A typed request (head unit): run it as a turn; returns its number."""
        if self._group is None or self._stopping.is_set():
            raise CabinError("the assistant is not running (starting or stopping)",
                             fix="retry once its State is idle", code="not_running")
        self._barge_in("text", self.now_ms)
        self._listening = False
        self._turn += 1
        eou = EndOfUtterance(self._turn, None, Decision.END_SILENCE, time.perf_counter(),
                             transcript=text)
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=self._turn, reason="text",
                                    last_speech_ms=round(self.now_ms, 1)))
        await self._start_turn(eou, self._group, force_concurrent=True)
        return eou.turn

    async def _read(self, source: AudioSource) -> None:
        stop = asyncio.ensure_future(self._stopping.wait())
        try:
            chunks = source.chunks()
            while True:
                nxt = asyncio.ensure_future(anext(chunks, None))
                await asyncio.wait({nxt, stop}, return_when=asyncio.FIRST_COMPLETED)
                if not nxt.done():
                    nxt.cancel()
                    break
                chunk = nxt.result()
                if chunk is None:
                    break
                await self.audio_channel.put(chunk)
        finally:
            stop.cancel()
            await self.audio_channel.put(None)

    async def _listen(self, group: asyncio.TaskGroup) -> None:
        while (chunk := await self.audio_channel.get()) is not None:
            eou = await self._on_chunk(chunk)
            if eou is not None:
                await self._start_turn(eou, group)
        if self._listening and not self._stopping.is_set():
            reason = Decision.END_SILENCE if self._endpointer.speech_started \
                else Decision.END_NO_SPEECH
            await self._start_turn(self._end_listening(reason), group)
        for handle in list(self._handles.values()):  # let replies in progress finish
            if handle.task is not None:
                await handle.task
        while self._speaker.busy and not self._stopping.is_set():
            self._speaker.advance(RATE_HZ // 50)  # play out what is queued, in audio time
            self._samples += RATE_HZ // 50
            self._report_playback()
        await self._ducker.update(False)

    async def _start_turn(self, eou: EndOfUtterance, group: asyncio.TaskGroup, *,
                          force_concurrent: bool = False) -> None:
        handle = TurnHandle(eou.turn)
        self._handles[eou.turn] = handle
        self._set_state("thinking", eou.turn)
        if not (self._concurrent or force_concurrent):
            try:
                await self._runner.run(eou, handle)
            finally:
                self._handles.pop(eou.turn, None)
            return
        handle.task = group.create_task(self._runner.run(eou, handle), name=f"turn-{eou.turn}")
        handle.task.add_done_callback(self._forget_turn)

    def _forget_turn(self, task: asyncio.Task[None]) -> None:
        for turn, handle in list(self._handles.items()):
            if handle.task is task:
                del self._handles[turn]
        self._update_state()

    async def _on_chunk(self, chunk: npt.NDArray[np.int16]) -> EndOfUtterance | None:
        chunk_start_ms = self.now_ms
        reference = self._speaker.advance(len(chunk))  # what the speaker played meanwhile
        chunk = self._stages.frontend.process(chunk, far_end=reference)
        self._samples += len(chunk)
        if self._on_audio is not None:
            self._on_audio(chunk, self._turn if self._listening else 0)
        vad_frames = self._stages.vad.process(chunk)
        self._recent.add(chunk, vad_frames)
        detections = self._stages.wake.process(chunk)
        self._report_playback()
        await self._ducker.update(self._listening or self._speaker.busy or bool(detections))
        if self._push_to_talk:
            self._push_to_talk = False
            self._barge_in("push_to_talk", chunk_start_ms)
            self._begin_listening(chunk_start_ms)
        elif not self._listening:
            if detections:
                hit = detections[0]
                self._barge_in("wake", hit.t_ms)
                self._begin_listening(hit.t_ms)
                self._log.emit(ev.Wake(t_ms=hit.t_ms, turn=self._turn, model=hit.name,
                                       score=round(hit.score, 3)))
            elif self._speaker.busy:
                if self._config.barge_in.enabled:
                    await self._watch_voice(vad_frames, self._config.barge_in.min_speech_s)
            elif self.now_ms < self._follow_up_until_ms:
                await self._watch_voice(vad_frames, FOLLOW_UP_MIN_SPEECH_S)
            self._update_state()
            return None
        self._update_state()
        return await self._listen_chunk(chunk, chunk_start_ms, vad_frames)

    async def _listen_chunk(self, chunk: npt.NDArray[np.int16], chunk_start_ms: float,
                            vad_frames: list[VadFrame]) -> EndOfUtterance | None:
        stream = self._stream
        if stream is not None and self._config.sequential:
            self._utterance.append(chunk)  # the baseline recognises only after the end
        elif stream is not None:
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
                and ep.silence_so_far_s == 0.0 and self._stream is not None
                and not self._config.sequential):
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

    async def _watch_voice(self, vad_frames: list[VadFrame], min_speech_s: float) -> None:
        """While a reply plays (barge-in) or a question waits for its answer (follow-up):
        enough consecutive driver speech starts a turn without the wake word."""
        for frame in vad_frames:
            self._voice_run_s = self._voice_run_s + WINDOW_S \
                if frame.probability >= self._config.vad.threshold else 0.0
            if self._voice_run_s >= min_speech_s:
                onset_ms = frame.end_ms - self._voice_run_s * 1000.0
                follow_up = not self._speaker.busy
                if not follow_up:
                    self._barge_in("speech", frame.end_ms)
                self._begin_listening(onset_ms, follow_up=follow_up)
                await self._replay_pre_roll(onset_ms)
                return

    def _barge_in(self, reason: str, t_ms: float) -> None:
        """Stop the reply that is playing (if any) and report how much was heard."""
        self._voice_run_s = 0.0
        if reason != "speech":  # a new request supersedes any turn still thinking
            for running in list(self._handles.values()):
                running.interrupt()
        turn = self._speaker.current_turn
        if turn is None:
            return
        handle = self._handles.get(turn)
        if handle is not None:
            handle.interrupt()
        done = self._speaker.interrupt()
        if done is not None:
            self.conversation.heard(done.turn, done.heard_text)
            self._log.emit(ev.Interrupted(
                t_ms=t_ms, turn=done.turn, reason=reason, played_ms=round(done.played_ms, 1),
                total_ms=round(done.total_ms, 1), heard_text=done.heard_text))

    async def _replay_pre_roll(self, onset_ms: float) -> None:
        """Give the new utterance's recogniser and endpointer the audio since the onset."""
        audio = self._recent.last(self.now_ms - onset_ms)
        if self._stream is not None and audio is not None and len(audio):
            if self._config.sequential:
                self._utterance.append(audio)
            else:
                await asyncio.to_thread(self._stream.accept, audio)
        for frame in self._recent.frames:
            if frame.end_ms > onset_ms:
                await self._endpoint(frame)

    def _report_playback(self) -> None:
        for done in self._speaker.drain_finished():
            if done.interrupted:
                continue
            self._log.emit(ev.PlaybackEnd(t_ms=self.now_ms, turn=done.turn,
                                          played_ms=round(done.played_ms, 1)))
            self.conversation.question_heard(done.turn, self.now_ms)
            follow_up_s = self._config.dialogue.follow_up_s
            if done.heard_text.rstrip().endswith("?") and follow_up_s > 0:
                self._follow_up_until_ms = self.now_ms + follow_up_s * 1000.0
                self._voice_run_s = 0.0

    def _begin_listening(self, t_ms: float, *, follow_up: bool = False) -> None:
        self._turn += 1
        self._listening = True
        self._follow_up_turn = follow_up
        self._follow_up_until_ms = -1.0
        self._listen_start_ms = t_ms
        self._endpointer.reset()
        self._completeness = Completeness.UNKNOWN
        self._peek = None
        self._utterance = []
        self._stream = self._stages.recognizer.stream()
        self._set_state("listening", self._turn)

    def _end_listening(self, decision: Decision) -> EndOfUtterance:
        last = self._listen_start_ms + self._endpointer.last_speech_end_s * 1000.0
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=self._turn, reason=decision.value,
                                    last_speech_ms=round(last, 1)))
        peek = self._peek if decision is Decision.END_SILENCE else None
        known = peek[1] if peek is not None and not self._stages.recognizer.streaming else None
        audio = np.concatenate(self._utterance) if self._utterance else None
        eou = EndOfUtterance(self._turn, self._stream, decision,
                             peek[0] if peek is not None else time.perf_counter(), known,
                             audio=audio, follow_up=self._follow_up_turn)
        self._listening = False
        self._stream = None
        self._utterance = []
        return eou

    def _update_state(self) -> None:
        """Derive the state from what is going on (called at every chunk and turn end)."""
        state: State
        if self._listening:
            state = "listening"
        elif self._speaker.busy:
            state = "speaking"
        elif self._handles:
            state = "thinking"
        elif self.now_ms < self._follow_up_until_ms:
            state = "follow_up"
        else:
            state = "idle"
        self._set_state(state, self._turn)

    def _set_state(self, state: State, turn: int | None = None) -> None:
        if state == self._state:
            return
        self._state = state
        _LOG.debug("state %s (turn %d)", state, self._turn if turn is None else turn)
        if self._on_state is not None:
            self._on_state(state, self._turn if turn is None else turn)
