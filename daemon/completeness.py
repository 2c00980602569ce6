"""How complete a partial transcript is as a car command: the hint that picks the endpointing
silence (daemon/endpoint.py). Pure functions over the fast path's parser (daemon/intents.py)
and the recogniser's sentence punctuation."""

from __future__ import annotations

import re

from daemon.endpoint import Completeness
from daemon.intents import ParsedIntent, parse

_DANGLING = frozenset((
    "to", "the", "a", "an", "at", "on", "in", "of", "and", "or", "my", "by", "for", "up", "down",
    "set", "turn", "make", "open", "close", "put", "change", "switch", "navigate", "take", "drive",
    "point", "level", "is", "it", "me", "towards", "with", "than", "your", "our", "this", "that"))
"""Last words after which a command cannot be over ("set the temperature to")."""

_NEVER_LAST = frozenset((
    "to", "the", "a", "an", "at", "of", "and", "or", "my", "by", "for", "with", "than", "your",
    "our", "towards", "point", "level", "set", "make", "navigate"))
"""Dangling words that keep a turn open even when the recogniser punctuated after them: a
sentence does not end on "to" or "the". The other dangling words are particles or pronouns
that do end sentences ("put some music on?", "what gear am I in?", "my windscreen is misted
up.")."""

_SENTENCE_END = re.compile(r"(?<![.])[.?!]['\"]?\s*$")
"""Final punctuation, not a trailing "..." (the recogniser's sign of an unfinished thought)."""

_OPEN_NUMBER = frozenset(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                          "ninety", "hundred"))
"""Number words that are often followed by more of the number ("twenty" -> "twenty one")."""

_TOPICS = ("temperature", "temp", "degrees", "fan", "window", "windows", "air conditioning",
           "ac", "navigate", "directions", "music", "song", "track")
"""Words that announce a command: when present but unparsed, the driver has more to say."""

_OPEN_ENDED = frozenset(("navigate_to", "call_contact", "media_search"))
"""Intents whose last argument is free text that may go on ("navigate to the station in...")."""

_ENDS_AN_OPENING = frozenset(("please", "now", "fully", "completely", "way", "thanks"))
"""Words after "open the ... window" that end the command rather than start an amount."""

_PLACE_KINDS = frozenset((
    "home", "work", "office", "airport", "station", "hospital", "garage", "parking", "park",
    "hotel", "restaurant", "cafe", "pharmacy", "supermarket", "school", "mall", "centre",
    "center", "beach", "museum", "stadium", "university", "terminal", "port", "charger",
    "services", "square", "street", "road", "avenue", "lane", "drive", "bridge"))
"""Last words of a destination that name a whole place ("the nearest gas station", "the
airport", "Baker Street")."""

_KIN = frozenset((
    "wife", "husband", "mom", "mum", "mother", "dad", "father", "son", "daughter", "brother",
    "sister", "partner", "boss", "grandma", "grandpa", "office", "home", "work"))
"""Contacts a driver names by relation ("call my wife", "call mom", "call the office")."""


def _parsed_completeness(intent: ParsedIntent, words: list[str]) -> Completeness:
    """COMPLETE; SENTENCE for free text that reads as whole (`_names_whole`); UNKNOWN for
    other free text and for an "open the ... window" with no amount yet.

    An amount often follows "open the driver window" ("... to fifty percent"), and the
    recogniser does not reliably write the dangling "to": measured on the same paused clip at
    10 dB, faster-whisper wrote "to", "two" and nothing, and "open the sunroof to" came out as
    "open the sunroof tube". So an opening with no amount waits unless it ends on a word that
    closes it ("please", "fully", "all the way").
    """
    if intent.name in _OPEN_ENDED:
        return Completeness.SENTENCE if _names_whole(intent) else Completeness.UNKNOWN
    if (intent.name in ("set_window", "set_sunroof") and intent.args.get("position_pct") == 100
            and words[-1] not in _ENDS_AN_OPENING):
        return Completeness.UNKNOWN  # "open the driver window" (to fifty percent?)
    return Completeness.COMPLETE


def _names_whole(intent: ParsedIntent) -> bool:
    """True when a free-text argument reads as whole: a destination ending on a kind of place,
    or a contact named by relation. More may still follow ("... in Leeds"), so such a turn gets
    the closed sentence's silence (0.3 s), not the parsed command's."""
    if intent.name == "navigate_to":
        words = re.findall(r"[\w']+", str(intent.args.get("destination", "")).lower())
        return bool(words) and words[-1] in _PLACE_KINDS
    if intent.name == "call_contact":
        words = re.findall(r"[\w']+", str(intent.args.get("contact", "")).lower())
        return len(words) in (1, 2) and words[-1] in _KIN and words[0] in ("my", "the", words[-1])
    return False


def sentence_closed(text: str) -> bool:
    """True when the recogniser ended `text` with a full stop, question or exclamation mark.

    faster-whisper writes command-like speech the way its prompt does (lower case, no final
    stop: "set the temperature to") and closes a sentence only when it sounds finished ("It's
    stuffy in here.", "When will we be there?"); measured on the command sets, no unfinished
    first half ("set the fan to" ... pause) was ever punctuated. Vosk never punctuates.
    """
    return bool(_SENTENCE_END.search(text)) and not text.rstrip().endswith("\u2026")


def completeness(partial_text: str) -> Completeness:
    """How complete `partial_text` (a partial or final transcript) is as a car command.

    COMPLETE when it parses as a command; INCOMPLETE when it ends on a word after which a
    command cannot be over (a dangling "to", "the") or names a command topic without parsing yet
    ("set the fan"); UNKNOWN otherwise: for a tens word at the end ("twenty" may become "twenty
    one", or be the value), for navigation, calls and searches (free text can always go on)
    unless the destination ends on a kind of place or the contact is named by relation (then
    SENTENCE: "take me to the airport", "call my wife"), for "open the ... window" with no
    amount yet (an amount often follows), for anything else.
    SENTENCE overrides INCOMPLETE and UNKNOWN when the recogniser closed the sentence
    (`sentence_closed`) after a word a sentence can end on, except for the "open the ...
    window" and number cases, where an amount or the rest of the number still often follows.
    The endpointer turns this into the silence that ends the turn (daemon/endpoint.py).
    """
    words = re.sub(r"[^\w\s']", " ", partial_text.lower()).split()
    if not words:
        return Completeness.UNKNOWN
    closed = sentence_closed(partial_text) and words[-1] not in _NEVER_LAST
    if words[-1] in _DANGLING and not closed:
        return Completeness.INCOMPLETE
    if words[-1] in _OPEN_NUMBER:
        return Completeness.UNKNOWN
    intent = parse(partial_text)
    if intent is not None:
        found = _parsed_completeness(intent, words)
        if found is Completeness.UNKNOWN and closed and intent.name in _OPEN_ENDED:
            return Completeness.SENTENCE  # "Take me to the airport."
        return found
    return Completeness.SENTENCE if closed else _unparsed(" ".join(words))


def _unparsed(text: str) -> Completeness:
    """INCOMPLETE when words that announce a command did not parse yet, else UNKNOWN."""
    if any(re.search(rf"\b{topic}\b", text) for topic in _TOPICS):
        return Completeness.INCOMPLETE
    return Completeness.UNKNOWN
