"""What kind of answer a question wants, and which sentences look like that answer. Pure.

"what does the ABS light mean" wants the sentence that says what it means; "what should I
do" the first instruction; "how much does it hold" a number; "where is the jack" a place;
"how do I pair my phone" the steps, in order.
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["meaning", "action", "amount", "where", "howto", "other"]

_KINDS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    ("action", re.compile(r"\bwhat (should|do|must|can) (i|we) do\b|\bwhat to do\b|"
                          r"\bis it (safe|ok|okay) to\b", re.I)),
    ("meaning", re.compile(r"\bmean(s|ing)?\b|\bwhat is (that|this|it)\b|\bwhy is\b.*\bon\b|"
                           r"\bwhat('?s| is| are)\b.*\b(light|symbol|lamp|warning|sign)\b|"
                           r"\b(light|symbol|lamp|warning)s?\b.*\b(is on|came on|comes on|"
                           r"(is|keeps) (flashing|blinking|flickering|beeping)|flashing|"
                           r"flickering|blinking|lit( up)?|won'?t go (off|out|away)|"
                           r"stays on)\b|^\W*(the )?\w+( \w+)? (light|symbol|warning)s?\W*$",
                           re.I)),
    ("amount", re.compile(r"\bhow (much|many|fast|long|often|big|heavy|tight|far|old|tall|high|"
                          r"wide|low|slow|soon)\b|\b(capacity|limit|maximum|minimum)\b|"
                          r"\bwhen (is|are|should|do|does|will)\b|"
                          r"\bwhat (pressure|temperatures?|size|psi)\b|\bpressure should\b|"
                          r"\b(which|what) (battery|oil|fuel|petrol)\b|\bpsi\b", re.I)),
    ("where", re.compile(r"\bwhere\b|\bwhich side\b", re.I)),
    ("howto", re.compile(r"\bhow (do|can|should|would) (i|we|you)\b|\bhow to\b|"
                         r"\bhow does\b", re.I)),
)

_IMPERATIVE = frozenset((
    "stop", "reduce", "check", "drive", "switch", "refuel", "have", "book", "press", "turn",
    "use", "pull", "push", "connect", "inflate", "replace", "refill", "close", "park",
    "loosen", "place", "open", "fit", "lift", "adjust", "hold", "set", "start", "wait",
    "never", "do", "keep", "put", "choose", "ease", "top", "let", "slide", "unlock", "call",
    "brake", "remove", "fill", "apply", "select", "type", "ask", "reset", "refit", "raise",
    "tighten", "prise", "wipe", "go", "avoid", "attach", "clear", "move", "tilt", "fold",
))
_NUMBER = re.compile(r"\d")
_PLACE = re.compile(r"\b(under|behind|beside|next to|between|inside|on the (left|right)|"
                    r"in the|above|below|on the edge|clipped)\b", re.I)


def kind_of(question: str) -> Kind:
    """The kind of answer ``question`` asks for (the first pattern that matches)."""
    for kind, pattern in _KINDS:
        if pattern.search(question):
            return kind
    return "other"


def is_instruction(sentence: str) -> bool:
    """Whether ``sentence`` tells the driver what to do ("Stop as soon as ...", "If it
    flashes, drive slowly ...", "To pair a phone, switch on ...")."""
    lead_in = sentence.startswith(("If ", "When ", "To ", "After ", "Before ", "With ", "In ",
                                   "On ", "From ", "For ", "Above ", "Below "))
    words = re.findall(r"[A-Za-z']+", sentence.split(",", 1)[-1] if lead_in else sentence)
    return bool(words) and words[0].lower() in _IMPERATIVE


def fits(kind: Kind, sentence: str) -> bool:
    """Whether ``sentence`` has the shape of the answer ``kind`` wants."""
    match kind:
        case "meaning":
            return re.search(r"\bmeans?\b", sentence) is not None
        case "action" | "howto":
            return is_instruction(sentence)
        case "amount":
            return _NUMBER.search(sentence) is not None
        case "where":
            return _PLACE.search(sentence) is not None
        case _:
            return False
