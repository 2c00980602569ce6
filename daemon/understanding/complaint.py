"""What is wrong, read as what to do: "my feet are freezing" -> "make it warmer", "the music
is much too loud for me" -> "turn the music down" (issue 17, "indirect" requests).

Each tool declares its complaints next to its templates (`vehicle_tools.language.Complaint`):
the phrases that say what is wrong, the phrases one of which must name what it is about, and
a sentence of its own templates that puts it right. `ComplaintReader.read` runs only on a
sentence no template covers, and finds the complaint it says:

- one of its ``feel`` phrases is said, and one of its ``about`` phrases when it has any;
- of several, those whose ``about`` is said most precisely win ("my wife says her seat is
  cold" is the passenger's seat, not the driver's, and not the cabin temperature);
- those left must all mean the same command, else nothing is understood;
- a negation, a command verb, a question, "outside" or "weather" outside the complaint's own
  phrases, and sentences of more than `MAX_WORDS` words, are not read ("it's cold outside",
  "I'm not cold", "is it cold in here?", "it's cold, open the window": other readings).

The command is the matcher's own parse of ``means``, with a place the driver said ("my side's
a bit warm" -> "make it cooler" + "my side"), marked ``inferred``: the Decider asks before acting
on it ("Do you want me to change the temperature: ...?"), as a complaint is read, not heard as
a request. Pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace

from daemon.understanding.correction import pattern
from daemon.understanding.parse import Parse
from daemon.understanding.shape import NEGATIONS
from vehicle_tools.language import Complaint, SlotList, Values
from vehicle_tools.registry import Registry

MAX_WORDS = 16
"""Longer sentences say more than a complaint: they are not read as one."""
_NOT_A_COMPLAINT = NEGATIONS | frozenset((
    "outside", "weather", "forecast", "tomorrow", "yesterday", "what", "whats", "how", "why",
    "when", "where", "which", "who", "open", "close", "shut", "turn", "switch", "set", "put",
    "lock", "unlock", "play", "call", "navigate", "stop", "start", "pause", "skip", "if",
    "make", "get", "keep", "let", "want", "like",
    "engine", "coffee", "tea", "food", "drink", "water", "soup", "tyres", "tires", "brakes",
    "oil", "battery", "motor", "pie", "chips", "he", "she", "went", "was", "were", "and",
    "road", "roads", "night", "winter", "street", "pavement", "steering"))
"""Words that make a sentence something else than a complaint (outside its own phrases): a
negation, a command, a question, the weather, something else that is hot or cold (an "icy
road", a "cold night", the steering wheel: "my hands are like ice")."""
_NO_PLACE_ALONE = frozenset(("my", "me", "mine", "for", "i", "on", "all"))
"""Words of a place that say none alone: the driver's, which may be someone else's ("my
wife's seat"), and "all" ("it's all fogged up")."""
_ASKING = frozenset(("is", "are", "do", "does", "did", "was", "were", "can", "could", "will",
                     "should", "shall"))
"""First words of a question ("is it cold in here"): asked, never acted on."""


@dataclass(frozen=True)
class _Hit:
    complaint: Complaint
    spans: tuple[tuple[int, int], ...]
    about: tuple[int, int] | None

    @property
    def precision(self) -> int:
        return 0 if self.about is None else self.about[1] - self.about[0]


_NOISE = re.compile(r"\bover (?:the |this )?(?:(?:road|engine|wind|tyre|tire|diesel|traffic) )?"
                    r"(?:noise|roar|rumble|racket|din|engine|diesel|road|traffic)\b")
"""What drowns out the music or the voice ("over the road noise", "over the engine"): not
the engine or the road a complaint is about."""
_CONTENT = re.compile(r"\b(?:(?:the|my|our|his|her) )?\w+ (?:side )?(?:is|are|s|seems|feels) "
                      r"(?:fine|ok|okay|alright|all right|good|happy|comfortable|perfect)\b")
"""A place said to be fine: not where the complaint is."""


def _find(words: list[str], phrase: str) -> tuple[int, int] | None:
    """Where ``phrase`` is said in ``words`` (a word may carry the "s" normalising leaves of
    "'s": "my bum's" -> "bums")."""
    parts = phrase.split()
    for start in range(len(words) - len(parts) + 1):
        if all(w in (p, p + "s") for w, p in zip(words[start:start + len(parts)], parts,
                                                   strict=True)):
            return start, start + len(parts)
    return None


class ComplaintReader:
    """Reads complaints against every tool's declaration.

    Args:
        registry: the vehicle tools, with their `Language`.
        lists: every slot list by name (the grammar's): a value said beside the complaint
            ("my side") is added to its command.
    """

    def __init__(self, registry: Registry, lists: Mapping[str, SlotList]) -> None:
        self._complaints = tuple(c for tool in registry if tool.language is not None
                                 for c in tool.language.complaints)
        self._places = tuple((pattern(spoken), value) for slot in lists.values()
                             if isinstance(slot, Values) for spoken, value in slot.values)

    def read(self, text: str, clause: Callable[[str], Parse | None]) -> Parse | None:
        """``text`` (normalised) as the command its complaint means, parsed by ``clause``
        (the matcher's); None when it says no complaint, or several that disagree."""
        words = _NOISE.sub("over the noise", text).split()  # the engine is no complaint's
        found = self._complaint(words)
        parsed = None if found is None else clause(found[0])
        if found is None or parsed is None:
            return None
        means, rest = found[0], _CONTENT.sub(" ", found[1])  # "..., the passenger is fine"
        singular = re.sub(r"\b(\w{3,}[^s])s\b", r"\1", rest)  # "my sides" -> "my side"
        elsewhere = False
        for place, value in self._places:
            said = place.search(rest) or place.search(singular)
            if said is not None and said.group(0).strip():
                placed = clause(f"{means} {said.group(0).strip()}")
                if placed is not None and placed.said > parsed.said:
                    return replace(placed, inferred=True)
                elsewhere |= isinstance(value, str) and value not in parsed.args.values() \
                    and bool(set(said.group(0).split()) - _NO_PLACE_ALONE) and bool(parsed.said)
        return None if elsewhere else replace(parsed, inferred=True)  # "my passenger's bum
        # is cold" is no complaint about the driver's seat

    def _complaint(self, words: list[str]) -> tuple[str, str] | None:
        """(the sentence the one complaint said means, the words outside its phrases), or
        None."""
        if not words or len(words) > MAX_WORDS or words[0] in _ASKING:
            return None
        hits = list(self._hits(words))
        best = max((h.precision for h in hits), default=0)
        hits = [h for h in hits if h.precision == best]
        if len({h.complaint.means for h in hits}) != 1:
            return None
        used = [False] * len(words)
        for hit in hits:
            for start, end in (*hit.spans, hit.about or (0, 0)):
                used[start:end] = [True] * (end - start)
        rest = [w for w, u in zip(words, used, strict=True) if not u]
        if any(w in _NOT_A_COMPLAINT for w in rest):
            return None
        return hits[0].complaint.means, " ".join(rest)

    def _hits(self, words: list[str]) -> Iterator[_Hit]:
        for complaint in self._complaints:
            spans = tuple(s for s in (_find(words, f) for f in complaint.feel) if s)
            if not spans:
                continue
            about = next((s for s in (_find(words, a) for a in sorted(
                complaint.about, key=lambda a: -len(a.split()))) if s), None)
            if complaint.about and about is None:
                continue
            yield _Hit(complaint, spans, about)
