"""How the manual's answers are chosen: thresholds and lengths (daemon/manual/answer.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AnswerSettings:
    """How answers are chosen.

    Attributes:
        min_score: the best section's BM25 score below which the manual "doesn't cover" the
            question (chosen on the tune split of tools/eval_sets/manual_questions.yaml).
        min_coverage: the share of the question's words (weighted by how rare they are in
            the manual) the best section must contain, 0-1; below it the manual "doesn't
            cover" the question ("what time does the bakery close" shares "close" with the
            windows but "bakery" with nothing).
        full_coverage_score: the lower BM25 score enough when the section uses every word of
            the question ("what can you do" has one word to score with).
        unknown_df: the document frequency given to a word the manual never uses (the
            smaller, the more such a word counts against covering the question).
        title_word_weight: how much a word of the section's title counts when its sentences
            are scored (retrieval found the topic; the sentence is found by what else the
            question asks: "coolant *level*").
        max_sentences: sentences in an answer.
        max_chars: characters in an answer (a second sentence that would pass it is left out).
        intro: said before every answer from the manual, citing it ("Here's what the manual
            says."); pre-rendered by the pipeline, so it plays at once; "" for none.
    """

    min_score: float = 2.0
    min_coverage: float = 0.55
    full_coverage_score: float = 1.0
    unknown_df: float = 0.5
    title_word_weight: float = 0.5
    max_sentences: int = 2
    max_chars: int = 260
    intro: str = ""
