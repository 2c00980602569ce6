"""Broken starts of a word, said before the word ("c c call Nadia", "o o open the sunroof",
"and the f fan to one"): a run of the same one- or two-letter fragment that begins the next
word is dropped, when that word is one of the car's language (`aside.vocabulary`). A name's
initials stay ("play B B King", "call J Jones": "king" and "jones" are no word of the car's),
and so do the short words of English ("a", "to", "on"). Pure."""

from __future__ import annotations

from daemon.understanding.text import normalize

_SHORT_WORDS = frozenset((
    "a", "i", "an", "to", "on", "in", "up", "of", "at", "it", "is", "me", "my", "we", "us", "so",
    "no", "do", "go", "he", "or", "by", "be", "oh", "ok", "am", "as", "hi", "ya", "ye", "yo"))
"""Words that are no fragment: never dropped."""


def unstammered(transcript: str, carrying: frozenset[str]) -> str:
    """``transcript`` without the fragments a driver stammered before a word of the car's
    language (see the module docstring); the other words as said."""
    words = transcript.split()
    plain = [normalize(w) for w in words]
    kept: list[str] = []
    index = 0
    while index < len(words):
        fragment = plain[index]
        end = index
        while end < len(words) and plain[end] == fragment:
            end += 1  # "c c call": the run of the same fragment
        after = plain[end] if end < len(words) else ""
        if fragment.isalpha() and len(fragment) <= 2 and fragment not in _SHORT_WORDS \
                and after.startswith(fragment) and len(after) > len(fragment) \
                and after in carrying:
            index = end
            continue
        kept.append(words[index])
        index += 1
    return " ".join(kept)
