"""Where a sentence of several commands is cut, and which of its commands stand. Pure."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace

from daemon.understanding.correction import LENT_VERBS, overridden
from daemon.understanding.parse import Parse
from daemon.understanding.text import clauses_of, normalize
from vehicle_tools.language import SPLITTERS, TAGS

SAYS_WHAT_TO_DO = LENT_VERBS | frozenset((
    "play", "skip", "resume", "next", "previous", "on", "off", "up", "down", "call", "ring",
    "louder", "quieter", "softer", "warmer", "cooler", "colder", "hotter", "higher", "lower",
    "faster", "slower", "brighter", "dimmer", "more", "less", "speak", "talk"))
"""Words that say what to do: a later command read loosely has one, or says a value."""
SPLIT_WORDS = frozenset(w for joiner in SPLITTERS for w in joiner.split())
"""The words that join two commands ("and", "then")."""
_TAGS = frozenset(TAGS)
_JOINERS = tuple(sorted((tuple(j.split()) for j in SPLITTERS), key=len, reverse=True))
_JOINERS_AT_END = tuple(j for j in _JOINERS if j != ("after", "that"))
"""At the end, "after that" says which one ("the one after that"), no join."""


def says_what_to_do(parse: Parse) -> bool:
    """Whether ``parse``, a command after another, says a value or what to do (not only a
    thing: "just to track", heard for "just a crack", is no "play")."""
    return bool(parse.said) or bool(set(parse.text.split()) & SAYS_WHAT_TO_DO)


def latest(parses: tuple[Parse, ...]) -> tuple[Parse, ...]:
    """Several commands without those a later one overrides: the same tool for the same
    target (window, zone, seat...: every text argument equal), "I'm freezing, put it at 23
    degrees" is one temperature, not a step and then 23."""
    kept: list[Parse] = []
    for parse in parses:
        again = overridden(kept[-1], parse) if kept else None
        if again is not None:
            kept[-1] = again
        elif kept and (whole := as_whole(kept[-1], parse)) is not None:
            kept[-1] = whole  # "defrost the front and the back": one call for both screens
        else:
            kept.append(parse)
    return tuple(kept)


def restated_steps(parses: tuple[Parse, ...], read: Callable[[str], Parse | None],
                   topics: Mapping[str, frozenset[str]]) -> tuple[Parse, ...]:
    """Several commands without a bare step that says again how to change what the step
    before it changed: "speak up ... a bit louder" is the assistant's voice a bit louder, not
    the media volume as well. The bare step names nothing (no value, no device of its own tool:
    "a bit louder", not "turn the music up") and reads, after a word for the earlier step's
    tool ("voice a bit louder"), as a step of that tool the same way; it then replaces that
    step. ``read``: one command from normalised words; ``topics``: tool name -> the words
    that name it (normalised)."""
    kept: list[Parse] = []
    for parse in parses:
        again = _step_again(kept[-1], parse, read, topics) if kept else None
        if again is not None:
            kept[-1] = again
        else:
            kept.append(parse)
    return tuple(kept)


def _step_again(first: Parse, later: Parse, read: Callable[[str], Parse | None],
                topics: Mapping[str, frozenset[str]]) -> Parse | None:
    step = first.block.sentences.relative
    if step is None or later.block.sentences.relative is None or later.tool == first.tool \
            or later.said or set(later.text.split()) & topics.get(later.tool, frozenset()):
        return None
    before = first.args.get(step)
    for topic in sorted(topics.get(first.tool, frozenset())):
        again = read(f"{topic} {later.text}")
        now = again.args.get(step) if again is not None else None
        if again is not None and again.tool == first.tool and isinstance(now, int | float) \
                and isinstance(before, int | float) and now * before > 0:
            return again
    return None


def as_whole(first: Parse, second: Parse) -> Parse | None:
    """The two commands as one, when they ask the same of the two targets a tool's value
    stands for together (its language's ``wholes``: the front and the rear screen are
    ``screen="all"``); else None."""
    if first.tool != second.tool or first.args.keys() != second.args.keys() or any(
            p.toward or p.inferred or p.follows or p.block.sentences.relative
            for p in (first, second)):
        return None  # a step is relative to each target's own reading
    differ = [k for k in first.args if first.args[k] != second.args[k]]
    if len(differ) != 1 or differ[0] not in first.block.language.wholes:
        return None
    value, targets = first.block.language.wholes[differ[0]]
    if {first.args[differ[0]], second.args[differ[0]]} != targets:
        return None
    return replace(first, args={**first.args, differ[0]: value}, said=first.said | second.said,
                   text=f"{first.text} and {second.text}")


def drop_joiners(piece: list[str]) -> list[str]:
    """``piece`` without whole joiners at its ends ("and then ...", `SPLITTERS`; at the end
    never "after that", which says which one: "the one after that") and without dialect tags
    at its end ("aircon on lah and fan to four": "aircon on", `TAGS`)."""
    while piece and (joiner := _joiner_at(piece, start=True)):
        piece = piece[joiner:]
    while piece and (joiner := _joiner_at(piece, start=False) or int(piece[-1] in _TAGS)):
        piece = piece[:-joiner]
    return piece


def _joiner_at(piece: list[str], *, start: bool) -> int:
    """How many words of a whole joiner (`SPLITTERS`) ``piece`` starts (or ends) with: 0 for
    none ("that" alone joins nothing)."""
    for joiner in _JOINERS if start else _JOINERS_AT_END:
        if (piece[:len(joiner)] if start else piece[-len(joiner):]) == list(joiner):
            return len(joiner)
    return 0


def comma_points(transcript: str, words: list[str]) -> set[int]:
    """Word indexes of ``words`` (the normalised transcript) where a comma or sentence end
    stood."""
    points: set[int] = set()
    count = 0
    for piece in clauses_of(transcript)[:-1]:
        count += len(normalize(piece).split())
        if 0 < count < len(words):
            points.add(count)
    return points
