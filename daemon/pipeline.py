"""The wiring: audio -> (speaker reference) -> wake word + VAD on every chunk -> listener -> turn.

Two tasks, both named and owned by one TaskGroup: the *source* task reads audio into a bounded
channel, the *listener* task runs wake word and VAD on every chunk (they never pause, also while
the assistant speaks), feeds them to the listening policy (daemon/listener.py: when a turn
starts, when the utterance ends, what is interrupted) and carries out its actions: the
recogniser, the event log, the speaker, media ducking. The assistant's state:

    idle --wake | push-to-talk--> listening --endpoint--> thinking --> speaking --> idle
    speaking --driver speech or wake word--> interrupted --> listening (barge-in)
    speaking (a question) --> follow_up --driver speech, no wake word--> listening

A typed request from the head unit (`submit_text`) starts a turn at "thinking". `stop()` ends
the session: no new turn starts, the reply is cut, a vehicle command under way completes.

When the endpointer ends an utterance the turn (daemon/conversation/turn.py) runs:
- in replay (``concurrent_turns=False``) inline, so the input clock stands still while the turn
  is processed: an infinitely fast machine's timeline, the same on every run (no interim phrase);
- live (``concurrent_turns=True``) as its own named task while listening goes on.
The speaker advances with the input clock (daemon/audio/speaker.py), so barge-in is measured in
audio time against what was actually played.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon import listener as li
from daemon.audio.sources import AudioSource
from daemon.audio.speaker import Speaker
from daemon.channel import Channel, OverflowPolicy
from daemon.config import CabinConfig
from daemon.conversation.decide import Agent, Decider
from daemon.conversation.dialogue import Conversation
from daemon.conversation.turn import EndOfUtterance, ToolDispatcher, TurnHandle, TurnRunner
from daemon.errors import CabinError
from daemon.hearing.asr import RecognizerStream
from daemon.hearing.completeness import completeness
from daemon.hearing.endpoint import Decision, EndpointParams
from daemon.hearing.preroll import PreRoll
from daemon.hearing.vad import VadFrame
from daemon.listener import Listener, ListenerParams, State
from daemon.llm.speculative import Speculator
from daemon.manual.loader import load_answerer
from daemon.manual.types import NOT_COVERED
from daemon.speaking.ducking import MediaDucker
from daemon.stages import Stages

_LOG = logging.getLogger(__name__)
RATE_HZ = 16000

__all__ = ["AudioListener", "Pipeline", "State", "StateListener"]
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
        self._state: State = "idle"
        self._listener = Listener(listener_params(config))
        self._stream: RecognizerStream | None = None
        self._utterance: list[npt.NDArray[np.int16]] = []
        self._peek: tuple[float, str] | None = None  # (wall time, text) of the last peek
        self._recent = PreRoll()
        self._handles: dict[int, TurnHandle] = {}
        self._group: asyncio.TaskGroup | None = None
        self._stopping = asyncio.Event()
        self.conversation = conversation or Conversation(config.dialogue.history_turns)
        model = agent if config.llm.enabled else None
        if model is not None and config.llm.speculate and not config.sequential:
            model = Speculator(model)  # it may start on the transcript peek (issue 21)
        self._decider = decider = Decider(dispatcher, log, lambda: self.now_ms, self.conversation,
                          agent=model,
                          acknowledge="" if config.sequential else config.tts.acknowledge,
                          confirm_timeout_s=config.dialogue.confirm_timeout_s,
                          model_actions=config.llm.model_actions,
                          confirm_below=config.asr.confirm_below,
                          manual=load_answerer(config.manual))
        self._runner = TurnRunner(stages.recognizer, stages.tts, decider, output=speaker,
                                  log=log, now_ms=lambda: self.now_ms,
                                  interim=config.llm.interim if concurrent_turns else "",
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
        return self._listener.turn

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
        """Start listening now, as if the wake word was said; returns the turn number
        (pressed again while that turn listens, or is about to: the same turn)."""
        return self._listener.press()

    def cancel(self) -> bool:
        """Stop what the assistant is doing (listening, thinking, speaking), like a barge-in.

        A vehicle command already sent completes; a confirmation question waiting for its
        answer is dropped. Returns False when there was nothing to stop.
        """
        busy = self._listener.listening or bool(self._handles) or self._speaker.busy
        busy = self.conversation.cancel_pending() or busy
        self._stream = None
        for handle in list(self._handles.values()):
            handle.interrupt()
        self._interrupt(self._listener.cancel(self.now_ms))
        self._update_state()
        return busy

    async def submit_text(self, text: str) -> int:
        """A typed request (head unit): run it as a turn; returns its number."""
        if self._group is None or self._stopping.is_set():
            raise CabinError("the assistant is not running (starting or stopping)",
                             fix="retry once its State is idle", code="not_running")
        interrupt, turn = self._listener.typed(self.now_ms)
        self._interrupt(interrupt)
        eou = EndOfUtterance(turn, None, Decision.END_SILENCE, time.perf_counter(),
                             transcript=text)
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=turn, reason="text",
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
        if not self._stopping.is_set() and (end := self._listener.finish()) is not None:
            await self._start_turn(self._end_listening(end), group)
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
        """Run the stages on one chunk, feed the listener, carry out what it decides."""
        chunk_start_ms = self.now_ms
        reference = self._speaker.advance(len(chunk))  # what the speaker played meanwhile
        chunk = self._stages.frontend.process(chunk, far_end=reference)
        self._samples += len(chunk)
        policy = self._listener
        if self._on_audio is not None:
            self._on_audio(chunk, policy.turn if policy.listening else 0)
        vad_frames = self._stages.vad.process(chunk)
        self._recent.add(chunk)
        detections = self._stages.wake.process(chunk)
        self._report_playback()
        seen = li.ChunkObservation(chunk_start_ms, self.now_ms, tuple(vad_frames),
                                   detections[0] if detections else None, self._speaker.busy)
        await self._ducker.update(policy.duck(seen).on)
        for action in policy.step(seen):
            if isinstance(action, li.Interrupt):
                self._interrupt(action)
            elif isinstance(action, li.StartListening):
                self._begin_listening(action)
            elif isinstance(action, li.Hear):
                await self._hear(chunk)
                return await self._endpoint(action.frames)
            elif isinstance(action, li.HearPreRoll):
                await self._hear_pre_roll(action.onset_ms)
                if (eou := await self._endpoint(action.frames)) is not None:
                    return eou
        self._update_state()
        return None

    async def _hear(self, chunk: npt.NDArray[np.int16]) -> None:
        """Give the utterance's recogniser a chunk; a new partial transcript is logged and
        tells the listener how complete the command is so far."""
        stream = self._stream
        if stream is not None and self._config.sequential:
            self._utterance.append(chunk)  # the baseline recognises only after the end
        elif stream is not None:
            partial = await asyncio.to_thread(stream.accept, chunk)
            if partial:
                self._listener.heard(completeness(partial))
                self._log.emit(ev.Transcript(t_ms=self.now_ms, turn=self._listener.turn,
                                             final=False, text=partial,
                                             backend=self._stages.recognizer.name))

    async def _hear_pre_roll(self, onset_ms: float) -> None:
        """Give the new utterance's recogniser the audio since its onset."""
        audio = self._recent.last(self.now_ms - onset_ms)
        if self._stream is not None and audio is not None and len(audio):
            if self._config.sequential:
                self._utterance.append(audio)
            else:
                await asyncio.to_thread(self._stream.accept, audio)

    async def _endpoint(self, frames: tuple[VadFrame, ...]) -> EndOfUtterance | None:
        """Pass VAD frames to the listener (peeking at the transcript when it asks)."""
        for frame in frames:
            peeked = None
            if self._listener.wants_peek(frame) and self._stream is not None:
                # Silence begins: is what was said so far a whole command? (short or long wait)
                started = time.perf_counter()
                text = await asyncio.to_thread(self._stream.peek)
                self._peek = (started, text)
                peeked = completeness(text)
                self._decider.speculate(self._listener.turn, text, peeked)  # the model's?
            step = self._listener.frame(frame, peeked)
            if isinstance(step, li.SpeechStarted):
                self._log.emit(ev.SpeechStart(t_ms=step.t_ms, turn=step.turn))
            elif isinstance(step, li.EndUtterance):
                return self._end_listening(step)
        return None

    def _interrupt(self, action: li.Interrupt) -> None:
        """Stop the reply that is playing (if any) and report how much was heard."""
        if action.stop_thinking:  # a new request supersedes any turn still thinking
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
                t_ms=action.t_ms, turn=done.turn, reason=action.reason,
                played_ms=round(done.played_ms, 1), total_ms=round(done.total_ms, 1),
                heard_text=done.heard_text))

    def _report_playback(self) -> None:
        for done in self._speaker.drain_finished():
            if done.interrupted:
                continue
            self._log.emit(ev.PlaybackEnd(t_ms=self.now_ms, turn=done.turn,
                                          played_ms=round(done.played_ms, 1)))
            self.conversation.question_heard(done.turn, self.now_ms)
            self._listener.reply_heard(self.now_ms,
                                       question=done.heard_text.rstrip().endswith("?"))

    def _begin_listening(self, start: li.StartListening) -> None:
        self._peek = None
        self._utterance = []
        self._stream = self._stages.recognizer.stream()
        self._set_state("listening", start.turn)
        if start.wake is not None:
            self._log.emit(ev.Wake(t_ms=start.wake.t_ms, turn=start.turn, model=start.wake.name,
                                   score=round(start.wake.score, 3)))

    def _end_listening(self, end: li.EndUtterance) -> EndOfUtterance:
        self._log.emit(ev.SpeechEnd(t_ms=self.now_ms, turn=end.turn, reason=end.reason.value,
                                    last_speech_ms=round(end.last_speech_ms, 1)))
        peek = self._peek if end.use_peek else None
        known = peek[1] if peek is not None and not self._stages.recognizer.streaming else None
        audio = np.concatenate(self._utterance) if self._utterance else None
        eou = EndOfUtterance(end.turn, self._stream, end.reason,
                             peek[0] if peek is not None else time.perf_counter(), known,
                             audio=audio, follow_up=end.follow_up)
        self._stream = None
        self._utterance = []
        return eou

    def _update_state(self) -> None:
        """Derive the state from what is going on (called at every chunk and turn end)."""
        self._set_state(self._listener.state(self.now_ms, speaking=self._speaker.busy,
                                             thinking=bool(self._handles)))

    def _set_state(self, state: State, turn: int | None = None) -> None:
        if state == self._state:
            return
        self._state = state
        turn = self._listener.turn if turn is None else turn
        _LOG.debug("state %s (turn %d)", state, turn)
        if self._on_state is not None:
            self._on_state(state, turn)


def listener_params(config: CabinConfig) -> ListenerParams:
    """The listening policy's settings from the configuration."""
    e = config.endpoint
    return ListenerParams(
        EndpointParams(e.silence_s, e.min_speech_s, e.no_speech_timeout_s, e.max_utterance_s,
                       e.complete_silence_s, e.incomplete_silence_s, e.sentence_silence_s),
        vad_threshold=config.vad.threshold, barge_in=config.barge_in.enabled,
        barge_in_min_speech_s=config.barge_in.min_speech_s,
        follow_up_s=config.dialogue.follow_up_s, peek=e.semantic and not config.sequential)
