"""A value said before the thing it is for ("minimum on the temp", "off with the aircon", "level
two on my seat", "ten less on the volume", "three for the passenger's seat"): the same words in
the order the templates say them ("the temp minimum", "my seat level 2").

Pure; the matcher reads the reordered sentence as any other, and takes it only when it is one
command with no free text (a name is never made by moving words around).
"""

from __future__ import annotations

import re

_INVERTED = re.compile(
    r"^(?P<value>(?:\S+ ){0,3}\S+) (?:on|for|with|in) "
    r"(?P<owner>the|my|your|her|his|our|their) (?P<thing>(?:\S+ ){0,3}\S+)$")
"""At most four words of value, a preposition, a determiner and at most four words of thing."""
_STATEMENT = frozenset((
    "i", "im", "ive", "id", "ill", "we", "were", "weve", "its", "it", "is", "are", "there",
    "theres", "this", "that", "thats", "he", "hes", "she", "shes", "they", "theyre", "you",
    "youre", "getting", "got", "feels", "feel"))
"""Words that make the words before the preposition a statement, not a value ("it's getting
chilly with my window open" says why, it asks for no window)."""


def inversions(text: str) -> list[str]:
    """``text`` (normalised) with the value after the thing, with and without the determiner
    ("minimum on the temp" -> "the temp minimum", "temp minimum"); [] when it is not said that
    way."""
    match = _INVERTED.match(text)
    if match is None or _STATEMENT & set(match["value"].split()):
        return []
    value, owner, thing = match["value"], match["owner"], match["thing"]
    return [f"{owner} {thing} {value}", f"{thing} {value}"]
