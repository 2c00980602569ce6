"""The listening policy: a pure state machine fed one observation per audio chunk.

When does a turn start (wake word, push-to-talk, the driver talking over a reply, an answer to
a question without the wake word), when does the utterance end, what is interrupted, when is
media ducked. No asyncio, no models, no clock of its own: time is the input audio time (ms)
the observations carry, so tests drive it with numbers (tests/unit/test_listener.py) and the
pipeline (daemon/pipeline.py) feeds it and carries out its actions.

    IDLE, FOLLOW_UP - wake word | push-to-talk -----------------------> LISTENING
    IDLE, FOLLOW_UP - reply playing + speech >= barge_in.min_speech_s > LISTENING (Interrupt)
    FOLLOW_UP ------- nothing plays + speech >= FOLLOW_UP_MIN_SPEECH_S > LISTENING (follow-up)
    FOLLOW_UP ------- the window's end passes ------------------------> IDLE
    LISTENING - endpoint (silence | max_length | no_speech), end of input, typed text
                -> FOLLOW_UP when a question finished meanwhile and its window is set, else IDLE
    any ------- a reply that asks a question is heard in full --------> FOLLOW_UP
                (while LISTENING: the window is kept for when listening ends)
    any ------- cancel ----------------------------------------------> IDLE

A wake word or push-to-talk interrupts what plays (reason ``wake`` / ``push_to_talk``) and any
turn still thinking; speech over a reply interrupts only the reply (reason ``speech``). A wake
word heard while LISTENING is ignored. While LISTENING, every 32 ms VAD frame goes through the
endpointer (daemon/hearing/endpoint.py); at the first silent frame after speech the listener asks
for
a transcript peek (`wants_peek`), whose completeness picks the silence that ends the turn.

Per chunk the pipeline asks `duck` whether media is ducked, calls `step` (wake word,
playback, VAD frames) and carries out the returned actions in order: `Hear`/`HearPreRoll` make
it give audio to the recogniser and pass the frames they name one by one to `frame` (with the
peek's completeness when `wants_peek`). A reply heard in full is reported with `reply_heard`,
push-to-talk with `press`, the head unit's Cancel with `cancel`, a typed request with `typed`,
the end of the input with `finish`.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from daemon.hearing.endpoint import Completeness, Decision, Endpointer, EndpointParams
from daemon.hearing.vad import WINDOW_S, VadFrame
from daemon.hearing.wake import Detection

FOLLOW_UP_MIN_SPEECH_S = 0.2
"""Speech that opens a follow-up turn without the wake word, s."""
RECENT_S = 0.6
"""VAD frames kept so an utterance detected late is endpointed from its onset, s
(daemon/hearing/preroll.py keeps the audio over the same span)."""

State = Literal["idle", "listening", "thinking", "speaking", "follow_up"]
"""What the assistant is doing, as the head unit sees it."""
Trigger = Literal["wake", "push_to_talk", "speech", "follow_up"]
"""What started listening: a wake word, the button, speech over a reply, an answer."""


class Phase(Enum):
    """The listener's own state (the assistant's `State` adds thinking and speaking)."""

    IDLE = "idle"
    LISTENING = "listening"
    FOLLOW_UP = "follow_up"


@dataclass(frozen=True)
class ListenerParams:
    """The listening policy's settings.

    Attributes:
        endpoint: the endpointer's timing rules (s).
        vad_threshold: VAD probability (0-1) at or above which a frame is speech.
        barge_in: speech over a reply interrupts it and starts a turn.
        barge_in_min_speech_s: consecutive speech over a reply that does so, s.
        follow_up_s: how long after a question is heard it may be answered without the wake
            word, s (0: never).
        peek: ask for a transcript peek when silence begins (semantic endpointing; not for
            the sequential baseline).
        follow_up_min_speech_s: consecutive speech that opens a follow-up turn, s.
    """

    endpoint: EndpointParams
    vad_threshold: float = 0.5
    barge_in: bool = True
    barge_in_min_speech_s: float = 0.064
    follow_up_s: float = 5.0
    peek: bool = True
    follow_up_min_speech_s: float = FOLLOW_UP_MIN_SPEECH_S


@dataclass(frozen=True)
class ChunkObservation:
    """What one audio chunk showed.

    Attributes:
        start_ms: input time of the chunk's first sample, ms.
        end_ms: input time just after its last sample (the clock now), ms.
        frames: the VAD frames the chunk completed.
        wake: the first wake word that fired in it, if any.
        playing: a reply is playing (or queued) on the speaker.
    """

    start_ms: float
    end_ms: float
    frames: tuple[VadFrame, ...] = ()
    wake: Detection | None = None
    playing: bool = False


@dataclass(frozen=True)
class Duck:
    """Lower the media volume (`on`) or restore it."""

    on: bool


@dataclass(frozen=True)
class Interrupt:
    """Stop the reply that plays and report how much was heard.

    Attributes:
        reason: ``wake``, ``push_to_talk``, ``speech``, ``cancel`` or ``text``.
        t_ms: input time of the interruption, ms.
        stop_thinking: also interrupt every turn still thinking (a new request supersedes
            them); False for speech over a reply, which interrupts only the reply.
    """

    reason: str
    t_ms: float
    stop_thinking: bool


@dataclass(frozen=True)
class StartListening:
    """A new utterance begins: open a recogniser stream for turn `turn`.

    Attributes:
        turn: the new turn's number.
        t_ms: input time from which the utterance is listened to, ms.
        trigger: what started it.
        wake: the wake word that did (trigger ``wake``).
    """

    turn: int
    t_ms: float
    trigger: Trigger
    wake: Detection | None = None

    @property
    def follow_up(self) -> bool:
        """An answer to a question, without the wake word."""
        return self.trigger == "follow_up"


@dataclass(frozen=True)
class Hear:
    """Give this chunk's audio to the recogniser, then pass `frames` to `Listener.frame`."""

    frames: tuple[VadFrame, ...]


@dataclass(frozen=True)
class HearPreRoll:
    """Give the recogniser the audio since `onset_ms` (the utterance was detected late),
    then pass `frames` (the VAD frames since the onset) to `Listener.frame`."""

    onset_ms: float
    frames: tuple[VadFrame, ...]


@dataclass(frozen=True)
class SpeechStarted:
    """The driver started speaking at `t_ms` (input time, ms) in turn `turn`."""

    turn: int
    t_ms: float


@dataclass(frozen=True)
class EndUtterance:
    """The utterance of `turn` is over: start the turn.

    Attributes:
        turn: its number.
        reason: why it ended.
        last_speech_ms: input time of the end of the last speech frame, ms.
        use_peek: the peek taken at the start of the final silence holds the whole utterance.
        follow_up: an answer without the wake word (silence then ends it quietly).
    """

    turn: int
    reason: Decision
    last_speech_ms: float
    use_peek: bool
    follow_up: bool


@dataclass(frozen=True)
class FollowUpWindow:
    """The follow-up window opened (until `until_ms`, input time) or closed (None)."""

    until_ms: float | None


Action = Interrupt | StartListening | Hear | HearPreRoll | FollowUpWindow


class Listener:
    """The listening policy of one session (see the module docstring)."""

    def __init__(self, params: ListenerParams) -> None:
        self.params = params
        self.phase = Phase.IDLE
        self.turn = 0
        """The latest turn number (0 before the first)."""
        self._endpointer = Endpointer(params.endpoint)
        self._listen_start_ms = 0.0
        self._follow_up_turn = False
        self._follow_up_until_ms: float | None = None
        self._voice_run_s = 0.0
        self._completeness = Completeness.UNKNOWN
        self._peeked = False
        self._pressed = False
        self._recent: deque[VadFrame] = deque(maxlen=int(RECENT_S / WINDOW_S) + 1)

    @property
    def listening(self) -> bool:
        """An utterance is being listened to."""
        return self.phase is Phase.LISTENING

    def follow_up_open(self, now_ms: float) -> bool:
        """A question may be answered without the wake word at `now_ms` (input time)."""
        return self._follow_up_until_ms is not None and now_ms < self._follow_up_until_ms

    def state(self, now_ms: float, *, speaking: bool, thinking: bool) -> State:
        """The assistant's state, given whether a reply plays and a turn is running."""
        if self.listening:
            return "listening"
        if speaking:
            return "speaking"
        if thinking:
            return "thinking"
        return "follow_up" if self.follow_up_open(now_ms) else "idle"

    def press(self) -> int:
        """Push-to-talk: listen from the next chunk on; returns the turn it will be.

        Pressed again while that turn is listening (or about to): the same turn, not a new one
        (a second turn would leave the first listening for ever, never ended).
        """
        if self._pressed:
            return self.turn + 1
        if self.listening:
            return self.turn
        self._pressed = True
        return self.turn + 1

    def duck(self, obs: ChunkObservation) -> Duck:
        """Whether media is ducked over this chunk (before `step` acts on it): while listening,
        while a reply plays, and at a wake word."""
        return Duck(self.listening or obs.playing or obs.wake is not None)

    def step(self, obs: ChunkObservation) -> list[Action]:
        """One chunk: the actions to carry out, in order."""
        self._recent.extend(obs.frames)
        actions: list[Action] = []
        if self.phase is Phase.FOLLOW_UP and not self.follow_up_open(obs.end_ms):
            self._follow_up_until_ms = None
            self.phase = Phase.IDLE
            actions.append(FollowUpWindow(None))
        if self._pressed:
            self._pressed = False
            actions += [self._interrupt("push_to_talk", obs.start_ms),
                        self._begin(obs.start_ms, "push_to_talk")]
        elif not self.listening:
            if obs.wake is not None:
                actions += [self._interrupt("wake", obs.wake.t_ms),
                            self._begin(obs.wake.t_ms, "wake", obs.wake)]
            elif obs.playing:
                if self.params.barge_in:
                    actions += self._watch(obs.frames, self.params.barge_in_min_speech_s,
                                           follow_up=False)
            elif self.follow_up_open(obs.end_ms):
                actions += self._watch(obs.frames, self.params.follow_up_min_speech_s,
                                       follow_up=True)
            return actions
        after = max(obs.start_ms, self._listen_start_ms)
        actions.append(Hear(tuple(f for f in obs.frames if f.end_ms > after)))
        return actions

    def heard(self, completeness: Completeness) -> None:
        """A partial transcript came, this complete as a command."""
        self._completeness = completeness

    def wants_peek(self, frame: VadFrame) -> bool:
        """Whether to peek at the transcript before `frame` goes to `frame`: silence begins
        after speech, and its completeness picks how long a silence ends the turn."""
        ep = self._endpointer
        return (self.params.peek and frame.probability < self.params.vad_threshold
                and ep.speech_started and ep.silence_so_far_s == 0.0)

    def frame(self, frame: VadFrame, peeked: Completeness | None = None
              ) -> SpeechStarted | EndUtterance | None:
        """One VAD frame of the utterance (with the peek's completeness when `wants_peek`)."""
        speech = frame.probability >= self.params.vad_threshold
        if peeked is not None:
            self._peeked = True
            self._completeness = peeked
        elif speech:
            self._peeked = False
        ep = self._endpointer
        decision = ep.process(WINDOW_S, speech, self._completeness)
        if decision is Decision.SPEECH_START:
            return SpeechStarted(self.turn, self._listen_start_ms + ep.speech_start_s * 1000.0)
        if decision.ends_turn:
            return self._end(decision)
        return None

    def finish(self) -> EndUtterance | None:
        """The input ended: the utterance being listened to (if any) ends with it."""
        if not self.listening:
            return None
        started = self._endpointer.speech_started
        return self._end(Decision.END_SILENCE if started else Decision.END_NO_SPEECH)

    def reply_heard(self, now_ms: float, *, question: bool) -> FollowUpWindow | None:
        """A reply finished playing in full at `now_ms`; a question opens the follow-up
        window (kept for later while listening)."""
        if not question or self.params.follow_up_s <= 0:
            return None
        self._follow_up_until_ms = now_ms + self.params.follow_up_s * 1000.0
        self._voice_run_s = 0.0
        if not self.listening:
            self.phase = Phase.FOLLOW_UP
        return FollowUpWindow(self._follow_up_until_ms)

    def cancel(self, now_ms: float) -> Interrupt:
        """The head unit's Cancel: stop listening, close the follow-up window."""
        self.phase = Phase.IDLE
        self._follow_up_until_ms = None
        return self._interrupt("cancel", now_ms)

    def typed(self, now_ms: float) -> tuple[Interrupt, int]:
        """A typed request: it interrupts and supersedes the utterance; its turn number."""
        interrupt = self._interrupt("text", now_ms)
        self._stop_listening()
        self.turn += 1
        return interrupt, self.turn

    def _interrupt(self, reason: str, t_ms: float) -> Interrupt:
        self._voice_run_s = 0.0
        return Interrupt(reason, t_ms, stop_thinking=reason != "speech")

    def _begin(self, t_ms: float, trigger: Trigger, wake: Detection | None = None
               ) -> StartListening:
        self.turn += 1
        self.phase = Phase.LISTENING
        self._follow_up_turn = trigger == "follow_up"
        self._follow_up_until_ms = None
        self._listen_start_ms = t_ms
        self._endpointer.reset()
        self._completeness = Completeness.UNKNOWN
        self._peeked = False
        return StartListening(self.turn, t_ms, trigger, wake)

    def _watch(self, frames: tuple[VadFrame, ...], min_speech_s: float, *, follow_up: bool
               ) -> list[Action]:
        """While a reply plays (barge-in) or a question waits for its answer (follow-up):
        enough consecutive driver speech starts a turn without the wake word."""
        for frame in frames:
            speech = frame.probability >= self.params.vad_threshold
            self._voice_run_s = self._voice_run_s + WINDOW_S if speech else 0.0
            if self._voice_run_s >= min_speech_s:
                onset_ms = frame.end_ms - self._voice_run_s * 1000.0
                actions: list[Action] = []
                if not follow_up:
                    actions.append(self._interrupt("speech", frame.end_ms))
                actions.append(self._begin(onset_ms, "follow_up" if follow_up else "speech"))
                recent = tuple(f for f in self._recent if f.end_ms > onset_ms)
                return [*actions, HearPreRoll(onset_ms, recent)]
        return []

    def _end(self, decision: Decision) -> EndUtterance:
        last_ms = self._listen_start_ms + self._endpointer.last_speech_end_s * 1000.0
        end = EndUtterance(self.turn, decision, last_ms,
                           use_peek=decision is Decision.END_SILENCE and self._peeked,
                           follow_up=self._follow_up_turn)
        self._stop_listening()
        return end

    def _stop_listening(self) -> None:
        if self.listening:
            self.phase = Phase.FOLLOW_UP if self._follow_up_until_ms is not None \
                else Phase.IDLE
