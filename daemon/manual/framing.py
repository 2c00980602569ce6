"""What a driver says around a question that is no part of it: a term of address, a filler or
a sign-off set off by commas ("how much air goes in the skinny spare, *sebo*", "*me lover*,
there's an orange light come on", "the skidding car light is staying on, *tack*, how do I
switch it back on"). Pure.

Such a fragment is short and none of its words is one the manual uses anywhere, so it cannot
name what is asked; but a word the manual never uses weighs the most against a section covering
the question (`AnswerSettings.unknown_df`: that is what declines "how do I turn on the
*massage* in the seats"). Left in, "sebo" counted against the spare wheel as heavily as
"massage" against the seats. `framed` takes such fragments out before the question is
answered; the rest keeps every word it had, so a question about something the manual lacks
still names it ("can I get netflix on the big screen, oh my heck" keeps "netflix").
"""

from __future__ import annotations

import re
from collections.abc import Container

from daemon.manual.clauses import ASKS
from daemon.manual.kinds import value_of
from daemon.manual.text import Analyzer

_PIECES = re.compile(r"\s*[,;]\s*")
_FITS = re.compile(
    r"^((will|would|does|can|could) (it|she|he|this|that|the car)|"
    r"(i need|i want|i'd like) to (know|see|check) (if|whether) (it|she|he|the car))"
    r"( still)? (fit|fits|squeeze|squeezes|go|goes|get|gets)\b", re.IGNORECASE)
"""Whether the car fits somewhere, said after asking its size ("how wide is the car, *will it
fit in my garage*"): why the driver asks; the size answers it."""
_WORD = re.compile(r"[A-Za-z0-9']+")

MAX_WORDS = 3
"""The most words a fragment around the question may have ("oh my heck", "me lover")."""


def framed(question: str, analyzer: Analyzer, vocabulary: Container[str]) -> str:
    """``question`` without its fragments (split at commas and semicolons) of at most
    `MAX_WORDS` words that say nothing the manual could answer: none of their words is a term
    of the manual (``vocabulary``: its terms, as ``analyzer`` makes them), at least one is not
    a stop word ("me", "my" alone say nothing either way), and the fragment does not start as
    a question does ("what now", "is it bad": they ask). Unchanged when the question has a
    single fragment, or no other fragment would remain."""
    pieces = [p for p in _PIECES.split(question.strip()) if p.strip()]
    if len(pieces) < 2:
        return question

    def aside(piece: str) -> bool:
        words = _WORD.findall(piece)
        terms = analyzer.terms(piece)
        return (0 < len(words) <= MAX_WORDS and ASKS.match(piece) is None and bool(terms)
                and not any(t in vocabulary for t in terms))

    kept = [p for p in pieces if not aside(p.rstrip("?!. "))]
    if len(kept) > 1 and ASKS.match(kept[0]) and value_of(kept[0]) is not None:
        kept = [kept[0]] + [p for p in kept[1:] if _FITS.match(p) is None]
    if not kept or len(kept) == len(pieces):
        return question
    return ", ".join(kept)
