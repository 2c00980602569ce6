"""A driver unsure of something the car can read, read as the question it is: "I wonder if a
tyre's gone soft" checks the tyre pressure, "not sure I put it in park" reads the gear, "I'll
miss the kick-off, when do we get in" reads the arrival time (issue 17, "indirect").

Each reading tool declares what is said of its readings (`vehicle_tools.language.Wonder`).
`WonderReader.read` runs only on a sentence nothing else covers, and reads it when:

- it says doubt or asks (`_DOUBT`: "wonder", "not sure", "no idea", "forgot", "did I",
  "worried", "when"...), and asks nothing the owner's manual answers (`_MANUAL`: "how do I",
  "should", "supposed to", "what does ... mean": those go to the manual);
- it asks for nothing to be done (`_COMMANDS`: "turn", "set", "play", "call"...);
- its longest phrase naming a reading names one reading only ("enough in the tank" is the
  range, not the fuel level).

Only tools that read the car (``get_...``) are read this way: nothing moves, and the reading
is asked about first (``inferred``). Pure."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from daemon.understanding.parse import Parse
from daemon.understanding.shape import QUERY_PREFIX
from vehicle_tools.registry import Registry

MAX_WORDS = 24
"""Longer sentences say more than a doubt about one reading."""
_DOUBT = re.compile(r"\b(wonder|wondering|not sure|unsure|no idea|forget|forgot|remember|"
                    r"worried|worry|feels like|feel like|a feeling|did i|have i|did we|have we|"
                    r"maybe|need to know|like to know|want to know|whether|"
                    r"when (do|will|are|shall|can|would) (we|i))\b")
_MANUAL = re.compile(r"\b(how (do|can|to|often)|should|supposed|recommend\w*|mean|means|why|"
                     r"where|manual|warning|light|do (i|we) need|change|replace|service|"
                     r"which|works?|hold|automatic\w*|on (its|their) own|buy|psi|kit|"
                     r"how long is)\b")
_COMMANDS = frozenset(("turn", "switch", "set", "play", "call", "ring", "navigate", "make",
                       "give", "take", "open", "close", "pause"))


class WonderReader:
    """Reads doubts about the car's readings (see the module docstring).

    Args:
        registry: the tools, each with its language's ``wonders``.
    """

    def __init__(self, registry: Registry) -> None:
        self._said = tuple(
            (tuple(phrase.split()), wonder.means)
            for tool in registry if tool.language is not None and tool.name.startswith(
                QUERY_PREFIX) for wonder in tool.language.wonders for phrase in wonder.said)

    def read(self, text: str, clause: Callable[[str], Parse | None]) -> Parse | None:
        """``text`` (normalised) as the reading it doubts, parsed by ``clause`` (the
        matcher's), asked about first; None when it is no such doubt."""
        words = text.split()
        if len(words) > MAX_WORDS or not _DOUBT.search(text) or _MANUAL.search(text) \
                or _COMMANDS & set(words):
            return None
        found = [(len(said), means) for said, means in self._said if _within(said, words)]
        longest = max((n for n, _ in found), default=0)
        meant = {means for n, means in found if n == longest}
        parsed = clause(meant.pop()) if len(meant) == 1 else None
        if parsed is None or not parsed.tool.startswith(QUERY_PREFIX):
            return None
        return replace(parsed, inferred=True)


def _within(said: tuple[str, ...], words: list[str]) -> bool:
    return any(tuple(words[i:i + len(said)]) == said for i in range(len(words) - len(said) + 1))
