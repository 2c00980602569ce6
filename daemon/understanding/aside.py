"""What a driver says beside the commands that asks for nothing. Pure.

- A statement of why or a purpose, before or after them ("it's noisy, close the windows",
  "unlock the car so the kids can hop out"): `is_why`, `why_cuts`. A narrated command ("I'm
  putting on some Vivaldi") is no statement of why.
- A remark after the last pause or before the first ("close the sunroof and put the high
  beams on, nobody out here", "lock the doors, the dog's in", "eta, over", "breaker breaker,
  fan on seven"): its words name nothing of the car's language (no word of a template or a
  slot list, no device, no number, no correction, negation or retraction), so the commands
  beside it are read alone (`without_remarks`). Never after a name or a title (the matcher
  checks: a free text could have gone on, "navigate to Main Street, Springfield"), never when
  the remark is long, never when it may take something back ("..., not that one").
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from daemon.understanding.edges import said_words
from daemon.understanding.grammar import Grammar
from daemon.understanding.joins import SAYS_WHAT_TO_DO
from daemon.understanding.parse import Parse
from daemon.understanding.refining import AMOUNT_WORDS
from daemon.understanding.shape import NEGATIONS
from daemon.understanding.text import clauses_of, narrates, normalize
from vehicle_tools.language import CORRECTIONS, RETRACTIONS, Values

MAX_REMARK_WORDS = 8
"""A longer tail is more than a remark: not understood, as before."""
MAX_NAME_REMARK_WORDS = 3
"""After a name, at most this many words after the pause may be the driver's remark."""

_FUNCTION = frozenset((
    "the", "a", "an", "my", "our", "your", "his", "her", "their", "its", "this", "that",
    "these", "those", "in", "at", "to", "of", "for", "with", "by", "from", "is", "are", "be",
    "am", "was", "i", "me", "we", "you", "he", "she", "they", "us", "him", "them",
    "and", "or", "so", "then", "please", "here", "there", "out", "im", "youre", "were", "s",
    "like", "say"))
"""Words of the templates that carry nothing alone: a remark may use them ("the dog's in")."""
TAKES_BACK = frozenset((
    "do", "nope", "nah", "kidding", "joking", "cancel", "stop", "leave", "keep", "undo",
    "instead", "only", "except", "but", "wait", "hold", "hang", "it", "them", "that", "those",
    "one", "ones", "again", "too", "also", "either", "neither"))
"""Words that may take back, limit or point at what was asked ("..., just kidding", "..., not
that one", "..., leave it"): a tail with one is never a remark."""
_REASON = re.compile(r"^(its|it is|im|i am|were|we are|we need|theres|there is|(i )?cant|"
                     r"i can not|i dont (feel|like|think|trust)|i do not (feel|like|think|trust)|"
                     r"i can (barely|hardly)|(the )?\w+ (is|are) (\w+ing|cold|hot|asleep)|"
                     r"the \w+ is|my \w+ (is|are|isnt|arent)|getting (dark|cold|hot|warm|late|"
                     r"chilly|stuffy|foggy|noisy|loud))\b")
"""A statement of why, before or after a command ("it's dark, ...", "... the kids are cold")."""


_MARKERS = frozenset(c for c in CORRECTIONS if " " not in c)
"""One-word corrections ("no", "sorry", "nee"): a statement with one may correct what was asked."""


def is_why(text: str) -> bool:
    """Whether ``text`` (normalised) states why ("the kids are cold"); a narrated command ("I'm
    putting on some Vivaldi") does not."""
    return bool(_REASON.match(text)) and not narrates(text)


PURPOSE = re.compile(r"^(so|so that|because|cause|cos|since) (i|we|you|the|they|he|she|it|my)\b")
"""A purpose or cause after a command ("... so the kids can hop out", "... because I'm cold")."""


def why_cuts(words: list[str]) -> list[int]:
    """Where a statement of why or a purpose starts after a command, last first ("... i
    can't see": from "i", never leaving it before); one that says an amount or a number is a
    refinement, never cut off ("open the window so it's half open")."""
    cuts = dict.fromkeys(c - (words[c - 1] == "i") for c in range(len(words) - 1, 0, -1))
    return [cut for cut in cuts if cut and (is_why(" ".join(words[cut:])) or PURPOSE.match(
        " ".join(words[cut:]))) and not any(w in AMOUNT_WORDS or w[0].isdigit()
                                            for w in words[cut:])]


def vocabulary(grammar: Grammar, topics: Iterable[str]) -> frozenset[str]:
    """Every word that may carry meaning for the car: template and slot-list words (function
    words aside), devices, what-to-do words, amounts, negations, corrections and
    retractions."""
    words = said_words(grammar) | SAYS_WHAT_TO_DO | AMOUNT_WORDS
    for phrase in (*topics, *CORRECTIONS, *RETRACTIONS):
        words.update(normalize(phrase).split())
    return frozenset((words - _FUNCTION) | NEGATIONS | TAKES_BACK)


def without_remarks(transcript: str, carrying: frozenset[str],
                    grammar: Grammar | None = None) -> list[tuple[str, bool]]:
    """``transcript`` without a remark after its last pause (True: the remark came after the
    commands) or before its first one ("breaker breaker, fan on seven": False); empty when
    neither clause is a remark (or there is nothing beside it). After the commands, a
    statement is a remark too, car words and all (`_a_statement`: "high beams off then fogs
    on, visibility's gone"), unless it names a place in the car (``grammar``'s place lists:
    "..., the passenger's cold" may ask for something there)."""
    pieces = [p.strip() for p in clauses_of(transcript, as_said=True) if normalize(p)]
    if len(pieces) < 2:
        return []
    places = _place_words(grammar) if grammar is not None else None
    return [(", ".join(rest), after) for rest, remark, after in (
        (pieces[:-1], pieces[-1], True), (pieces[1:], pieces[0], False)) if _a_remark(
            normalize(remark).split(), carrying) or (after and places is not None and _a_statement(
                normalize(remark).split(), places))]


_SUBJECTS = frozenset((
    "i", "im", "ive", "id", "we", "were", "weve", "she", "shes", "he", "hes", "they", "theyre",
    "its", "this", "thats", "the"))
"""Words a statement about how things are starts with ("she runs hot", "the fog's lifted",
"this album's rubbish", "I've a migraine"); not "it" or "that", which may point at what was
asked ("..., it's the wrong one" starts "its": a statement; "..., that one": no)."""
_PLACES = frozenset(("driver", "passenger", "front", "rear", "rear_left", "rear_right"))
"""Values that make a slot list name places in the car (windows, seats, sides, screens)."""


def _place_words(grammar: Grammar) -> frozenset[str]:
    """Every word of the spoken forms of the slot lists that name places in the car."""
    return frozenset(word for slot in grammar.lists.values() if isinstance(slot, Values)
                     and _PLACES & {v for _, v in slot.values if isinstance(v, str)}
                     for spoken in slot.spoken() for word in re.findall(r"[a-z]+", spoken))


def _a_statement(words: list[str], places: frozenset[str]) -> bool:
    """Whether ``words`` (normalised) state how things are, asking for nothing: two to
    `MAX_REMARK_WORDS` words from a subject (`_SUBJECTS`), no number, no place in the car, and
    nothing that limits, takes back or corrects (`TAKES_BACK`, negations, corrections)."""
    return 2 <= len(words) <= MAX_REMARK_WORDS and words[0] in _SUBJECTS and not any(
        w[0].isdigit() or w in places or w in TAKES_BACK or w in NEGATIONS or w in _MARKERS
        for w in words)


def _a_remark(words: list[str], carrying: frozenset[str]) -> bool:
    return len(words) <= MAX_REMARK_WORDS and not any(
        w in carrying or w[0].isdigit() for w in words)


_OH = re.compile(r"\boh\b", re.IGNORECASE)


def before_a_remark(value: str, carrying: frozenset[str]) -> str | None:
    """The name before a short remark said after a pause at its end ("Siobhan, dead on" ->
    "Siobhan", "Celia Cruz, oye" -> "Celia Cruz"), or None when it ends on none."""
    head, comma, tail = value.rpartition(",")
    words = normalize(_OH.sub(" ", tail)).split()  # "..., oh my heck": no number 0
    if not comma or not normalize(head) or not words or len(words) > MAX_NAME_REMARK_WORDS \
            or not _a_remark(words, carrying):
        return None
    return head.strip(" ,")


def without_reasons(parses: tuple[Parse, ...], transcript: str) -> tuple[Parse, ...]:
    """``parses`` without a last one that states how the driver feels (`is_why`: "I'm boiling
    now") said after a pause, once others have said what to do: "the air con on, I'm boiling
    now" asks for the A/C only, never a cooler cabin as well. Joined ("..., and then my back
    is cold"), first, or alone, a feeling is still a request."""
    heard = clauses_of(transcript)
    if len(parses) > 1 and len(heard) > 1 and is_why(parses[-1].text) \
            and normalize(heard[-1]) == parses[-1].text:
        return parses[:-1]
    return parses
