"""Preparing reply text for Piper: pronunciation lexicon and sentence/clause splitting.

Pure functions and a frozen lexicon; no model here (daemon/speaking/tts.py synthesizes).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")


_JOINERS = frozenset(("and", "but", "or", "so", "because", "then", "which", "while", "where",
                      "until", "after", "before", "when", "with", "to"))
"""Words a long clause is best cut before ("... for twelve minutes | and then turn left")."""


def split_for_speech(text: str, max_clause_chars: int = 60) -> list[str]:
    """Split reply text into the pieces Piper renders one at a time.

    Sentences first (at ., ! or ? followed by white space); a sentence longer than
    `max_clause_chars` characters is split further at commas, semicolons and colons, so the
    first audio of a long answer does not wait for the whole sentence; a clause still longer
    is cut between words (`_cut_long`). Piper's memory grows with the piece it renders
    (measured with joe-medium: +77 MB at 60 characters, +157 MB at 120, +328 MB at 260, and
    onnxruntime's arena keeps the largest), so this also bounds the daemon's peak RSS.
    """
    pieces: list[str] = []
    for raw in _SENTENCE_END.split(text):
        sentence = raw.strip()
        if not sentence:
            continue
        if len(sentence) <= max_clause_chars:
            pieces.append(sentence)
            continue
        for clause in _CLAUSE_BREAK.split(sentence):
            pieces.extend(_cut_long(clause.strip(), max_clause_chars))
    return pieces


_NUMBER_WORDS = frozenset(("hundred", "thousand", "million"))
"""Before these, "and" belongs to the number ("four hundred and twelve"): no cut there."""


def _cut_long(clause: str, limit: int) -> list[str]:
    """`clause` in pieces of at most `limit` characters, cut between words into pieces of
    about equal length, preferring a cut before a joining word ("and", "because"...). A single
    word longer than `limit` stays whole."""
    words = clause.split()
    if len(clause) <= limit or len(words) < 2:
        return [clause] if clause else []
    target = len(clause) / math.ceil(len(clause) / limit)
    best, best_score = 1, math.inf
    left = len(words[0])
    for i in range(1, len(words)):
        if left > limit:
            break
        joiner = words[i].lower() in _JOINERS and not (
            words[i].lower() == "and" and words[i - 1].lower() in _NUMBER_WORDS)
        score = abs(left - target) - (limit / 3 if joiner else 0.0)
        if score < best_score:
            best, best_score = i, score
        left += 1 + len(words[i])
    return [" ".join(words[:best]), *_cut_long(" ".join(words[best:]), limit)]


@dataclass(frozen=True)
class Lexicon:
    """Word -> pronunciation, applied to reply text before synthesis.

    A pronunciation is either a respelling ("Peugeot" -> "purr zho") or raw phonemes in Piper's
    inline form ("[[ pˈøʒoʊ ]]"). Matching is by whole word, case-insensitive; longer entries win
    (so "Rue de Rivoli" is replaced before "Rue").
    """

    entries: tuple[tuple[str, str], ...] = ()

    @staticmethod
    def from_mapping(mapping: Mapping[str, str]) -> Lexicon:
        """Build from a config mapping, longest word first."""
        return Lexicon(tuple(sorted(mapping.items(), key=lambda kv: -len(kv[0]))))

    def apply(self, text: str) -> str:
        """`text` with every lexicon word replaced by its pronunciation."""
        for word, spoken in self.entries:
            pattern = re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
            text = pattern.sub(spoken.replace("\\", "\\\\"), text)
        return text
