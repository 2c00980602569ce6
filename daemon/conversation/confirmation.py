"""The confirmation policy: when the decider asks before acting, and when an answer counts.

- A fast-path plan with an action, heard with a recogniser confidence below
  ``asr.confirm_below``, is restated as one question instead of run, every call of it
  (`doubted`), and so is a plan read from a complaint ("my feet are freezing"), whatever the
  confidence; a tool whose policy needs a spoken
  confirmation is asked about by the dispatcher in any case, and a ``get_`` query never is.
- A pending question's yes/no counts only while it is fresh: within
  ``dialogue.confirm_timeout_s`` of the driver hearing it, and with the car's driving state
  unchanged since it was asked (`stale`).
- A bare yes or no with nothing waiting for it is told so (`nothing_pending`,
  `NOTHING_PENDING`) and never reaches a model, which would claim something ("Playing...").

Pure functions over the dialogue state, no I/O: daemon/conversation/decide.py carries the answers
out
(events, vehicle calls, the conversation's pending question).
"""

from __future__ import annotations

from collections.abc import Callable

from daemon.conversation.dialogue import Answer, Conversation, Dropped, PendingCall
from daemon.understanding.resolve import Call
from daemon.understanding.understand import Plan
from vehicle_tools.registry import Registry

NEEDS_CONFIRMATION = "needs_confirmation"
"""The dispatcher's error code for a call it will make only after a spoken yes."""
NOTHING_PENDING = "There's nothing waiting for an answer."
"""Said for a bare yes or no when no question is waiting for one."""
CONFIRM_TIMEOUT_S = 8.0
"""Default life of a confirmation question after the driver heard it, s."""
_THANKS = frozenset({"thanks", "thank"})


def doubted(plan: Plan, registry: Registry, confidence: float | None,
            confirm_below: float | None, *, beam: bool = False) -> tuple[Call, ...]:
    """The calls of ``plan`` to ask about instead of acting, when the recogniser was unsure of
    the words: all of them, in order, when ``confidence`` is below ``confirm_below`` (both the
    recogniser's unit: for faster-whisper the lowest segment avg_logprob, natural log per
    token) and the plan has an action (not a ``get_`` query, not a tool the dispatcher asks
    about anyway); empty: act. Every call is asked about, so a yes runs the whole request and
    a no runs none of it ("turn on the AC and close the windows", heard unsure). A plan read
    from a complaint (`Plan.inferred`: "my feet are freezing"), or whose free text the
    recogniser's beam doubts (``beam``: "lucky" / "lucky you"), is asked about whatever the
    confidence."""
    actions = [c for c in plan.calls if not c.tool.startswith("get_")
               and not registry.get(c.tool).policy.needs_confirmation]  # asked anyway
    if actions and (plan.inferred or beam):
        return tuple(plan.calls)  # not asked for as heard: asked first
    if (confirm_below is None or confidence is None or not actions
            or confidence >= confirm_below):
        return ()
    return tuple(plan.calls)


def stale(pending: PendingCall, now_ms: float, timeout_s: float,
          driving_state: Callable[[], str | None]) -> Dropped | None:
    """Why ``pending`` may no longer be answered at ``now_ms`` (input audio clock, ms): it was
    asked more than ``timeout_s`` seconds ago ("expired"), or the car's driving state
    (``driving_state()``: parked, idling, moving or None) changed since ("driving_changed");
    None: the answer counts."""
    if now_ms - pending.asked_ms > timeout_s * 1000.0:
        return "expired"
    if driving_state() != pending.driving:
        return "driving_changed"
    return None


def nothing_pending(text: str, answer: Answer, conversation: Conversation) -> bool:
    """Whether ``text``, a bare yes or no (``answer``) with no pending question, gets
    `NOTHING_PENDING`: not a cancel, not a thank-you, and not an answer to a question of ours
    (a clarification, or a last reply that asked something)."""
    thanks = any(word in _THANKS for word in text.lower().split())
    return (answer != "cancel" and not thanks and conversation.clarifying is None
            and not conversation.last_reply_asked())
