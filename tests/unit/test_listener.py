"""The listening policy (daemon/listener.py), driven by numbers: 32 ms chunks of one VAD frame
each, wake words and playback as flags, the transcript's completeness from a script."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from daemon.hearing.endpoint import Completeness, Decision, EndpointParams
from daemon.hearing.vad import VadFrame
from daemon.hearing.wake import Detection
from daemon.listener import (
    Action,
    ChunkObservation,
    EndUtterance,
    FollowUpWindow,
    Hear,
    HearPreRoll,
    Interrupt,
    Listener,
    ListenerParams,
    Phase,
    SpeechStarted,
    StartListening,
)

CHUNK_MS = 32.0
PARAMS = ListenerParams(EndpointParams(), vad_threshold=0.5, barge_in=True,
                        barge_in_min_speech_s=0.064, follow_up_s=5.0)
Step = Action | SpeechStarted | EndUtterance


class Driver:
    """Feeds a `Listener` the way the pipeline does; records what it decided."""

    def __init__(self, params: ListenerParams = PARAMS,
                 peeks: Iterator[Completeness] | None = None) -> None:
        self.listener = Listener(params)
        self.t_ms = 0.0
        self.peeks = peeks
        self.peeked = 0

    def chunk(self, *, speech: bool = False, wake: bool = False, playing: bool = False
              ) -> list[Step]:
        """One 32 ms chunk; its actions, and the endpoint's verdicts on the frames heard."""
        start, self.t_ms = self.t_ms, self.t_ms + CHUNK_MS
        frame = VadFrame(self.t_ms, 0.9 if speech else 0.1)
        hit = Detection("wake-test", 0.8, self.t_ms) if wake else None
        out: list[Step] = []
        for action in self.listener.step(ChunkObservation(start, self.t_ms, (frame,), hit,
                                                          playing)):
            out.append(action)
            if isinstance(action, Hear | HearPreRoll):
                out += self._endpoint(action.frames)
        return out

    def _endpoint(self, frames: tuple[VadFrame, ...]) -> list[Step]:
        out: list[Step] = []
        for frame in frames:
            peeked = None
            if self.listener.wants_peek(frame):
                assert self.peeks is not None, f"a peek at {frame.end_ms} ms"
                peeked = next(self.peeks)
                self.peeked += 1
            verdict = self.listener.frame(frame, peeked)
            if verdict is not None:
                out.append(verdict)
            if isinstance(verdict, EndUtterance):
                break
        return out

    def run(self, ms: float, **flags: bool) -> list[Step]:
        """Chunks covering `ms`, all alike."""
        out: list[Step] = []
        for _ in range(round(ms / CHUNK_MS)):
            out += self.chunk(**flags)
        return out


def _of(kind: type[Step], steps: list[Step]) -> list[Step]:
    return [s for s in steps if isinstance(s, kind)]


def _ends(steps: list[Step]) -> list[EndUtterance]:
    return [s for s in steps if isinstance(s, EndUtterance)]


# -- barge-in ------------------------------------------------------------------------------

def test_speech_over_a_reply_barges_in_at_64_ms() -> None:
    d = Driver()
    d.run(320, playing=True)
    assert d.chunk(speech=True, playing=True) == []  # 32 ms: not yet
    steps = d.chunk(speech=True, playing=True)  # 64 ms
    onset = 320.0
    assert steps[:2] == [Interrupt("speech", 384.0, stop_thinking=False),
                         StartListening(1, onset, "speech")]
    pre_roll = steps[2]
    assert isinstance(pre_roll, HearPreRoll) and pre_roll.onset_ms == onset
    assert [f.end_ms for f in pre_roll.frames] == [352.0, 384.0]  # heard from the onset
    assert d.listener.listening and d.listener.turn == 1


def test_speech_broken_by_a_silent_frame_does_not_barge_in() -> None:
    d = Driver()
    steps = d.chunk(speech=True, playing=True) + d.chunk(playing=True) \
        + d.chunk(speech=True, playing=True)
    assert steps == [] and not d.listener.listening


def test_no_barge_in_when_it_is_off_or_nothing_plays() -> None:
    off = Driver(ListenerParams(EndpointParams(), barge_in=False))
    assert off.run(640, speech=True, playing=True) == []
    quiet = Driver()
    assert quiet.run(640, speech=True) == []  # no reply, no question: speech needs the wake word
    assert quiet.listener.phase is Phase.IDLE


# -- wake word -----------------------------------------------------------------------------

def test_a_wake_word_during_a_reply_interrupts_it_and_any_turn_thinking() -> None:
    d = Driver()
    d.run(96, playing=True)
    wake = Detection("wake-test", 0.8, 128.0)
    assert d.chunk(wake=True, playing=True) == [Interrupt("wake", 128.0, stop_thinking=True),
                                               StartListening(1, 128.0, "wake", wake)]
    steps = d.chunk(wake=True, speech=True, playing=True)  # a second hit while listening
    assert not _of(StartListening, steps) and not _of(Interrupt, steps)
    assert _of(Hear, steps) and d.listener.turn == 1


def test_media_is_ducked_while_listening_or_playing_or_at_a_wake_word() -> None:
    d = Driver()
    quiet = ChunkObservation(0.0, 32.0)
    assert not d.listener.duck(quiet).on
    assert d.listener.duck(ChunkObservation(0.0, 32.0, playing=True)).on
    d.chunk(wake=True)
    assert d.listener.duck(ChunkObservation(32.0, 64.0)).on


# -- follow-up -----------------------------------------------------------------------------

def test_a_question_is_answered_without_the_wake_word() -> None:
    d = Driver(peeks=iter([Completeness.COMPLETE]))
    assert d.listener.reply_heard(0.0, question=True) == FollowUpWindow(5000.0)
    assert d.listener.phase is Phase.FOLLOW_UP
    assert d.listener.state(0.0, speaking=False, thinking=False) == "follow_up"
    d.run(1000)
    steps = d.run(6 * CHUNK_MS, speech=True)  # 0.192 s: not yet 0.2 s
    assert not _of(StartListening, steps)
    steps = d.chunk(speech=True)
    assert _of(StartListening, steps) == [StartListening(1, d.t_ms - 224.0, "follow_up")]
    assert not _of(Interrupt, steps)  # nothing plays: nothing to interrupt
    steps = d.run(1000, speech=True) + d.run(500)
    [end] = _ends(steps)
    assert end.follow_up and end.reason is Decision.END_SILENCE and end.use_peek


def test_the_follow_up_window_expires() -> None:
    d = Driver()
    d.listener.reply_heard(0.0, question=True)
    assert d.run(4992) == []  # chunks end up to 4992 ms: still open
    assert d.chunk() == [FollowUpWindow(None)]  # ends at 5024 ms
    assert d.listener.phase is Phase.IDLE
    assert d.listener.state(d.t_ms, speaking=False, thinking=False) == "idle"
    assert d.run(1000, speech=True) == []


def test_a_reply_that_asks_nothing_opens_no_window() -> None:
    d = Driver()
    assert d.listener.reply_heard(0.0, question=False) is None
    assert d.listener.phase is Phase.IDLE and d.run(640, speech=True) == []


def test_a_question_heard_while_listening_opens_the_window_once_listening_ends() -> None:
    d = Driver()
    d.chunk(wake=True)
    d.listener.reply_heard(d.t_ms, question=True)
    assert d.listener.phase is Phase.LISTENING
    steps = d.run(5024)  # no speech: the no-speech timeout ends it
    assert [e.reason for e in _ends(steps)] == [Decision.END_NO_SPEECH]
    assert d.listener.phase is Phase.FOLLOW_UP


# -- push-to-talk --------------------------------------------------------------------------

def test_push_to_talk_twice_is_one_turn() -> None:
    d = Driver()
    assert d.listener.press() == 1
    assert d.listener.press() == 1  # pressed again before the next chunk
    steps = d.chunk()
    assert steps[:2] == [Interrupt("push_to_talk", 0.0, stop_thinking=True),
                         StartListening(1, 0.0, "push_to_talk")]
    assert d.listener.press() == 1  # pressed again while listening
    steps = d.run(5000)
    assert not _of(StartListening, steps)
    assert [(e.turn, e.reason) for e in _ends(steps)] == [(1, Decision.END_NO_SPEECH)]
    assert d.listener.press() == 2


# -- endpointing ---------------------------------------------------------------------------

def _command(peeks: list[Completeness], pause_ms: float) -> tuple[Driver, list[Step]]:
    """Wake word, 0.512 s of speech, a pause, 0.512 s more, then 1.5 s of silence."""
    d = Driver(peeks=iter(peeks))
    d.chunk(wake=True)
    steps = d.run(512, speech=True) + d.run(pause_ms) + d.run(512, speech=True) + d.run(1504)
    return d, steps


def test_a_pause_inside_a_command_does_not_end_it() -> None:
    # "set the temperature to" ... (0.9 s) ... "twenty one degrees"
    d, steps = _command([Completeness.INCOMPLETE, Completeness.COMPLETE], pause_ms=896)
    [end] = _ends(steps)
    assert end.last_speech_ms == pytest.approx(32.0 + 512 + 896 + 512)  # the second part's end
    assert end.use_peek and d.peeked == 2
    assert len(_of(SpeechStarted, steps)) == 1


def test_the_same_pause_ends_a_command_not_known_to_be_unfinished() -> None:
    _, steps = _command([Completeness.UNKNOWN], pause_ms=896)
    [end] = _ends(steps)
    assert end.last_speech_ms == pytest.approx(32.0 + 512)  # ended in the pause, after 0.7 s


def test_a_refinement_after_a_pause_is_part_of_the_utterance() -> None:
    # "take me to the airport" (a whole sentence: 0.3 s) ... 0.256 s ... "terminal two"
    d, steps = _command([Completeness.SENTENCE, Completeness.COMPLETE], pause_ms=256)
    [end] = _ends(steps)
    assert end.last_speech_ms == pytest.approx(32.0 + 512 + 256 + 512)
    assert end.use_peek and d.peeked == 2  # peeked again: the first peek missed the refinement
    ended_at = next(i for i, s in enumerate(steps) if isinstance(s, EndUtterance))
    assert ended_at == len(steps) - 1


def test_speech_after_the_peek_drops_it() -> None:
    d = Driver(peeks=iter([Completeness.SENTENCE]))
    d.chunk(wake=True)
    d.run(512, speech=True)
    d.chunk()  # silence begins: peeked
    d.run(512, speech=True)
    end = d.listener.finish()  # the input ends mid-speech
    assert end is not None and end.reason is Decision.END_SILENCE and not end.use_peek


def test_cancel_and_typed_text_stop_listening() -> None:
    d = Driver()
    d.chunk(wake=True)
    assert d.listener.cancel(d.t_ms) == Interrupt("cancel", d.t_ms, stop_thinking=True)
    assert d.listener.phase is Phase.IDLE and d.listener.finish() is None
    d.chunk(wake=True)
    interrupt, turn = d.listener.typed(d.t_ms)
    assert interrupt.reason == "text" and turn == 3 and not d.listener.listening

