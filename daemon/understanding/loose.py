"""A second reading for a sentence no template covers word for word: the declared words in
another order, with a few more function words ("the window for the passenger please close",
"sunroof please open to 30 percent", "kindly make fan speed 5").

A block of templates covers a sentence loosely when:

- every word is a value of one of the block's slot lists (whole phrases, longest first), a
  word of the block's own templates, a declared filler (`vehicle_tools.language.POLITE`) or one
  of `LOOSE_FILLERS`;
- at least one of the block's own words that names something (not a function word) is said;
- no argument is said twice, and a number fills the block's only numeric slot;
- the sentence carries no free text: a name (a contact, a place, a song) is never cut out of
  loose words.

When blocks that would do different things cover the same sentence, nothing is understood:
the sentence goes to the model or to "sorry", as before. The first reading (whole templates)
always wins; this one only runs when it found nothing. Measured on the driver corpus
(docs/corpus.md): the development splits' right answers rose without more wrong actions.

Pure; built once per grammar.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from daemon.understanding.grammar import Block, Grammar
from daemon.understanding.joins import SAYS_WHAT_TO_DO
from daemon.understanding.shape import (
    LOOSE_FILLERS,
    NEGATIONS,
    Shape,
    phrases,
    shape_of,
)
from daemon.understanding.text import normalize
from vehicle_tools.language import (
    CORRECTIONS,
    POLITE,
    SPLITTERS,
    ArgValue,
    Range,
    Values,
)

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_BLOCKERS = NEGATIONS | frozenset(p for p in SPLITTERS if " " not in p) | {
    "sorry", "wait", "nah", "nope", "oops", "mean", "meant", "but", "if", "when", "until",
    "after", "before", "why", "should", "must", "ought", "means", "or"}
_BLOCKING_PHRASES = re.compile(r"\b(" + "|".join(
    re.escape(p) for p in (*CORRECTIONS, *SPLITTERS) if " " in p) + r")\b")
"""Words that change what a sentence means in ways a bag of words cannot read (a negation, a
correction, a second command, a condition): such sentences are not read loosely."""
_DETERMINERS = frozenset(("the", "a", "an", "my", "some", "this", "that", "our"))
_OPPOSITES = (frozenset(("up", "down")), frozenset(("open", "close")), frozenset(("open", "shut")),
              frozenset(("warmer", "cooler")), frozenset(("louder", "quieter")))
"""Words of opposite directions: said together, two commands ("my window up the window
down"), never one read loosely ("on" and "off" not: "switch off the heating on both seats")."""
_ASKS = frozenset(("what", "whats", "how", "hows", "when", "where", "which", "is", "are", "will",
                   "tell", "check", "show", "any", "did", "do", "does", "have", "has"))
"""Words of a question: a loose reading of a query needs one (and one of a command none)."""
_STEPS = frozenset(("up", "down", "by", "more", "less", "higher", "lower"))
_ABSOLUTE = frozenset(("to", "at", "on", "level"))
_DIRECTIONS = frozenset(("up", "down", "lower", "raise", "reduce", "increase", "decrease", "drop",
                         "higher", "more", "less", "bring", "knock", "bump", "crank"))
"""Words before a number that make it a value, not a step ("down to 2", "at level 3")."""


def _forms(word: str) -> set[str]:
    """The word and its other number ("degree" for "degrees", "doors" for "door"): drivers and
    recognisers drop and add plurals."""
    if len(word) < 4 or word.isdigit():
        return {word}  # "it" is not "its"
    if word.endswith("s"):
        return {word, word[:-1]}
    return {word, word + "s"}


def _says(words: list[str], options: frozenset[str]) -> bool:
    """Whether ``words`` say one of ``options`` (one word in either number, or several in a
    row)."""
    for phrase in options:
        parts = phrase.split()
        if len(parts) == 1:
            if any(parts[0] in _forms(w) for w in words):
                return True
        elif any(words[i:i + len(parts)] == parts for i in range(len(words))):
            return True
    return False


def _before_numbers(words: list[str]) -> list[str]:
    """The word said before each number ("" for a number that starts the sentence)."""
    return [words[i - 1] if i else "" for i, w in enumerate(words) if _NUMBER.fullmatch(w)]


def _step(words: list[str]) -> bool:
    """Whether a number is said as a step ("volume down ten", "fan up one"), which only the
    relative templates read."""
    return any(w in _STEPS for w in _before_numbers(words))


def _absolute(words: list[str]) -> bool:
    """Whether a number is said as a value ("down to 2", "at level 3"), which no relative
    template reads."""
    return any(w in _ABSOLUTE for w in _before_numbers(words))


def _bare_with_direction(words: list[str]) -> bool:
    """Whether a number without "to"/"at" before it comes with a word of direction ("drop the
    temperature 2", "raise the fan 2"): a value or a step, which a bag of words cannot tell."""
    return bool(_DIRECTIONS & set(words)) and any(
        w not in _ABSOLUTE for w in _before_numbers(words))


@dataclass(frozen=True)
class LooseMatch:
    """A sentence read loosely as one block.

    Attributes:
        block: the block.
        args: the block's fixed arguments with the slot values said.
        said: the arguments filled from the driver's words.
    """

    block: Block
    args: Mapping[str, ArgValue]
    said: frozenset[str]


class LooseReader:
    """Reads sentences loosely against every block of a grammar (see the module docstring).

    Args:
        grammar: the compiled language.
        topics: tool name -> its topics, normalised: a sentence of only those (and
            determiners) is no command of that tool.
    """

    def __init__(self, grammar: Grammar,
                 topics: Mapping[str, frozenset[str]] | None = None) -> None:
        self._topics = topics or {}
        self._shapes = tuple(s for s in (shape_of(b, grammar) for b in grammar.blocks)
                             if s is not None and not s.free)
        self._lists = grammar.lists
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, ArgValue]]] = {}
        for name, slot in grammar.lists.items():
            if isinstance(slot, Values):
                for phrase, value in phrases(slot).items():
                    self._by_first.setdefault(phrase[0], []).append((phrase, name, value))
        self._polite_by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted({tuple(normalize(p).split()) for p in POLITE}, key=len,
                             reverse=True):  # longest first
            self._polite_by_first.setdefault(phrase[0], []).append(phrase)

    def read(self, text: str) -> LooseMatch | None:
        """``text`` (normalised) as one block's command, or None (none, or several that
        disagree)."""
        words = text.split()
        plain = self._without_polite(words)
        if not plain or any(w in _BLOCKERS for w in plain) or _step(plain) \
                or any(pair <= set(plain) for pair in _OPPOSITES) \
                or _BLOCKING_PHRASES.search(" ".join(plain)):
            return None
        asks = bool(_ASKS & set(plain)) or plain[0] == "and"
        found: dict[tuple[object, ...], LooseMatch] = {}
        values = self._values_in(words)
        for shape in self._shapes:
            if shape.query != asks:
                continue  # "open the boot" is no question about the doors; "is the window
                # open" asks nothing of the window
            if shape.block.sentences.relative is not None and _absolute(plain):
                continue  # "bring the fan down to 2" is level 2, never two steps down
            if shape.block.sentences.relative is None and _bare_with_direction(plain):
                continue  # "drop the temperature 2" may be a step: never 2 degrees
            match = self._cover(shape, words, values)
            if match is not None:
                sentences = shape.block.sentences
                key = (shape.block.tool, tuple(sorted(match.args.items())),
                       sentences.relative, sentences.fahrenheit)
                found.setdefault(key, match)
        if len(found) != 1:
            return None
        match = next(iter(found.values()))
        if not match.said and not asks and not set(plain) & SAYS_WHAT_TO_DO \
                and set(plain) - _DETERMINERS <= self._topics.get(match.block.tool, frozenset()):
            return None  # the tool's thing alone asks for nothing ("the music", heard for
        return match  # "the music, pause")

    def _without_polite(self, words: list[str]) -> list[str]:
        return [w for w, polite in zip(words, self._polite_marks(words, [False] * len(words)),
                                       strict=True) if not polite]

    def _polite_marks(self, words: list[str], taken: list[bool]) -> list[bool]:
        """Which of ``words`` belong to a declared filler phrase, among those not ``taken``
        by a slot value ("for me" is the driver's zone before it is politeness)."""
        marks = [False] * len(words)
        index = 0
        while index < len(words):
            phrase = next((p for p in self._polite_by_first.get(words[index], ())
                           if tuple(words[index:index + len(p)]) == p
                           and not any(taken[index:index + len(p)])), None)
            if phrase is None:
                index += 1
            else:
                marks[index:index + len(phrase)] = [True] * len(phrase)
                index += len(phrase)
        return marks

    def _cover(self, shape: Shape, words: list[str],
               values: Mapping[str, list[tuple[int, int, ArgValue]]]) -> LooseMatch | None:
        """``words`` as ``shape``'s command, or None (see the module docstring)."""
        reading = _Reading(words, dict(shape.block.sentences.args), values)
        if not self._fill_values(shape, reading):
            return None
        reading.cover(self._polite_marks(words, reading.covered))
        if not self._fill_number(shape, reading) or not _rest_fits(shape, reading):
            return None
        relative = shape.block.sentences.relative
        if relative is not None and relative not in reading.args:
            return None  # "bring the heat up a few": a step with no size
        if any(arg not in reading.said for arg in shape.numbers):
            return None  # every template of the block says this number
        return LooseMatch(shape.block, reading.args, frozenset(reading.said))

    def _fill_values(self, shape: Shape, reading: _Reading) -> bool:
        """Slot values from the block's closed lists, longest phrases first; False when an
        argument is said twice, differently."""
        spans = [(start, end, arg, value) for arg, names in shape.slots.items()
                 for name in names for start, end, value in reading.found.get(name, ())]
        spans.sort(key=lambda s: (-(s[1] - s[0]), s[0]))
        for start, end, arg, value in spans:
            if any(reading.covered[start:end]):
                continue
            if arg in reading.said and reading.args.get(arg) != value:
                return False  # the same argument said twice, differently
            reading.covered[start:end] = [True] * (end - start)
            reading.args[arg] = value
            reading.said.add(arg)
        return True

    def _values_in(self, words: list[str]) -> dict[str, list[tuple[int, int, ArgValue]]]:
        """Every closed-list phrase in ``words``: list name -> (start, end, value)."""
        found: dict[str, list[tuple[int, int, ArgValue]]] = {}
        for start, word in enumerate(words):
            for phrase, name, value in self._by_first.get(word, ()):
                if tuple(words[start:start + len(phrase)]) == phrase:
                    found.setdefault(name, []).append((start, start + len(phrase), value))
        return found

    def _fill_number(self, shape: Shape, reading: _Reading) -> bool:
        """A number said fills the block's one numeric slot, inside what may be said, with
        the word the templates always say after it; False otherwise."""
        numeric = [arg for arg, names in shape.slots.items()
                   if any(isinstance(self._lists.get(n), Range) for n in names)]
        words = reading.words
        for index, word in enumerate(words):
            if reading.covered[index] or not _NUMBER.fullmatch(word):
                continue
            if len(numeric) != 1 or numeric[0] in reading.said:
                return False  # a number with no (or no single) place to go
            arg = numeric[0]
            slot = next(s for s in (self._lists[n] for n in shape.slots[arg])
                        if isinstance(s, Range))
            number = float(word)
            if not slot.low <= number <= slot.high or (
                    not number.is_integer() and not (slot.halves or slot.tenths)):
                return False  # "at 0.8 speed" is no fan level
            marks = shape.marks.get(arg)
            after = words[index + 1] if index + 1 < len(words) else ""
            before = words[index - 1] if index else ""
            if marks is not None and not _forms(after) & marks[0] and before not in marks[1]:
                return False  # "the driver window two": no percent after it, nor "to" before
            reading.args[arg] = int(number) if number.is_integer() else number
            reading.said.add(arg)
            reading.covered[index] = True
        return True


@dataclass
class _Reading:
    """A reading in progress: which words are accounted for and the arguments so far."""

    words: list[str]
    args: dict[str, ArgValue]
    found: Mapping[str, list[tuple[int, int, ArgValue]]]
    said: set[str] = field(default_factory=set)
    covered: list[bool] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.covered = [False] * len(self.words)

    def cover(self, marks: list[bool]) -> None:
        self.covered = [c or m for c, m in zip(self.covered, marks, strict=True)]


def _rest_fits(shape: Shape, reading: _Reading) -> bool:
    """Every word left is the block's own or a filler, one of them names what the block is
    about, and one of the block's templates has all the words it always says."""
    anchored = False
    for word, covered in zip(reading.words, reading.covered, strict=True):
        if covered:
            continue
        if word in shape.anchors:
            anchored = True  # as said: "seats" is not "seat" (which one?)
        elif not (_forms(word) - shape.anchors) & shape.words and word not in LOOSE_FILLERS:
            return False
    return anchored and any(all(_holds(reading, group) for group in template)
                            for template in shape.required)


def _holds(reading: _Reading, group: frozenset[str]) -> bool:
    """Whether the sentence says one of ``group``: a word, or (``{arg}``) a value of the
    argument ("the back right window" says no amount: not "[the] {window} window {amount}")."""
    if any(g.startswith("{") and g[1:-1] in reading.said for g in group):
        return True
    return _says(reading.words, frozenset(g for g in group if not g.startswith("{")))
