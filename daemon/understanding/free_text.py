"""Whether a free-text value (a destination, a contact, a title) reads as a name, or as words
the recogniser or the sentence put there: pure checks the matcher applies before acting on one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from daemon.understanding.edges import CLAUSE_STARTS
from daemon.understanding.joins import SAYS_WHAT_TO_DO, SPLIT_WORDS
from daemon.understanding.parse import Parse
from daemon.understanding.text import normalize, original_words, trim_polite
from vehicle_tools.language import CORRECTIONS, FreeText, SlotList


def broken_free_text(value: str) -> bool:
    """Whether a free-text value reads as pieces rather than a name: three or more pieces
    between commas, at least two of them one word ("camera, John, turn": the recogniser heard
    noise as words), or a piece that is a correction word ("Oma Hilde, nee, Opa Gerrit": a
    correction in a language the matcher does not read). "10 Downing Street, London" and
    "Paris, France" read as names."""
    pieces = [p.split() for p in re.split(r"[,;]", value) if p.strip()]
    return (len(pieces) >= 3 and sum(len(p) == 1 for p in pieces) >= 2) or any(
        len(p) == 1 and normalize(p[0]) in _MARKERS for p in pieces[1:])


NOT_A_NAME_START = frozenset((
    "it", "me", "you", "him", "her", "us", "them", "of", "with", "back", "along", "around",
    "out", "up", "down", "on", "off", "in", "at", "for", "to", "time", "is", "was",
    "uh", "um", "uhm", "er", "erm", "hmm"))
"""First words of a "name" that make it a phrase ("play it by ear", "call me when you land",
"call of duty is a great game") or a hesitation ("navigate the uh the uh")."""


def across_a_pause(value: str, transcript: str) -> bool:
    """Whether a free-text ``value`` runs across a pause the recogniser marked ("...") in
    ``transcript``: its words are in no one stretch between pauses."""
    parts = [normalize(p) for p in re.split(r"\.\.\.|\u2026", transcript)]
    if len(parts) < 2:
        return False
    wanted = normalize(value)
    return bool(wanted) and not any(f" {wanted} " in f" {p} " for p in parts)


def names_a_device(words: list[str], tool: str, topics: Mapping[str, frozenset[str]]) -> bool:
    """Whether a free text (``words``, normalised: "the heat", "the heater", "the demister for
    the windscreen", "fresh air") is, in two words or more, what another tool than ``tool`` is
    about, or starts with "the" and names what another tool is about
    (``topics``: tool name -> `Tool.topics`, normalised) in one of its forms ("heating",
    "lights", "heater", "demister") within its first `DEVICE_WORDS` words."""
    others = frozenset().union(*(w for name, w in topics.items() if name != tool)) - topics.get(
        tool, frozenset())  # "the Bluey theme song" is a search: songs are its own topic
    if len(words) > 1 and " ".join(words) in others:
        return True  # "go for some fresh air" is no song
    if len(words) < 2 or words[0] != "the":
        return False
    rest = " ".join(words[1:])
    if rest in others:
        return True
    return any({w, w.removesuffix("s"), w.removesuffix("ing"), w.removesuffix("er")} & others
               for w in words[1:1 + DEVICE_WORDS])


DEVICE_WORDS = 4
"""How far into "the ..." a device word makes a free text a device ("the demister for the
windscreen"); a long title that mentions one later stays a title."""


def comma_in_free_text(parse: Parse) -> bool:
    lists = parse.block.language.lists
    return any(isinstance(lists.get(k), FreeText) and "," in str(parse.args.get(k, ""))
               for k in parse.said)


_MARKERS = frozenset(w for c in CORRECTIONS for w in c.split())
_JOINS = SPLIT_WORDS


def a_name_after(before: list[str], after: list[str]) -> bool:
    """Whether ``after``, said after a pause that follows a command with a name in it
    (``before``), can be the name it meant ("call my brother ... Tunde", "navigate to the
    hospital ... St Mary's"): no number, no start of a clause or a phrase ("... he's driving",
    "... to Providence"), no joining word in it or before it ("..., also put the headlights
    on" is a second command; "play X then volume 45, ..." is two already), and nothing before
    it that already corrects ("..., no, ...")."""
    return bool(after) and not any(w[0].isdigit() for w in after) \
        and after[0] not in CLAUSE_STARTS | NOT_A_NAME_START and not _MARKERS & set(before) \
        and not _JOINS & (set(after) | set(before))


_NAME_AND_MAX = 4
"""At most this many words after the "and" inside a name ("Toots and the Maytals")."""


def joins_commands(words: list[str]) -> bool:
    """Whether a join word in a free text (``words``, normalised) joins two commands rather
    than two parts of one name: "Simon and Garfunkel", "Toots and the Maytals" and "mum and
    dad" are one name each; "then", "also", an "and" at either end, or an "and" followed by
    a verb ("and put it at sixty"), a number, a pronoun or more than `_NAME_AND_MAX` words
    join commands. (The matcher also looks for a whole command in the words.)"""
    for index, word in enumerate(words):
        if word not in _JOINS:
            continue
        rest = words[index + 1:]
        if word != "and" or index == 0 or not rest or len(rest) > _NAME_AND_MAX \
                or rest[0] in SAYS_WHAT_TO_DO | NOT_A_NAME_START | _JOINS \
                or any(w[0].isdigit() or w in _JOINS for w in rest):
            return True
    return False


def spoken_free_text(slot: SlotList | None, value: str, original: str) -> str:
    """The driver's own wording of a free-text ``value`` (as ``original`` says it, its case
    kept), without trailing politeness and, where ``slot`` declares it, without a leading
    lower-case article or filler; empty when it names nothing ("the last song again")."""
    text = original_words(original, trim_polite(
        value, address=isinstance(slot, FreeText) and slot.addressed))
    if not isinstance(slot, FreeText):
        return text.strip(" ,.!?;:")
    if slot.drop_article:
        text = re.sub(r"^(the|a|an)\s+", "", text)
    for filler in sorted(slot.fillers, key=len, reverse=True):
        if text.startswith(filler + " "):
            text = text[len(filler) + 1:]
            break
    text = text.strip(" ,.!?;:")
    if slot.not_alone and all(w in slot.not_alone for w in normalize(text).split()):
        return ""
    return text
