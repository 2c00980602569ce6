"""Relevance: a call is kept only when the request actually asks for that tool.

Small models map what the car cannot do to the nearest tool ("turn on the wipers" became a
window call, "warm up the seat" a temperature call), so the check runs AFTER the model: the
request is split into clauses ("open the window and turn on the wipers"), and a call is kept
when some clause mentions one of its tool's topic words (`Tool.topics` in the registry) and
names nothing the car cannot do (`UNSUPPORTED`). Follow-ups ("the driver's one" after "Which
window?") take their topic from the last request in the history.

Pure functions, no state.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from daemon.llm.grounding import normalize, says
from daemon.llm.schema import ToolSpec, spec_by_name
from daemon.llm.types import Message

UNSUPPORTED: tuple[tuple[str, str], ...] = (
    (r"wipers?|washer fluid|windshield washer", "control the wipers"),
    (r"mirrors?", "adjust the mirrors"),
    (r"trunk|tailgate|boot lid|hood|bonnet", "open the trunk or the hood"),
    (r"horn|honk", "sound the horn"),
    (r"massage", "control the seat massage"),
    (r"cruise control|lane assist|autopilot|self driving|drive itself", "drive the car"),
    (r"steering wheel", "heat or move the steering wheel"),
    (r"weather|forecast|rain tomorrow", "check the weather"),
    (r"news|headlines|stock|stocks", "read the news"),
    (r"emails?|text messages?|texts?|sms|whatsapp", "send or read messages"),
    (r"engine|ignition", "start or stop the engine"),
    (r"parking brake|handbrake|hand brake", "work the parking brake"),
    (r"(seat|seats) (ventilation|cooling|cooler)|(ventilated|cooled|cooling) seats?",
     "cool the seats"),
    (r"recline|seat position|move (my|the) seat|seat (forward|back|up|down)",
     "move the seats"),
    (r"cameras?|dashcam", "use the cameras"),
    (r"charging|charge port|charger", "control the charging"),
    (r"garage", "open the garage"),
    (r"joke|poem|story|sing", "tell stories or jokes"),
)
"""Things this car cannot do: (pattern over normalized words, what a decline says it can't)."""

DECLINE = "Sorry, that's not something I can do in this car."


@dataclass(frozen=True)
class Relevance:
    """Whether a call answers the request.

    Attributes:
        ok: the request asks for this tool.
        cannot: what the request asked that the car cannot do ("control the wipers"), if any.
    """

    ok: bool
    cannot: str | None = None


def clauses(text: str) -> list[str]:
    """The request split into clauses, normalized ("open it and then close it" -> 2)."""
    parts = re.split(r"\b(?:and then|and|then|also|plus|as well as)\b|[,;.!?]", text.lower())
    return [normalize(p) for p in parts if p.strip()]


def unsupported(clause: str) -> str | None:
    """What the normalized `clause` asks that the car cannot do, or None."""
    for pattern, what in UNSUPPORTED:
        if re.search(rf"(?<!\w)(?:{pattern})(?!\w)", clause):
            return what
    return None


def _mentions(clause: str, tool: ToolSpec) -> bool:
    """Whether `clause` names a topic of `tool` ("warm" also in "warmer", "heat" in "heated")."""
    return any(says(clause, topic, forms=True) for topic in tool.topics)


def mentioning(text: str, tool: ToolSpec) -> list[str]:
    """The clauses of `text` that mention `tool` and nothing the car cannot do."""
    return [c for c in clauses(text) if unsupported(c) is None and _mentions(c, tool)]


def cannot_do(text: str) -> str | None:
    """The first thing `text` asks that the car cannot do, or None."""
    return next((w for c in clauses(text) if (w := unsupported(c)) is not None), None)


def check(name: str, text: str, history: Sequence[Message],
          tools: Sequence[ToolSpec]) -> Relevance:
    """Whether a call of tool `name` answers `text` (see the module docstring)."""
    tool = spec_by_name(tuple(tools), name)
    if tool is None:
        return Relevance(False, cannot_do(text))
    if not tool.topics:
        return Relevance(True)  # a tool that declares no topics is never second-guessed
    for clause in clauses(text):
        if unsupported(clause) is None and _mentions(clause, tool):
            return Relevance(True)
    last_user = next((m.text for m in reversed(history) if m.role == "user"), None)
    if cannot_do(text) is None and last_user is not None and any(
            unsupported(c) is None and _mentions(c, tool) for c in clauses(last_user)):
        return Relevance(True)
    return Relevance(False, cannot_do(text))


def candidates(text: str, tools: Sequence[ToolSpec]) -> tuple[str, ...]:
    """Tools whose topics a clause of `text` mentions (clauses naming something the car
    cannot do excepted): where to look again when the model chose none or a wrong tool."""
    found: list[str] = []
    for clause in clauses(text):
        if unsupported(clause) is not None:
            continue
        found += [t.name for t in tools if t.name not in found and _mentions(clause, t)]
    return tuple(found)


def uncovered(text: str, calls: Sequence[str], tools: Sequence[ToolSpec]) -> list[str]:
    """Clauses of `text` that ask for a tool (by its topics) but that none of the tools in
    `calls` mentions: an action of a several-action sentence the model left out."""
    called = [t for t in tools if t.name in calls]
    return [c for c in clauses(text) if unsupported(c) is None
            and any(_mentions(c, t) for t in tools)
            and not any(_mentions(c, t) for t in called)]


def decline_text(cannot: str | None) -> str:
    """The spoken decline: what the car cannot do, when known."""
    return f"Sorry, I can't {cannot} in this car." if cannot else DECLINE
