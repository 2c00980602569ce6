"""Names a service keeps (the phone book) or finds (the map): a heard name is resolved to one of
its entries before anything is sent, or asked about, or said not to exist.

A recogniser hears names worst of all ("get my fish to run the phone" made a call to a contact
named "phone"), so a free-text argument declared with a `Directory` never goes to the service as
heard. `match_name` compares it with every entry, by spelling (rapidfuzz) and by sound
(jellyfish's metaphone keys, so "mum" finds "Mom" and "Alis" finds "Alice"):

- ``sure``: the same name (case, articles and "my" aside), the only entry whose words include
  all the words heard ("Bob" -> "Bob Smith"), or one that sounds the same and is spelled
  nearly the same: the call goes to that entry, and the reply names it;
- ``close``: one entry clearly nearer than the rest: "Did you mean Bob Smith?" first;
- ``none``: no entry near enough: "I couldn't find ... in your contacts", and nothing is sent.

A service that cannot list its entries searches instead (the navigation's map, `Directory`
``search``): its places found are taken the same way: the first one it is sure of goes ahead,
else the first one found is asked about ("Did you mean Heathrow Airport?"), and nothing found
is said ("I couldn't find camera John turn on the map."): `match_search`.

Pure; the dispatcher reads the entries from the service and applies the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import jellyfish
from rapidfuzz import fuzz

SURE_SPELLING = 60.0
"""Spelling similarity (rapidfuzz ratio, 0-100) at or above which a name that sounds the same
as an entry is that entry ("mum" / "Mom": 67)."""
CLOSE_SCORE = 62.0
"""Combined similarity (0-100) at or above which the nearest entry is asked about."""
CLOSE_MARGIN = 10.0
"""How much nearer than the next entry the nearest must be to be asked about, points."""


@dataclass(frozen=True)
class Directory:
    """A free-text argument that must name an entry of a list the tool's service reports, or
    a place its search finds.

    Attributes:
        key: the ``service.Property`` holding the entries (``phone.Contacts``), or with
            ``search`` the ``service.Method`` that searches (``navigation.Search``: the heard
            text in, ``a(sb)`` out: each place found, best first, and whether the service is
            sure it is the one asked for).
        ask: the question for a close entry, with ``{name}`` ("Did you mean {name}?").
        missing: said when no entry is near, with ``{name}`` (what was heard).
        search: the service searches (a map cannot list its places); else it lists entries
            and `match_name` decides.
    """

    key: str
    ask: str = "Did you mean {name}?"
    missing: str = "I couldn't find {name}."
    search: bool = False


@dataclass(frozen=True)
class NameMatch:
    """How a heard name relates to the entries.

    Attributes:
        kind: ``sure``, ``close`` or ``none`` (see the module docstring).
        entry: the entry (``sure`` and ``close``), else "".
        score: the combined similarity of the nearest entry, 0-100.
    """

    kind: Literal["sure", "close", "none"]
    entry: str = ""
    score: float = 0.0


_DROP = re.compile(r"^(?:(?:my|the|a|an|our)\s+)+")


def _plain(name: str) -> str:
    text = re.sub(r"[^\w\s]", " ", name.lower())
    return _DROP.sub("", " ".join(text.split()))


def _sound(name: str) -> str:
    return str(jellyfish.metaphone(name.replace(" ", "")))


def _score(heard: str, entry: str) -> float:
    spelled = float(fuzz.WRatio(heard, entry))
    sounded = float(fuzz.ratio(_sound(heard), _sound(entry)))
    return (spelled + sounded) / 2.0


def match_name(heard: str, entries: Sequence[str]) -> NameMatch:
    """``heard`` against ``entries`` (see the module docstring)."""
    said = _plain(heard)
    plain = [(_plain(e), e) for e in entries]
    if not said or not plain:
        return NameMatch("none")
    for name, entry in plain:
        if name == said:
            return NameMatch("sure", entry, 100.0)
    words = set(said.split())
    holding = [entry for name, entry in plain if words <= set(name.split())]
    if len(holding) == 1:
        return NameMatch("sure", holding[0], 100.0)  # "Bob" -> "Bob Smith"
    ranked = sorted(((_score(said, name), entry, name) for name, entry in plain), reverse=True)
    best, entry, name = ranked[0]
    runner_up = ranked[1][0] if len(ranked) > 1 else 0.0
    if _sound(said) == _sound(name) and fuzz.ratio(said, name) >= SURE_SPELLING \
            and best - runner_up >= CLOSE_MARGIN:
        return NameMatch("sure", entry, best)  # "mum" -> "Mom"
    if best >= CLOSE_SCORE and best - runner_up >= CLOSE_MARGIN:
        return NameMatch("close", entry, best)
    return NameMatch("none", "", best)


def match_search(found: Sequence[tuple[str, bool]]) -> NameMatch:
    """What a service's search found (each place and whether the service is sure of it, best
    first) as a `NameMatch`: the first sure place, else the first place found (close), else
    none."""
    sure = next((name for name, certain in found if certain), None)
    if sure is not None:
        return NameMatch("sure", sure, 100.0)
    if found:
        return NameMatch("close", found[0][0], 0.0)
    return NameMatch("none")
