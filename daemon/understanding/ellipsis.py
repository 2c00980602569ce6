"""A second command said with words left out, read with the words of the command before it.

After "and" or "then", drivers leave out what the two commands share:

- the verb and its particle or value (gapping): "turn the music down and your voice too" is
  "turn your voice down"; "open my window and the passenger one" is "open the passenger
  window"; "rear defrost on and the front one too" is "front defrost on". The piece replaces
  a run of the words before it, and the result must read as a whole command that is not the
  command before again;
- the values said again, each in place of the one of its kind said before (parallel): "open
  the back left window all the way and the back right halfway" is "open the back right
  window halfway" (the same tool only; every word of the piece a value, "the" or a word of
  the command before);
- what "it" is is `daemon.understanding.follow`'s.

Words that only say "the same again" ("too", "as well", "also") are dropped from the piece.
A value (a number or an amount) is lent to another tool never: "set the fan to 3 and the seat
heater" is not level 3 for the seat; that piece is read with the verb alone (a question).
Pure: ``clause`` is the matcher's one-command reader.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator

from daemon.understanding.correction import LENT_VERBS, POLITE_WORDS
from daemon.understanding.parse import Parse
from daemon.understanding.refining import AMOUNT_WORDS
from daemon.understanding.shape import phrases
from vehicle_tools.language import SHARED_LISTS, Language, Values

Clause = Callable[[str], Parse | None]
Whole = Callable[[Parse], bool]
"""Whether a reading has every argument its tool needs (no question left to ask)."""

SAME_AGAIN = frozenset(("too", "also", "aswell"))
"""Words at the edges of a joined piece that only say "the same again"."""
_ONE = frozenset(("one", "ones", "1"))
"""A noun left out ("the passenger one", "1" once normalised): the command before names it."""
_OWNER = {"mine": ["my"], "hers": ["her"], "his": ["his"], "passengers": ["passenger"],
          "drivers": ["driver"]}
"""Whose, for a noun the command before names ("close my window, open hers halfway")."""
_LENT_VALUES = AMOUNT_WORDS - {"off"}
"""Words of a value never lent to another tool ("halfway"); "off" is a verb's particle."""
MAX_WORDS = 12
"""Commands before longer than this are not searched for a run to replace (bounded work)."""


_SAME_FOR = re.compile(r"^(?:(?:do|and) )?(?:the )?same (?:again |thing |here )?"
                       r"(?:for|on|with|to|at) (?=\S)")
"""What says the command before again for another target ("and the same for hers", "..., do
the same for the passenger side")."""


def same_for(piece: list[str]) -> bool:
    """Whether ``piece`` says the command before again for another target (`_SAME_FOR`)."""
    return _SAME_FOR.match(" ".join(piece)) is not None


def without_same_again(piece: list[str]) -> list[str]:
    """``piece`` without "too", "as well", "also" at either end ("and the sunroof too") or
    "the same for" before a target ("and the same for hers": "hers")."""
    words = _SAME_FOR.sub("", " ".join(piece)).split()
    if words[-2:] == ["as", "well"]:
        words = words[:-2]
    while words and words[-1] in SAME_AGAIN:
        words = words[:-1]
    while words and words[0] in SAME_AGAIN:
        words = words[1:]
    return words or list(piece)


def lent_too(parsed: Parse, before: Parse) -> Parse:
    """``parsed``, said with "too" after ``before``, with the numbers ``before`` said for the
    arguments both tools take and ``parsed`` did not say ("open the back right window a crack
    and the sunroof too": the sunroof a crack too); the command itself for the same tool (the
    words before lend theirs: `gapped`)."""
    if parsed.tool == before.tool:
        return parsed
    lent = {k: v for k in sorted(before.said & (parsed.args.keys() - parsed.said))
            if isinstance(v := before.args[k], int | float) and not isinstance(v, bool)}
    return dataclasses.replace(parsed, args={**parsed.args, **lent},
                               said=parsed.said | lent.keys()) if lent else parsed


def names_whose(piece: list[str]) -> bool:
    """Whether ``piece`` names whose the noun of the command before is ("..., hers halfway",
    "..., the passenger's a quarter"): read with that command's words after a comma too."""
    return any(w in _OWNER for w in piece)


def gapped(piece: list[str], before: Parse, clause: Clause, whole: Whole,
           nouns: frozenset[str] = frozenset()) -> Parse | None:
    """``piece`` read in place of a run of the words of ``before`` (shortest run first: "the
    demister" after "turn off the seat heating" is "turn off the demister", never "turn the
    demister"); None when no such reading is a whole command other than ``before``. "One" in
    the piece may stand for a word of ``before`` among ``nouns`` (its tool's topics: "the back
    right one fully" after "open the driver's window a little" is the back right window)."""
    words = before.text.split()
    if len(words) > MAX_WORDS:
        return None
    variants = [piece]
    if any(w in _OWNER for w in piece):  # "open hers halfway": whose, and the noun before
        variants += [[x for w in piece for x in ([*_OWNER[w], noun] if w in _OWNER else [w])]
                     for noun in words if noun in nouns and noun not in piece]
    if any(w in _ONE for w in piece[1:]):  # "the back right one": the noun before, or none
        variants += [[noun if w in _ONE else w for w in piece] for noun in words
                     if noun in nouns and noun not in piece]
        variants.append([w for w in piece if w not in _ONE])
    variants += [v[1:] for v in variants if v[:1] == ["the"]]  # "the front (one)": "front"
    variants = [v for v in variants if v]
    for variant in variants:  # as said first, then with the noun, then without "one"
        alone = clause(" ".join(variant)) if variant != piece else None
        if alone is not None and whole(alone) and not alone.free_said() and (
                alone.tool, dict(alone.args)) != (before.tool, dict(before.args)):
            return alone  # "... and the rear left one all the way": a command with its noun
        for size in range(1, len(words)):  # as much of the command before kept as can be
            for start in range(0, len(words) - size + 1):
                kept = words[:start] + words[start + size:]
                if variant[0] in LENT_VERBS and variant[0] != words[0] and any(
                        w in AMOUNT_WORDS or w[0].isdigit() for w in kept):
                    continue  # "open the passenger window halfway and close mine": a verb
                    # of its own takes no amount from the command before
                parsed = clause(" ".join(words[:start] + variant + words[start + size:]))
                if parsed is not None and _lends(parsed, before, kept) \
                        and not parsed.free_said() and whole(parsed):
                    return parsed
    return None


def _lends(parsed: Parse, before: Parse, kept: list[str]) -> bool:
    """Whether a reading built from ``before``'s words ``kept`` is a command of its own: not
    ``before`` again, and no value lent to another tool."""
    if parsed.tool == before.tool and dict(parsed.args) == dict(before.args):
        return False
    if not any(w not in POLITE_WORDS for w in kept):
        return False  # the piece alone, read with a "please" ("please the demister")
    return parsed.tool == before.tool or not any(
        w[0].isdigit() or w in _LENT_VALUES for w in kept)


def parallel(piece: list[str], before: Parse, clause: Clause, whole: Whole) -> Parse | None:
    """``piece`` as values, each said in place of the one value of the same list in
    ``before`` (see the module docstring); None when a word of the piece is none of those, a
    value has no single counterpart, or the reading is not a whole command of ``before``'s
    tool other than ``before``."""
    words = before.text.split()
    table = _table(before.block.language)
    theirs = list(_spans(words, table))
    text, replaced, index = list(words), [], 0
    while index < len(piece):
        span = next((s for s in _spans(piece[index:], table) if s[0] == 0), None)
        if span is None:
            if piece[index] not in _GLUE and piece[index] not in words:
                return None  # a word that is no value: not this reading
            index += 1
            continue
        mine = piece[index:index + span[1]]
        same = [t for t in theirs if t[2] & span[2]]
        if len(same) != 1:
            return None
        replaced.append((same[0][0], same[0][0] + same[0][1], mine))
        index += span[1]
    if len(replaced) < 2 or len({start for start, _, _ in replaced}) < len(replaced):
        return None  # one value is gapping's; two for one place is no reading
    for start, end, mine in sorted(replaced, reverse=True):
        text[start:end] = mine
    parsed = clause(" ".join(text))
    if parsed is None or parsed.tool != before.tool or parsed.free_said() \
            or dict(parsed.args) == dict(before.args) or not whole(parsed):
        return None
    return parsed


_GLUE = frozenset(("the", "a", "and")) | _ONE
_TABLES: dict[int, dict[tuple[str, ...], frozenset[str]]] = {}


def _table(language: Language) -> dict[tuple[str, ...], frozenset[str]]:
    """Every value phrase of the tool's lists (its own and the shared ones) -> list names."""
    key = id(language)
    if key not in _TABLES:
        table: dict[tuple[str, ...], set[str]] = {}
        for name, slot in {**SHARED_LISTS, **language.lists}.items():
            if isinstance(slot, Values):
                for phrase in phrases(slot):
                    table.setdefault(phrase, set()).add(name)
        _TABLES[key] = {phrase: frozenset(names) for phrase, names in table.items()}
    return _TABLES[key]


def _spans(words: list[str], table: dict[tuple[str, ...], frozenset[str]]
           ) -> Iterator[tuple[int, int, frozenset[str]]]:
    """(start, length, list names) of the longest value phrase at each start, left to right,
    not overlapping; a number is a value of the list "#"."""
    index = 0
    while index < len(words):
        if words[index].replace(".", "", 1).isdigit():
            yield index, 1, frozenset({"#"})
            index += 1
            continue
        size = next((n for n in range(min(5, len(words) - index), 0, -1)
                     if tuple(words[index:index + n]) in table), 0)
        if size:
            yield index, size, table[tuple(words[index:index + size])]
        index += size or 1
