"""A request taken back at its end ("open the sunroof, never mind", "call mum ... forget it",
"unlock the doors actually scratch that"): nothing runs, not even a name heard in the words
("call mum, forget it" had called "mum, forget it"), and the language model never sees it.

The retraction must be the last thing said: the words after the last pause, or the end of the
sentence, are one of `vehicle_tools.language.RETRACTIONS`, with fillers and correction words
before it ("oh actually never mind"). "Volume thirty, forget that, forty five" ends on a value:
a correction, the matcher's. A hedge ("like", "say") takes nothing back either: it never turns
a command into another tool's (`hedged_into`). Pure.
"""

from __future__ import annotations

from daemon.understanding.correction import strip_markers
from daemon.understanding.parse import Parse
from daemon.understanding.text import clauses_of, normalize
from vehicle_tools.language import CORRECTIONS, POLITE, RETRACTIONS

RETRACTED = "Okay, I'll leave it."
"""The reply: nothing was done."""

_PHRASES = tuple(sorted({normalize(r) for r in RETRACTIONS}, key=len, reverse=True))
_LEAD = frozenset(w for p in (*CORRECTIONS, *POLITE) for w in normalize(p).split())


def retracted(transcript: str) -> bool:
    """Whether ``transcript`` ends by taking back what it asked."""
    pieces = [normalize(p) for p in clauses_of(transcript)]
    pieces = [p for p in pieces if p]
    if not pieces:
        return False
    text, last = " ".join(pieces), pieces[-1].split()
    for phrase in _PHRASES:
        if text == phrase or text.endswith(" " + phrase):
            head = last[:len(last) - len(phrase.split())]  # said before it, after the pause
            before = text.split()[:-len(phrase.split())]
            # alone, after a pause (fillers allowed), or after two words or more ("call mum
            # forget it"); "play forget it" is a title
            return all(w in _LEAD for w in head) or len(before) >= 2
    return False


HEDGES = frozenset(("like", "say", "about", "around", "hmm", "uh", "er", "erm", "um", "rather",
                    "oh"))
"""Correction words that only hedge ("set it to, like, 20"): they take back nothing."""


def hedged_into(after: str, first: Parse | None, alone: Parse) -> bool:
    """Whether ``after`` (normalised, its correction words first) would turn the command
    ``first`` into another tool's command ``alone`` with only hedges before it ("temperature
    minus two, like home" is no trip home): only "no", "sorry", "actually"... take a command
    back for another one ("fan to 3, no, turn on the AC instead")."""
    said = after.split()[:len(after.split()) - len(strip_markers(after).split())]
    return first is not None and alone.tool != first.tool and set(said) <= HEDGES
