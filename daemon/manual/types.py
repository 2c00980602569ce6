"""The manual's answer as it crosses into the turn (no retrieval imports: cheap to import)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

NOT_COVERED = "The manual doesn't cover that."
"""Said when no section matches the question well enough."""


@dataclass(frozen=True)
class ManualAnswer:
    """The manual's answer to a question.

    Attributes:
        covered: a section answered; False: `text` is `NOT_COVERED`.
        text: the answer as written in the manual (shown on the head unit).
        speech: what is said: the intro citing the manual, then the answer for Piper (units
            spelled out: "240 kilopascals").
        section_id: the section cited ("" when not covered).
        title: its title ("" when not covered).
        score: the best section's BM25 score (0 when nothing matched).
        elapsed_ms: wall-clock ms to retrieve and extract.
    """

    covered: bool
    text: str
    speech: str
    section_id: str = ""
    title: str = ""
    score: float = 0.0
    elapsed_ms: float = 0.0


class ManualSource(Protocol):
    """Answers questions from the owner's manual (daemon.manual.answer.Answerer)."""

    def answer(self, question: str) -> ManualAnswer:
        """One or two sentences of the best section, or `NOT_COVERED`."""
