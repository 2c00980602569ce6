"""Words for retrieval: lower case tokens, one spelling per synonym, stems, no stop words.

The same `Analyzer` turns sections and questions into terms, so "tire", "tires" and "tyre"
meet, as do "trunk" and "boot". Pure apart from the Snowball stemmer (PyStemmer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type information

_TOKEN = re.compile(r"[a-z0-9]+")

SYNONYMS: dict[str, str] = {
    "tire": "tyre", "tires": "tyres", "trunk": "boot", "windshield": "windscreen",
    "gas": "fuel", "gasoline": "fuel", "petrol": "fuel", "hood": "bonnet",
    "moonroof": "sunroof", "aircon": "ac", "defroster": "defrost", "defogger": "defrost",
    "headlamp": "headlight", "headlamps": "headlights", "handbrake": "parking",
    "liftgate": "tailgate", "sat": "navigation", "nav": "navigation", "gps": "navigation",
    "amber": "orange", "yellow": "orange", "kids": "child",
    "children": "child", "childproof": "child", "seatbelt": "belt", "seatbelts": "belt",
    "kilopascals": "kpa", "mph": "speed", "kph": "speed",
    "cellphone": "phone", "mobile": "phone", "iphone": "phone", "wrench": "spanner",
    "lug": "wheel", "motor": "engine",
    "windows": "window", "lights": "light", "lamp": "light", "lamps": "light",
    "blinking": "flashing", "blinks": "flashes", "warmer": "heating", "heated": "heating",
    "heater": "heating", "faster": "fast", "slower": "slow", "quicker": "fast",
    "weigh": "weight", "weighs": "weight", "heavy": "weight", "wide": "width",
    "tall": "height",
}
"""Word -> the spelling the manual's sections use (both sides are mapped the same way)."""

STOP_WORDS = frozenset((
    "a", "an", "the", "and", "or", "of", "to", "in", "on", "at", "for", "with", "by", "from",
    "is", "are", "was", "be", "been", "it", "its", "this", "that", "these", "those", "i",
    "me", "my", "we", "our", "you", "your", "he", "she", "they", "them", "do", "does",
    "did", "can", "could", "should", "would", "will", "shall", "may", "might", "must",
    "what", "whats", "which", "who", "how", "where", "wheres", "when", "why", "there",
    "s", "t", "d", "ll", "re", "ve", "m", "if", "so", "as", "up", "about", "into", "out",
    "please", "hey", "jarvis", "tell", "know", "car", "cars", "vehicle", "aria",
    "want", "need", "get", "got", "have", "has", "any", "some", "then", "than", "just",
    "one", "here", "am", "be", "being", "like", "also", "only", "all", "not", "no",
    "kind", "type", "sort", "much", "many", "way", "thing", "things", "something",
    "anything", "okay", "ok", "supposed", "exactly", "really", "time", "take", "takes",
    "taking", "go", "going", "once", "happen", "happens", "wont", "dont", "doesnt", "isnt",
    "cant", "didnt", "arent", "im", "ive", "its", "bad", "normal", "serious", "worry",
    "worried", "problem", "come", "comes", "came", "coming", "went", "gone", "say", "said",
))
"""Words too common to tell sections apart ("car" is in every question about the car)."""


@dataclass(frozen=True)
class Analyzer:
    """Text -> retrieval terms.

    Attributes:
        stem: reduce words to their Snowball (English) stem ("pairing" -> "pair").
        synonyms: map each word to the manual's spelling first (`SYNONYMS`).
    """

    stem: bool = True
    synonyms: bool = True
    _stemmer: object = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.stem:
            object.__setattr__(self, "_stemmer", Stemmer.Stemmer("english"))

    def words(self, text: str) -> list[str]:
        """The content words of ``text``: lower case, synonyms mapped, stop words dropped."""
        raw = _TOKEN.findall(text.lower().replace("'", ""))
        mapped = [SYNONYMS.get(w, w) for w in raw] if self.synonyms else raw
        return [w for w in mapped if w not in STOP_WORDS]

    def question_terms(self, question: str) -> list[str]:
        """The retrieval terms of a question: `terms`, with "you" read as the assistant
        ("what can you do" asks about the assistant)."""
        return self.terms(re.sub(r"\byou\b", "assistant", question, flags=re.IGNORECASE))

    def terms(self, text: str) -> list[str]:
        """The retrieval terms of ``text`` (`words`, stemmed when `stem`)."""
        return self.stems(self.words(text))

    def stems(self, words: Iterable[str]) -> list[str]:
        """``words`` stemmed (unchanged when `stem` is off)."""
        listed = list(words)
        if self._stemmer is None:
            return listed
        stemmed: list[str] = self._stemmer.stemWords(listed)  # type: ignore[attr-defined]
        return stemmed
