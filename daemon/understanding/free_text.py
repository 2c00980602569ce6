"""Whether a free-text value (a destination, a contact, a title) reads as a name, or as words
the recogniser or the sentence put there: pure checks the matcher applies before acting on one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from daemon.understanding import aside
from daemon.understanding.correction import LENT_VERBS, verb_of
from daemon.understanding.edges import CLAUSE_STARTS
from daemon.understanding.joins import SAYS_WHAT_TO_DO, SPLIT_WORDS
from daemon.understanding.parse import Parse
from daemon.understanding.text import normalize, original_words, trim_polite
from vehicle_tools.language import CORRECTIONS, DOUBTFUL_ENDS, TITLE_ENDS, FreeText, SlotList


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
    ``transcript`` (its words are in no one stretch between pauses), or across a comma after
    which the driver starts another command with a verb that acts on something ("play some Ali
    Farka Toure, turn it up to 55": the volume, no part of the title)."""
    parts = [normalize(p) for p in re.split(r"\.\.\.|\u2026", transcript)]
    wanted = normalize(value)
    if len(parts) >= 2 and wanted and not any(f" {wanted} " in f" {p} " for p in parts):
        return True
    keys = wanted.split()
    for clause in transcript.split(",")[1:]:
        said = normalize(clause).split()[:2]
        if len(said) == 2 and said[0] in LENT_VERBS and any(
                keys[i:i + 2] == said for i in range(1, len(keys) - 1)):
            return True
    return False


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
    hospital ... St Mary's", "put some music on ... the Weeknd"): no number, no start of a
    clause or a phrase ("... he's driving", "... to Providence"; a short "the ..." may be a
    name, `_A_BAND`), no joining word in it or before it ("..., also put the headlights
    on" is a second command; "play X then volume 45, ..." is two already), and nothing before
    it that already corrects ("..., no, ...", "hang on": not the "on" of "put some music
    on")."""
    return bool(after) and not any(w[0].isdigit() for w in after) \
        and (after[0] not in CLAUSE_STARTS | NOT_A_NAME_START or (_A_BAND.fullmatch(
            " ".join(after)) is not None and not aside.is_why(" ".join(after)))) and not any(
            f" {m} " in f" {' '.join(before)} " for m in CORRECTIONS) \
        and not _JOINS & (set(after) | set(before))


def read_as_named(before: list[str], after: list[str],
                  read: Callable[[str], Parse | None]) -> Parse | None:
    """The command ``before`` (words, normalised) with ``after``, said after a pause, as the
    name it left out, its verb lent ("play some music ... Edith Piaf": "play Edith Piaf") with
    its last word when the verb alone takes no name ("put some music on ... the Weeknd": "put
    on the Weeknd"); None when neither reads. ``read``: one command from words."""
    verb = verb_of(" ".join(before))[:1]
    for lent in (verb, [*verb, *before[-1:]]):
        parse = read(" ".join(lent + after))
        if parse is not None:
            return parse
    return None


_A_BAND = re.compile(r"the \w+( \w+)?")
"""A name after a pause may start with "the" when it is short ("... the Weeknd", "... the
Rolling Stones"); not a statement ("... the kids are cold")."""


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
    if slot.purposes and (why := re.search(r"\s+to\s+(\w+)\b", text)) and normalize(
            why[1]) in slot.purposes:  # "Sione to say I'm coming": Sione
        text = text[:why.start()]
    for filler in sorted(slot.fillers, key=len, reverse=True):
        if text.startswith(filler + " "):
            text = text[len(filler) + 1:]
            break
    text = text.strip(" ,.!?;:")
    if slot.not_alone and all(w in slot.not_alone for w in normalize(text).split()):
        return ""
    return text


_DOUBTFUL = tuple(sorted((normalize(e).split() for e in DOUBTFUL_ENDS), key=len, reverse=True))
_TITLE_ENDS = frozenset(normalize(e) for e in TITLE_ENDS)


def told_value(slot: SlotList | None, value: str, carrying: frozenset[str],
               commands: Callable[[list[str]], bool]) -> tuple[str, bool]:
    """A free-text ``value`` (the driver's wording) as the call should carry it, and whether
    the call is asked about first because its end may not be the value's:
    - a `DOUBTFUL_ENDS` word at its end is cut ("abba tack": "abba", asked), a `TITLE_ENDS`
      word kept ("baby shark again", asked);
    - with ``slot.paused_tail``, the words after its last pause (a comma) are the driver's
      when they are a short remark (`aside.before_a_remark`: "Celia Cruz, oye"; kept for
      places, ``keeps_tail``: "Main Street, Springfield"), or longer than a name's tail with
      no command, number or word that points or limits in them ("Taylor Swift, the kids in
      the back insist": cut; not "Abena, the one from church"); any other tail ("the
      Trafford Centre, sound") is kept, and asked about all the same (one that holds a
      command, "Mihaela, navigate to Luton airport", is no value: the matcher splits it).
    ``carrying``: the words that carry meaning for the car (`aside.vocabulary`);
    ``commands``: whether words (normalised) hold a command."""
    if not isinstance(slot, FreeText):
        return value, False
    words, keys = value.split(), normalize(value).split()
    end = next((e for e in _DOUBTFUL if len(keys) > len(e) and keys[-len(e):] == e), ())
    if end and len(words) > len(end):
        return " ".join(words[:-len(end)]).strip(" ,"), True
    head, comma, tail = value.rpartition(",")
    paused = slot.paused_tail and bool(comma and normalize(head) and normalize(tail))
    if not paused or slot.keeps_tail:
        return value, paused or (len(keys) > 1 and keys[-1] in _TITLE_ENDS)
    said = normalize(tail).split()
    cut = aside.before_a_remark(value, carrying) or (
        head.strip(" ,") if len(said) > aside.MAX_NAME_REMARK_WORDS and not commands(said)
        and not any(w in aside.TAKES_BACK or w[0].isdigit() for w in said) else None)
    return cut or value, True
