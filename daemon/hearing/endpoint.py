"""End-of-utterance detection: a pure, clock-free state machine.

Feed it the duration of each audio chunk (seconds) and whether the VAD called it speech; it
says when the driver started speaking and when the turn is over. No clock, no I/O: tests drive
it with numbers (see tests/unit/test_endpoint.py), the pipeline with VAD frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class Completeness(Enum):
    """How finished the driver's words so far are, as a command."""

    UNKNOWN = "unknown"
    COMPLETE = "complete"
    INCOMPLETE = "incomplete"
    SENTENCE = "sentence"
    """Reads as a whole sentence, though more could follow: the recogniser closed it ("It's
    stuffy in here.", "When will we be there?": a request for the language model), or a
    command's free text names a whole place or person ("take me to the airport", "call my
    wife")."""


class Decision(Enum):
    """What `Endpointer.process` concluded from one chunk."""

    CONTINUE = "continue"
    SPEECH_START = "speech_start"
    END_SILENCE = "silence"
    END_MAX_LENGTH = "max_length"
    END_NO_SPEECH = "no_speech"

    @property
    def ends_turn(self) -> bool:
        """True for the three decisions that end the utterance."""
        return self in (Decision.END_SILENCE, Decision.END_MAX_LENGTH, Decision.END_NO_SPEECH)


@dataclass(frozen=True)
class EndpointParams:
    """Timing rules, all in seconds.

    Attributes:
        silence_s: silence after speech that ends the turn.
        min_speech_s: consecutive speech needed before it counts as the start of speech.
        no_speech_timeout_s: end the turn when no speech started within this time.
        max_utterance_s: hard cap from the start of listening.
        complete_silence_s: silence that ends the turn when the words so far parse as a
            complete command.
        incomplete_silence_s: silence that ends the turn when they are clearly unfinished.
        sentence_silence_s: silence that ends the turn when the recogniser closed the sentence
            (final punctuation) on words that are not a parsed command.
    """

    silence_s: float = 0.7
    min_speech_s: float = 0.15
    no_speech_timeout_s: float = 5.0
    max_utterance_s: float = 12.0
    complete_silence_s: float = 0.15
    incomplete_silence_s: float = 1.2
    sentence_silence_s: float = 0.3

    def silence_for(self, completeness: Completeness) -> float:
        """The silence (s) that ends a turn whose words so far are `completeness`."""
        if completeness is Completeness.COMPLETE:
            return self.complete_silence_s
        if completeness is Completeness.INCOMPLETE:
            return self.incomplete_silence_s
        if completeness is Completeness.SENTENCE:
            return self.sentence_silence_s
        return self.silence_s


class Endpointer:
    """One listening turn's endpoint state. Create a new one (or `reset`) per turn."""

    def __init__(self, params: EndpointParams) -> None:
        self.params = params
        self.reset()

    def reset(self) -> None:
        """Start a new turn."""
        self.elapsed_s = 0.0
        self.speech_started = False
        self.speech_start_s = 0.0
        self.last_speech_end_s = 0.0
        self._run_s = 0.0
        self._silence_s = 0.0
        self._done = False

    def process(self, chunk_s: float, is_speech: bool,
                completeness: Completeness = Completeness.UNKNOWN) -> Decision:
        """Account for `chunk_s` seconds of audio that is (or is not) speech.

        Args:
            chunk_s: duration of the chunk, s.
            is_speech: the VAD's verdict on it.
            completeness: how complete the latest partial transcript is as a command; it
                picks the silence that ends the turn (`EndpointParams.silence_for`).
        """
        if self._done:
            return Decision.CONTINUE
        start = self.elapsed_s
        self.elapsed_s += chunk_s
        decision = self._step(start, chunk_s, is_speech, self.params.silence_for(completeness))
        if decision is Decision.CONTINUE and self.elapsed_s >= self.params.max_utterance_s:
            decision = Decision.END_MAX_LENGTH if self.speech_started else Decision.END_NO_SPEECH
        if decision.ends_turn:
            self._done = True
        return decision

    @property
    def silence_so_far_s(self) -> float:
        """Silence since the last speech, s (0 while speaking or before speech started)."""
        return self._silence_s

    def _step(self, start: float, chunk_s: float, is_speech: bool, needed_s: float
              ) -> Decision:
        if is_speech:
            self._silence_s = 0.0
            self.last_speech_end_s = self.elapsed_s
        if not self.speech_started:
            return self._waiting_for_speech(start, chunk_s, is_speech)
        if is_speech:
            return Decision.CONTINUE
        self._silence_s += chunk_s
        return Decision.END_SILENCE if self._silence_s >= needed_s - 1e-9 \
            else Decision.CONTINUE

    def _waiting_for_speech(self, start: float, chunk_s: float, is_speech: bool) -> Decision:
        if not is_speech:
            self._run_s = 0.0
            return Decision.END_NO_SPEECH if self.elapsed_s >= self.params.no_speech_timeout_s \
                else Decision.CONTINUE
        if self._run_s == 0.0:
            self.speech_start_s = start
        self._run_s += chunk_s
        if self._run_s >= self.params.min_speech_s:
            self.speech_started = True
            return Decision.SPEECH_START
        return Decision.CONTINUE
