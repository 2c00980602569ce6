"""A command joined to the one before it that acts on "it" or "them", or undoes it.

After "and" or "then", drivers name what the command before acted on with a pronoun, with any
verb: "turn the fan up to six and then bring it back down to two", "open the sunroof and then
close it again", "unlock the doors, ..., then lock them again". `read_it` reads such a piece:

1. "it" replaced by the words the tool before declares for what it acts on
   (`Language.referent`: "the fan"), with any verb ("bring it down" is not only "turn it down");
2. "it"/"them" replaced by a run of the words before that carries no value (no number, no
   amount: "drop it a degree" after "set the temperature to 24" is never 24 again), longest
   first: one that names the same thing (same tool, same window, zone or seat), or a noun
   phrase (a run starting with "the", "my", ...) that another tool may act on ("lock them"
   after "unlock the doors" locks the doors);
3. otherwise the piece as said, only when it is read as the same tool: "it" is never something
   the command before did not act on ("turn the fan up to 6 and bring it down to 2" was 2 °C
   for every zone, the template reading of "it" as the temperature).

Words that only say "back to how it was" ("again" at the end of a piece that starts with
the verb of a setting, "back" before up, down, on or off) are dropped from a joined piece
first: "close it again" is "close it", "put it back up" is "put it up". Pure: ``clause`` is
the matcher's one-command reader.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from daemon.understanding.correction import targets
from daemon.understanding.ellipsis import Clause, Whole
from daemon.understanding.parse import Parse
from daemon.understanding.refining import AMOUNT_WORDS
from daemon.understanding.text import plain_verbs

PRONOUNS = frozenset(("it", "them"))
"""The words for what the command before acted on."""
RESTORING = frozenset(("again",))
"""Words at the end of a joined piece that only say "back to how it was"."""
_BACK_BEFORE = frozenset(("up", "down", "on", "off"))
_UNDOING_VERBS = frozenset(("close", "shut", "open", "lock", "unlock", "lower", "raise", "put",
                            "turn", "switch", "bring", "set", "roll", "wind", "pop", "crack"))
"""Verbs of a setting: "close it again" puts it back ("play that song again" is no undoing)."""
_DETERMINERS = frozenset(("the", "my", "all", "both", "her", "his", "our", "your", "their"))
_QUANTIFIERS = frozenset(("all", "both", "of"))
MAX_WORDS = 12
"""Commands before longer than this are not searched for a noun phrase (bounded work)."""


def restored(piece: list[str]) -> list[str]:
    """``piece`` without the words that only say "back to how it was"; ``piece`` itself when
    nothing else would be left."""
    words = list(piece)
    while len(words) > 2 and words[-1] in RESTORING and words[0] in _UNDOING_VERBS:
        words = words[:-1]
    words = [w for i, w in enumerate(words)
             if not (w == "back" and i + 1 < len(words) and words[i + 1] in _BACK_BEFORE)]
    return words or list(piece)


def _pronoun_at(piece: list[str]) -> int | None:
    """Where ``piece`` says "it" or "them" for a thing ("all them shut" names every window)."""
    return next((i for i, w in enumerate(piece)
                 if w in PRONOUNS and not (i and piece[i - 1] in _QUANTIFIERS)), None)


def about_it(piece: list[str]) -> bool:
    """Whether ``piece`` acts on "it" or "them"."""
    return _pronoun_at(piece) is not None


def read_it(piece: list[str], before: Parse, clause: Clause, whole: Whole,
            referent: Mapping[str, list[str]]) -> Parse | None:
    """``piece`` (joined to ``before``, acting on "it" or "them") as a command, or None (see
    the module docstring)."""
    at = _pronoun_at(piece)
    if at is None:
        return None
    clause = _with_plain_verbs(clause)  # "bring it down to 2": "put the fan down to 2"
    said = referent.get(before.tool)
    if said and piece[at] == "it":
        parsed = clause(" ".join([*piece[:at], *said, *piece[at + 1:]]))
        if parsed is not None and not parsed.free_said():  # "skip this song and turn it up"
            return dataclasses.replace(parsed, follows=True)
    words = before.text.split()
    for run in _runs(words if len(words) <= MAX_WORDS else []):
        parsed = clause(" ".join([*piece[:at], *run, *piece[at + 1:]]))
        if parsed is not None and whole(parsed) and not parsed.free_said() and (
                parsed.tool != before.tool or parsed.args != before.args) and (
                run[0] in _DETERMINERS or (parsed.tool == before.tool
                                           and targets(parsed) == targets(before))):
            return dataclasses.replace(parsed, follows=True)
    parsed = clause(" ".join(piece))
    return parsed if parsed is not None and parsed.tool == before.tool else None


def _with_plain_verbs(clause: Clause) -> Clause:
    def read(text: str) -> Parse | None:
        plain = plain_verbs(text)
        return clause(text) or (clause(plain) if plain != text else None)
    return read


def _runs(words: list[str]) -> list[list[str]]:
    """Runs of ``words`` after the verb that carry no value (no number, no amount), longest
    first: "the doors" of "unlock the doors", never "the temperature to 24"."""
    runs = [words[start:end] for start in range(1, len(words))
            for end in range(start + 1, len(words) + 1)
            if not any(w[0].isdigit() or w in AMOUNT_WORDS for w in words[start:end])]
    return sorted(runs, key=len, reverse=True)
