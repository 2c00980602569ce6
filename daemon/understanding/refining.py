"""What a refinement says besides its value: that the value is enough ("twenty three would
be grand"), hedges ("about", "all the way to"), how far open to leave a window, and where a
refinement said without a pause may start. Pure."""

from __future__ import annotations

import re
from collections.abc import Iterator

AMOUNT_WORDS = frozenset(("half", "halfway", "quarter", "third", "thirds", "quarters", "way",
                          "fully", "completely", "bit", "little", "crack", "touch", "max",
                          "maximum", "full", "off", "minimum", "low", "high", "medium"))
"""Words that say an amount without a number ("no, all the way")."""

NUMBER = re.compile(r"-?\d+(\.\d+)?")
"""A number as `daemon.understanding.text.normalize` writes it."""

REFINE_STARTS = frozenset(("about", "around", "roughly", "maybe", "perhaps", "say", "like",
                           "only", "just", "level", "make"))
"""Words that start a refinement said without a pause ("turn the music down about 25")."""
_UNITS = frozenset(("percent", "degrees", "degree"))
_ENOUGH = re.compile(r"\s*\b(is|will|would|should|ought to|that is|thats|that would|would be|"
                     r"should be|will be) (fine|do|do it|do the trick|enough|plenty|good|ok|"
                     r"okay|great|grand|lovely|perfect|nice|ideal|spot on|about right|champion|"
                     r"the ticket|be fine|be enough|be good|be grand|be lovely|be perfect)$")


_HEDGE = re.compile(r"^(?:(?:like|about|around|roughly|maybe|perhaps|say|something like|"
                    r"no more than|more than|not more than|at most|a lot|gentle|nice and \w+|"
                    r"right(?= (?:down|up|to|at)\b)|all the way(?= (?:to|at)\b)) )+(?=\S)")
"""Words before the value a refinement says that change nothing ("... like ten percent",
"... right down to one", "... no more than a crack", "... a lot, to ninety")."""


def tidied(pieces: list[str]) -> list[str]:
    """``pieces`` (normalised clauses) with each that only hedges (`_HEDGE`: "gentle", "a
    lot") joined to the one after it ("fan on ... gentle, level two": "gentle level 2"), a
    piece that narrows a value to a target joined to the value before it (`_ONLY`), and a
    piece said again right after itself said once ("..., no, off, off")."""
    joined: list[str] = []
    for piece in reversed(pieces):
        if joined and _HEDGE.sub("", piece + " x") == "x":
            joined[-1] = f"{piece} {joined[-1]}"
        elif joined and _ONLY.search(joined[-1]) and not NUMBER.search(joined[-1]) and \
                NUMBER.search(piece) and len(joined[-1].split()) <= _ONLY_WORDS:
            joined[-1] = f"{piece} {joined[-1]}"  # "..., to 18, my side only": one refinement
        elif not joined or piece != joined[-1]:
            joined.append(piece)
    return joined[::-1]


_ONLY = re.compile(r"^(just|only) \w|\w only$")
"""A piece that narrows the value said just before it to a target ("..., to 18, my side
only", "..., just the back ones"): read with that value, not as a correction of its own."""
_ONLY_WORDS = 4
"""At most this many words in such a piece ("just the back ones")."""


_LEFT_OPEN = re.compile(r"^(?:but )?(?:leave|keep) (?:(?:it|them) )?(?:(open) )?(?:at )?(.+?)"
                        r"(?: (open))?$")
"""How far open a refinement leaves a window or the roof, said as "... open" ("close my
window ... but leave it ten percent open", "close the sunroof ... leave it open a
quarter": "a quarter open") or as where to ("... leave it at ten percent": "to 10 percent")."""


def without_enough(words: list[str]) -> list[str]:
    """Refining words without what says they are enough ("level one is fine" -> "level 1"),
    that only they are wanted ("only halfway" -> "halfway"), hedges it (`_HEDGE`) or says it
    is how far open to leave it (`_LEFT_OPEN`)."""
    text = " ".join(words)
    left = _LEFT_OPEN.fullmatch(text)
    if left is not None and any(NUMBER.fullmatch(w) or w in AMOUNT_WORDS - {"off"}
                                for w in left[2].split()):  # not "..., no, leave it off"
        text = f"{left[2]} open" if left[1] or left[3] else f"to {left[2]}"
    enough = _ENOUGH.search(text)
    if enough is not None and any(NUMBER.fullmatch(w) or w in AMOUNT_WORDS
                                  for w in text[:enough.start()].split()):
        text = text[:enough.start()]  # a value is enough; "the passenger is fine" says no value
    return [w for w in _HEDGE.sub("", text.removeprefix("but ")).split()
            if w not in ("only", "just")]


def pause_cuts(words: list[str]) -> Iterator[int]:
    """Where a refinement the recogniser heard without a pause may start, latest first: the
    last few words say a number or an amount, and start with a word that refines ("about
    25", "level 1 is fine", "only halfway") or end with a unit ("40 percent")."""
    for cut in range(len(words) - 1, max(0, len(words) - 7), -1):
        tail = without_enough(words[cut:])
        if not tail or not any(NUMBER.fullmatch(w) or w in AMOUNT_WORDS for w in tail):
            continue
        if words[cut] in REFINE_STARTS or tail[-1] in _UNITS:
            yield cut
