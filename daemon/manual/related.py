"""Words of a question that a section uses in another form ("jumpstart" -> jump, "filler" ->
fill, "locked" -> unlocked, "died" -> dead, "tightness" -> tighten).

Stems meet "pairing" and "pair", but not a compound ("jumpstart"), a derived word ("filler",
"tightness") or an irregular form ("died", "dead"). A question's word that a section does not
use counts as used when one of the section's words is the same word in another form: their
token-embedding cosine (the static embedder of daemon/manual/meaning.py, one word at a time)
is at least `RelatedWords.min_cosine`. One word at a time, that embedder knows forms of a word
far better than synonyms ("antifreeze" is not near "coolant", "steaming" not near "misted"),
so this finds forms, not topics. Words are alphabetic and at least four letters long; number
words never match ("twenty" is near "20", "six" near "60").

A word the manual never uses at all may be a misheard or misspelt one of its words ("where's
the *spear* wheel", "how do I *pear* my phone"): it counts as the section's word with the same
first letter and the same consonants in the same order (`sounds_like`: vowels differ).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np

from daemon.manual.meaning import Embedder, Vectors

_NUMBER_WORDS = frozenset((
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
    "ninety", "hundred", "thousand", "million", "first", "second", "third", "half",
))


def _plain(word: str) -> bool:
    return word.isalpha() and len(word) >= 4 and word not in _NUMBER_WORDS


def consonants(word: str) -> str:
    """``word``'s first letter and then its consonants ("spear", "spare" -> "spr"; "pear",
    "pair" -> "pr")."""
    return word[:1] + re.sub(r"[aeiouwy]+", "", word[1:])


def sounds_like(word: str, other: str) -> bool:
    """Whether ``word`` and ``other`` differ only in their vowels after the first letter."""
    return word != other and consonants(word) == consonants(other)


class RelatedWords:
    """Which of a question's words a section uses in another form.

    Args:
        embedder: the static token embedder (None: no word is related to another).
        vocabulary: each section's id -> its words (lower case, synonyms mapped, unstemmed).
        min_cosine: the least token-embedding cosine of two forms of one word (0.65: "died"
            and "dead" 0.70, "locked" and "unlocked" 0.69; "leaving" and "left" 0.62 are not).
    """

    def __init__(self, embedder: Embedder | None, vocabulary: dict[str, Iterable[str]],
                 min_cosine: float = 0.65) -> None:
        self._embedder = embedder
        self.min_cosine = min_cosine
        self._words = {sid: tuple(sorted({w for w in words if _plain(w)}))
                       for sid, words in vocabulary.items()}
        self._vectors: dict[str, Vectors] = {}
        if embedder is not None:
            for sid, words in self._words.items():
                self._vectors[sid] = embedder.embed(words) if words else np.zeros(
                    (0, embedder.dims), dtype=np.float32)

    def match(self, word: str, section_id: str, unknown: bool = False) -> str | None:
        """The word of section ``section_id`` that ``word`` is another form of, or None.
        ``unknown``: the manual never uses ``word`` in any form (its stem), so it may be a
        misheard one (`sounds_like`)."""
        words = self._words.get(section_id, ())
        if not words or not _plain(word):
            return None
        if unknown:
            heard = next((w for w in words if sounds_like(word, w)), None)
            if heard is not None:
                return heard
        if self._embedder is None:
            return None
        vector = self._embedder.embed([word])[0]
        cosines = self._vectors[section_id] @ vector
        best = int(np.argmax(cosines))
        return words[best] if float(cosines[best]) >= self.min_cosine else None
