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

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from hassil.expression import Alternative, Group, ListReference, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from daemon.understanding.grammar import Block, Grammar
from daemon.understanding.text import normalize
from vehicle_tools.language import (
    CORRECTIONS,
    POLITE,
    SPLITTERS,
    ArgValue,
    FreeText,
    Range,
    Values,
)

LOOSE_FILLERS = frozenset((
    "the", "a", "an", "you", "can", "could", "would", "will", "i", "we", "it", "is", "be",
    "need", "want", "like", "some", "do", "get", "have", "shall", "let", "us",
    "me", "for", "to", "of", "at", "please", "lovely", "quick", "now", "there", "bit", "our",
    "current", "currently",
))
"""Function words a loosely worded command may carry that no template needs to declare."""

FUNCTION_WORDS = LOOSE_FILLERS | frozenset((
    "on", "off", "in", "up", "down", "my", "your", "our", "and", "or", "with", "set", "turn",
    "put", "make", "change", "switch", "go", "keep", "leave", "give", "take", "start", "stop",
    "all", "way", "little", "more", "less", "one", "side", "level", "percent", "degrees",
    "degree", "again", "too", "very", "much", "just", "so", "what", "whats", "how",
))
"""Words of a template that do not name what it is about: a loose reading needs at least one
word of its block that is not among these ("turn it up" names nothing)."""

_NUMBER = re.compile(r"-?\d+(\.\d+)?")
NEGATIONS = frozenset(("not", "dont", "never", "no", "nothing", "without", "cant", "wont",
                       "didnt", "doesnt", "isnt", "nor"))
_BLOCKERS = NEGATIONS | frozenset(p for p in SPLITTERS if " " not in p) | {
    "sorry", "wait", "nah", "nope", "oops", "mean", "meant", "but", "if", "when", "until",
    "after", "before", "why", "should", "must", "ought", "means", "or"}
_BLOCKING_PHRASES = re.compile(r"\b(" + "|".join(
    re.escape(p) for p in (*CORRECTIONS, *SPLITTERS) if " " in p) + r")\b")
"""Words that change what a sentence means in ways a bag of words cannot read (a negation, a
correction, a second command, a condition): such sentences are not read loosely."""
_MAX_EXPANSIONS = 256
QUERY_PREFIX = "get_"
"""Tools named so only read the car (`daemon/understanding/model_calls.py` the same)."""
_ASKS = frozenset(("what", "whats", "how", "hows", "when", "where", "which", "is", "are",
                   "tell", "check", "show", "any", "did", "do", "does", "have", "has"))
"""Words of a question: a loose reading of a query needs one (and one of a command none)."""
_PLAIN_VERBS = frozenset(("turn", "switch", "set", "put", "make", "change", "get", "give",
                          "bring"))
"""Verbs a loose reading may leave out ("the air con off"): they say nothing of what to do."""
_STEPS = frozenset(("up", "down", "by", "more", "less", "higher", "lower"))


def _forms(word: str) -> set[str]:
    """The word and its other number ("degree" for "degrees", "doors" for "door"): drivers and
    recognisers drop and add plurals."""
    if len(word) < 4 or word.isdigit():
        return {word}  # "it" is not "its"
    if word.endswith("s"):
        return {word, word[:-1]}
    return {word, word + "s"}


def _says(words: list[str], phrases: frozenset[str]) -> bool:
    """Whether ``words`` say one of ``phrases`` (one word in either number, or several in a
    row)."""
    for phrase in phrases:
        parts = phrase.split()
        if len(parts) == 1:
            if any(parts[0] in _forms(w) for w in words):
                return True
        elif any(words[i:i + len(parts)] == parts for i in range(len(words))):
            return True
    return False


def _step(words: list[str]) -> bool:
    """Whether a number is said as a step ("volume down ten", "fan up one"), which only the
    relative templates read."""
    return any(_NUMBER.fullmatch(w) and i > 0 and words[i - 1] in _STEPS
               for i, w in enumerate(words))


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


@dataclass(frozen=True)
class _Shape:
    """What one block can say: its own words and its slots (argument -> list name)."""

    block: Block
    words: frozenset[str]
    anchors: frozenset[str]
    slots: Mapping[str, tuple[str, ...]]
    free: bool
    query: bool
    units: Mapping[str, frozenset[str]]
    numbers: frozenset[str]
    required: tuple[frozenset[frozenset[str]], ...]


def _walk(expr: Any) -> Iterator[Any]:
    yield expr
    if isinstance(expr, Alternative | Sequence | Group):
        for item in expr.items:
            yield from _walk(item)


def _expansions(expr: Any) -> list[str]:
    """Every string a small template expression stands for (capped)."""
    if isinstance(expr, TextChunk):
        return [str(expr.original_text or expr.text)]
    if isinstance(expr, Alternative):
        options = [e for item in expr.items for e in _expansions(item)]
        return [*options, ""] if expr.is_optional else options
    if isinstance(expr, Sequence | Group):
        found = [""]
        for item in expr.items:
            found = [a + b for a, b in itertools.product(found, _expansions(item))]
            found = found[:_MAX_EXPANSIONS]
        return found
    return [""]


def template_words(template: str) -> set[str]:
    """Every word a template can say (slots aside): ``door[s]`` says "door" and "doors"."""
    text = re.sub(r"\{[^}]*\}", " ", template)
    text = re.sub(r"(\w+)\[(\w+)\]", r"\1 \1\2", text)  # a suffix: "driver[s]"
    return set(normalize(re.sub(r"[\[\]()|]", " ", text)).split())


_AFTER_SLOT = re.compile(r"\{(\w+)(?::(\w+))?\}\s*([\[(])?(\w*)")
"""A slot reference, an optional part opening right after it, and the word right after it."""


def _units(templates: tuple[str, ...], grammar: Grammar) -> dict[str, frozenset[str]]:
    """For each numeric argument, the words one of which every template of the block says
    right after the number ("{percent:position_pct} percent"): a loose reading needs one of
    them after the number too ("open the driver window two" is no percentage)."""
    after: dict[str, set[str]] = {}
    bare: set[str] = set()  # arguments some template says with no word right after
    for template in templates:
        for match in _AFTER_SLOT.finditer(template):
            list_name, arg = match.group(1), match.group(2) or match.group(1)
            if not isinstance(grammar.lists.get(list_name), Range):
                continue
            opener, word = match.group(3), match.group(4)
            if opener or not word:
                bare.add(arg)  # "[degrees]", "(percent|%)" or nothing: not always said
            else:
                after.setdefault(arg, set()).add(normalize(word))
    return {arg: frozenset(words) for arg, words in after.items() if arg not in bare}


def _groups(expr: Any) -> set[frozenset[str]]:
    """What a template expression always says: each a set of words one of which is said (a
    word outside every alternative, or a required choice of single words)."""
    found: set[frozenset[str]] = set()
    if isinstance(expr, TextChunk):
        found = {frozenset((w,)) for w in normalize(str(expr.original_text or expr.text)).split()}
    elif isinstance(expr, Alternative) and not expr.is_optional:
        options = [normalize(text) for item in expr.items for text in _expansions(item)]
        if options and all(options):
            found = {frozenset(options)}  # "(stop|disable)", "(fan|fan speed|air flow)"
    elif isinstance(expr, Sequence | Group) and not isinstance(expr, Alternative):
        found = {g for item in expr.items for g in _groups(item)}
    return found


def _required(templates: tuple[str, ...]) -> tuple[frozenset[frozenset[str]], ...]:
    """For each template of a block, the words it always says ("fahrenheit", "couple", "off",
    "warmer or hotter"): a loose reading says one of each group of at least one template."""
    found = []
    for template in templates:
        text = re.sub(r"(\w+)\[\w+\]", r"(\1|\1x)", template)  # "door[s]": either
        found.append(frozenset(g for g in _groups(parse_sentence(text).expression)
                               if not g & (LOOSE_FILLERS | _PLAIN_VERBS) and all(g)))
    return tuple(found)


def _numbers(templates: tuple[str, ...], grammar: Grammar) -> frozenset[str]:
    """The numeric arguments every template of the block says (optional or not)."""
    found: set[str] | None = None
    for template in templates:
        args = {m.group(2) or m.group(1) for m in _AFTER_SLOT.finditer(template)
                if isinstance(grammar.lists.get(m.group(1)), Range)}
        found = args if found is None else found & args
    return frozenset(found or ())


def _shape(block: Block, grammar: Grammar) -> _Shape | None:
    """What ``block`` says, from its templates without a negation ("we dont need the
    directions" would match without it); None when none is left."""
    templates = tuple(t for t in block.sentences.templates
                      if not template_words(t) & NEGATIONS)
    if not templates:
        return None
    words: set[str] = set()
    slots: dict[str, list[str]] = {}
    for template in templates:
        words |= template_words(template)
        for expr in _walk(parse_sentence(template).expression):
            if isinstance(expr, ListReference):
                names = slots.setdefault(expr.slot_name, [])
                if expr.list_name not in names:
                    names.append(expr.list_name)
    free = any(isinstance(grammar.lists.get(name), FreeText)
               for names in slots.values() for name in names) or any(
        isinstance(grammar.lists.get(arg), FreeText) for arg in block.sentences.args)
    return _Shape(block, frozenset(words), frozenset(words - FUNCTION_WORDS),
                  {arg: tuple(names) for arg, names in slots.items()}, free,
                  block.tool.startswith(QUERY_PREFIX), _units(templates, grammar),
                  _numbers(templates, grammar), _required(templates))


def _phrases(slot: Values) -> dict[tuple[str, ...], ArgValue]:
    table: dict[tuple[str, ...], ArgValue] = {}
    for spoken, value in slot.values:
        for text in _expansions(parse_sentence(spoken).expression):
            words = tuple(normalize(text).split())
            if words:
                table.setdefault(words, value)
    return table


class LooseReader:
    """Reads sentences loosely against every block of a grammar (see the module docstring).

    Args:
        grammar: the compiled language.
    """

    def __init__(self, grammar: Grammar) -> None:
        self._shapes = tuple(s for s in (_shape(b, grammar) for b in grammar.blocks)
                             if s is not None and not s.free)
        self._lists = grammar.lists
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, ArgValue]]] = {}
        for name, slot in grammar.lists.items():
            if isinstance(slot, Values):
                for phrase, value in _phrases(slot).items():
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
                or _BLOCKING_PHRASES.search(" ".join(plain)):
            return None
        asks = bool(_ASKS & set(plain)) or plain[0] == "and"
        found: dict[tuple[object, ...], LooseMatch] = {}
        values = self._values_in(words)
        for shape in self._shapes:
            if shape.query != asks:
                continue  # "open the boot" is no question about the doors; "is the window
                # open" asks nothing of the window
            match = self._cover(shape, words, values)
            if match is not None:
                sentences = shape.block.sentences
                key = (shape.block.tool, tuple(sorted(match.args.items())),
                       sentences.relative, sentences.fahrenheit)
                found.setdefault(key, match)
        if len(found) != 1:
            return None
        return next(iter(found.values()))

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

    def _cover(self, shape: _Shape, words: list[str],
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

    def _fill_values(self, shape: _Shape, reading: _Reading) -> bool:
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

    def _fill_number(self, shape: _Shape, reading: _Reading) -> bool:
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
            units = shape.units.get(arg)
            after = words[index + 1] if index + 1 < len(words) else ""
            if units is not None and not _forms(after) & units:
                return False  # "the driver window two": no percent said
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


def _rest_fits(shape: _Shape, reading: _Reading) -> bool:
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
    return anchored and any(all(_says(reading.words, group) for group in template)
                            for template in shape.required)
