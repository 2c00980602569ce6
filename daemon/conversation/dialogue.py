"""The conversation of one session: history for the language model, a pending confirmation or
clarification, and the driver's yes/no answers.

A pending confirmation is short-lived and tied to its question: it expires (the decider's
``dialogue.confirm_timeout_s``, counted from the end of the question's playback), is dropped by
Cancel (`Conversation.cancel_pending`), by any turn that is not an answer to it, and by a change
of the car's driving state; an answer to a dropped or expired question is told so, and nothing
is sent to the car.

Pure state, no I/O: the turn runner (daemon/conversation/turn.py) reads and updates it; the history
is cut
to what the driver actually heard when a reply is interrupted (`heard`).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from daemon.llm.types import Message
from daemon.understanding.resolve import Question

Answer = Literal["yes", "no", "cancel"]

_YES = {"yes", "yeah", "yep", "yup", "sure", "ok", "okay", "please", "confirm", "correct",
        "affirmative", "absolutely", "definitely", "right", "go", "ahead", "do"}
_NO = {"no", "nope", "nah", "don't", "dont", "negative", "not"}
_CANCEL = {"cancel", "stop", "never", "forget", "abort", "nevermind"}
_FILLER = {"i", "it", "that", "this", "thanks", "thank", "you", "mind", "them", "now", "just",
           "oh", "well", "of", "course", "a", "the", "so", "hey", "jarvis", "really", "sir",
           "it's", "that's"}
"""Words an answer may carry besides yes/no/cancel; any other word makes it a new request."""
_WORD = re.compile(r"[a-z']+")


def yes_no(text: str, question: str = "") -> Answer | None:
    """Classify a short answer to a yes/no question; None when it is not one.

    "yes please", "sure, go ahead" -> yes; "no", "don't" -> no; "cancel", "forget it",
    "never mind" -> cancel; "yes, unlock the doors" -> yes when `question` was "Do you want me
    to unlock the doors?". Anything longer than six words, mixing yes with no, or carrying a
    word that is neither an answer word nor one of the question's is not an answer: it is a new
    request ("open the right window" is not a "right" to "unlock the doors?").
    """
    words = _WORD.findall(text.lower().replace("never mind", "nevermind"))
    if not words or len(words) > 6:
        return None
    allowed = _YES | _NO | _CANCEL | _FILLER | set(_WORD.findall(question.lower()))
    if any(w not in allowed for w in words):
        return None
    if any(w in _CANCEL for w in words):
        return "cancel"
    yes = any(w in _YES for w in words)
    no = any(w in _NO for w in words)
    if no and not yes:
        return "no"
    if yes and not no:
        return "yes"
    return None


@dataclass(frozen=True)
class PendingCall:
    """A tool call waiting for the driver's confirmation.

    Attributes:
        turn: the turn that asked.
        name: the tool.
        args: its arguments, as validated when first called.
        question: what was asked.
        asked_ms: input audio time the question was asked, ms; moved to the end of its
            playback once the driver has heard it all (`Conversation.question_heard`).
        driving: the car's driving state when it was asked (parked, idling, moving; None:
            unknown). A different state when the answer comes drops the question.
        then: the calls (tool, arguments) of the same request that follow this one, asked
            about in the same question: run in order after a yes, none after a no.
        after: the calls of the same request that follow and were not asked about (the
            dispatcher's own question stopped the plan: "Did you mean Heathrow Airport?"):
            run in order after the answer, yes or no.
    """

    turn: int
    name: str
    args: Mapping[str, object]
    question: str
    asked_ms: float = 0.0
    driving: str | None = None
    then: tuple[tuple[str, Mapping[str, object]], ...] = ()
    after: tuple[tuple[str, Mapping[str, object]], ...] = ()


Dropped = Literal["expired", "cancelled", "driving_changed"]
"""Why a pending confirmation was dropped without running its call."""

DROPPED_REPLY: Mapping[Dropped, str] = {
    "expired": "That question has expired; nothing was changed.",
    "cancelled": "That question was cancelled; nothing was changed.",
    "driving_changed": "The car's driving state changed since I asked, so nothing was "
                       "changed. Please ask again.",
}
"""What the driver hears when they answer a question that was dropped."""


@dataclass(frozen=True)
class DroppedQuestion:
    """A confirmation question dropped before it was answered (Cancel): an answer to it still
    gets an honest reply instead of going anywhere else.

    Attributes:
        question: what was asked.
        reason: why it was dropped.
    """

    question: str
    reason: Dropped


@dataclass
class Conversation:
    """What the assistant remembers within a session.

    Args:
        max_turns: user/assistant exchanges kept as context.
    """

    max_turns: int = 6

    def __post_init__(self) -> None:
        self._history: deque[tuple[int, Message]] = deque(maxlen=max(0, 2 * self.max_turns))
        self.pending: PendingCall | None = None
        self.dropped: DroppedQuestion | None = None
        self.clarifying: str | None = None
        self.asking: Question | None = None  # the fast path's own question ("Which window?")

    def question_heard(self, turn: int, t_ms: float) -> None:
        """The reply of `turn` finished playing at input audio time `t_ms` (ms): if it asked
        the pending question, its timeout counts from now (the driver has heard it all)."""
        pending = self.pending
        if pending is not None and pending.turn == turn:
            self.pending = replace(pending, asked_ms=max(pending.asked_ms, t_ms))

    def cancel_pending(self) -> bool:
        """Cancel (head unit or voice): the pending question, if any, is dropped; an answer to
        it later is told so. True when there was one."""
        pending, self.pending = self.pending, None
        if pending is None:
            return False
        self.dropped = DroppedQuestion(pending.question, "cancelled")
        return True

    def last_reply_asked(self) -> bool:
        """Whether the assistant's last reply in the history ended with a question."""
        for _, message in reversed(self._history):
            if message.role == "assistant":
                return message.text.rstrip().endswith("?")
        return False

    @property
    def history(self) -> tuple[Message, ...]:
        """The exchanges so far, oldest first."""
        return tuple(message for _, message in self._history)

    def before(self, turn: int) -> tuple[Message, ...]:
        """The exchanges of the turns before `turn`, oldest first (what a model is given with
        the request of `turn`, which it gets separately)."""
        return tuple(message for t, message in self._history if t < turn)

    def user(self, turn: int, text: str) -> None:
        """The driver said `text` in `turn`."""
        if self.max_turns and text.strip():
            self._history.append((turn, Message("user", text.strip())))

    def assistant(self, turn: int, text: str) -> None:
        """The assistant replied `text` in `turn` (as synthesized; cut later by `heard`)."""
        if self.max_turns and text.strip():
            self._history.append((turn, Message("assistant", text.strip())))

    def heard(self, turn: int, heard_text: str) -> None:
        """The reply of `turn` was interrupted: keep only what the driver heard of it."""
        for index, (t, message) in enumerate(self._history):
            if t == turn and message.role == "assistant":
                if heard_text.strip():
                    self._history[index] = (t, Message("assistant", heard_text.strip()))
                else:
                    del self._history[index]
                return

    def clear(self) -> None:
        """Forget everything (a new session)."""
        self._history.clear()
        self.pending = None
        self.dropped = None
        self.clarifying = None
        self.asking = None
