"""Preparing reply text for Piper: pronunciation lexicon and sentence/clause splitting.

Pure functions and a frozen lexicon; no model here (daemon/tts.py synthesizes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_BREAK = re.compile(r"(?<=[,;:])\s+")


def split_for_speech(text: str, max_clause_chars: int = 60) -> list[str]:
    """Split reply text into the pieces Piper renders one at a time.

    Sentences first (at ., ! or ? followed by white space); a sentence longer than
    `max_clause_chars` characters is split further at commas, semicolons and colons, so the
    first audio of a long answer does not wait for the whole sentence.
    """
    pieces: list[str] = []
    for raw in _SENTENCE_END.split(text):
        sentence = raw.strip()
        if not sentence:
            continue
        if len(sentence) <= max_clause_chars:
            pieces.append(sentence)
            continue
        pieces.extend(c.strip() for c in _CLAUSE_BREAK.split(sentence) if c.strip())
    return pieces


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
