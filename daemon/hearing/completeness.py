"""How complete a partial transcript is as a car command: the hint that picks the endpointing
silence (daemon/hearing/endpoint.py). Pure functions over the declared command language (matched by
daemon/understanding/, the words by vehicle_tools/language.py) and the recogniser's sentence
punctuation."""

from __future__ import annotations

import functools
import re

from daemon.hearing.endpoint import Completeness
from daemon.understanding.intents import understander
from daemon.understanding.parse import Parse
from vehicle_tools.language import DANGLING, NEVER_LAST, OPEN_NUMBER, FreeText

_SENTENCE_END = re.compile(r"(?<![.])[.?!]['\"]?\s*$")
"""Final punctuation, not a trailing "..." (the recogniser's sign of an unfinished thought)."""

_ENDS_AN_AMOUNT = frozenset(("please", "now", "fully", "completely", "way", "thanks"))
"""Words after "open the ... window" that end the command rather than start an amount."""

_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}")


@functools.cache
def _topics() -> tuple[str, ...]:
    """Words that announce a command: a tool's declared topics that its own templates use
    ("window", "temperature", not "stuffy"); when present but unparsed, the driver has more
    to say."""
    found = []
    for tool in understander().registry:
        templates = " ".join(t for s in tool.language.sentences for t in s.templates) \
            if tool.language is not None else ""
        found += [topic for topic in tool.topics if " " not in topic
                  and re.search(rf"\b{re.escape(topic)}\b", templates)]
    return tuple(sorted(set(found)))


def _parsed_completeness(parse: Parse, words: list[str]) -> Completeness:
    """COMPLETE; SENTENCE for free text that reads as whole (`_names_whole`); UNKNOWN for
    other free text and for a command whose block implies an argument that its own templates
    can also take as said ("open the driver window": "... to fifty percent" may follow).

    An amount often follows "open the driver window", and the recogniser does not reliably
    write the dangling "to": measured on the same paused clip at 10 dB, faster-whisper wrote
    "to", "two" and nothing, and "open the sunroof to" came out as "open the sunroof tube". So
    such a command waits unless it ends on a word that closes it ("please", "all the way").
    """
    model = understander().registry.get(parse.tool).args_model
    if any(info.is_required() and name not in parse.args
           for name, info in model.model_fields.items()):
        return Completeness.INCOMPLETE  # "set the temperature": the value may still come
    free = _free_text(parse)
    if free:
        return Completeness.SENTENCE if _names_whole(parse, free) else Completeness.UNKNOWN
    block = parse.block.sentences
    implied = set(block.args) - parse.said
    fillable = {ref.group(2) or ref.group(1) for template in block.templates
                for ref in _SLOT.finditer(template)}
    if implied & fillable and words[-1] not in _ENDS_AN_AMOUNT:
        return Completeness.UNKNOWN
    return Completeness.COMPLETE


def _free_text(parse: Parse) -> list[tuple[str, FreeText]]:
    lists = parse.block.language.lists
    return [(arg, slot) for arg, slot in lists.items()
            if isinstance(slot, FreeText) and arg in parse.said]


def _names_whole(parse: Parse, free: list[tuple[str, FreeText]]) -> bool:
    """True when the free text ends on a word its list declares as ending a whole name: a
    kind of place ("the nearest gas station"), a contact by relation ("my wife"). More may
    still follow ("... in Leeds"), so such a turn gets the closed sentence's silence (0.3 s),
    not the parsed command's."""
    arg, slot = free[-1]
    found = re.findall(r"[\w']+", str(parse.args.get(arg, "")).lower())
    return bool(found) and found[-1] in slot.whole_ends


def sentence_closed(text: str) -> bool:
    """True when the recogniser ended `text` with a full stop, question or exclamation mark.

    faster-whisper writes command-like speech the way its prompt does (lower case, no final
    stop: "set the temperature to") and closes a sentence only when it sounds finished ("It's
    stuffy in here.", "When will we be there?"); measured on the command sets, no unfinished
    first half ("set the fan to" ... pause) was ever punctuated. Vosk never punctuates.
    """
    return bool(_SENTENCE_END.search(text)) and not text.rstrip().endswith("\u2026")


def completeness(partial_text: str) -> Completeness:  # noqa: PLR0911 - a rule each, in order
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
    The endpointer turns this into the silence that ends the turn (daemon/hearing/endpoint.py).
    """
    words = re.sub(r"[^\w\s']", " ", partial_text.lower()).split()
    if not words:
        return Completeness.UNKNOWN
    closed = sentence_closed(partial_text) and words[-1] not in NEVER_LAST
    if words[-1] in DANGLING and not closed:
        return Completeness.INCOMPLETE
    if words[-1] in OPEN_NUMBER:
        return Completeness.UNKNOWN
    parses = understander().matcher.parse(partial_text)
    if parses is not None:
        found = _parsed_completeness(parses[-1], words)
        if found is Completeness.UNKNOWN and closed and _free_text(parses[-1]):
            return Completeness.SENTENCE  # "Take me to the airport."
        return found
    if len(words) > 1 and understander().matcher.parse(" ".join(words[:-1])) is not None:
        return Completeness.UNKNOWN  # "open the driver window two": "to" misheard, more to come
    return Completeness.SENTENCE if closed else _unparsed(" ".join(words))


def _unparsed(text: str) -> Completeness:
    """INCOMPLETE when words that announce a command did not parse yet, else UNKNOWN."""
    if any(re.search(rf"\b{re.escape(topic)}\b", text) for topic in _topics()):
        return Completeness.INCOMPLETE
    return Completeness.UNKNOWN
