"""The clause of a question that asks, apart from what the driver says around it. Pure.

Drivers put their situation before or after the question, set off by a comma: "I'm loading
up for a holiday, should I change the tyre pressures", "how wide is the car, my garage door is
narrow", "how much air in the back tyres" after "full car of hockey kids and their bags". The
words of that situation (holiday, garage, hockey) are the driver's life, not the manual's
topics, so whether a section covers the question is judged on the asking clause as well
(`Answerer.covers`).
"""

from __future__ import annotations

import re

ASKS = re.compile(
    r"^(what|what's|whats|how|where|where's|wheres|when|why|which|who|is|are|can|could|do|"
    r"does|did|should|will|would|at what|anything)\b", re.IGNORECASE)
"""A clause that asks: it starts with a question word or an auxiliary verb."""

_CLAUSES = re.compile(r"\s*[,;:]\s*|\s+-+\s+")


def asking_clause(question: str) -> str | None:
    """The one clause of ``question`` (split at commas, semicolons, colons and dashes) that
    asks, when the question has other clauses around it; None when it has one clause, or
    none or more than one of its clauses asks."""
    clauses = [c for c in _CLAUSES.split(question.strip().rstrip("?!. ")) if c]
    if len(clauses) < 2:
        return None
    asking = [c for c in clauses if ASKS.match(c)]
    return asking[0] if len(asking) == 1 else None
