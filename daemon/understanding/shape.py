"""What each block of the declared language can say, for the loose reading
(daemon/understanding/loose.py): its words, the words one of its templates always says, its
slots, the unit said after each number. Derived once per grammar from the templates; pure.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hassil.expression import Alternative, Group, ListReference, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from daemon.understanding.grammar import Block, Grammar
from daemon.understanding.text import normalize
from vehicle_tools.language import ArgValue, FreeText, Range, Values

LOOSE_FILLERS = frozenset((
    "the", "a", "an", "you", "can", "could", "would", "will", "i", "we", "it", "is", "be",
    "need", "want", "like", "some", "do", "get", "have", "shall", "let", "us",
    "me", "for", "to", "of", "at", "please", "lovely", "quick", "now", "there", "bit", "our",
    "current", "currently", "make", "only",
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

NEGATIONS = frozenset(("not", "dont", "never", "no", "nothing", "without", "cant", "wont",
                       "didnt", "doesnt", "isnt", "nor"))
_MAX_EXPANSIONS = 1024
QUERY_PREFIX = "get_"
"""Tools named so only read the car (`daemon/understanding/model_calls.py` the same)."""
_PLAIN_VERBS = frozenset(("turn", "switch", "set", "put", "make", "change", "get", "give",
                          "bring"))
"""Verbs a loose reading may leave out ("the air con off"): they say nothing of what to do."""

@dataclass(frozen=True)
class Shape:
    """What one block can say: its own words and its slots (argument -> list name)."""

    block: Block
    words: frozenset[str]
    anchors: frozenset[str]
    slots: Mapping[str, tuple[str, ...]]
    free: bool
    query: bool
    marks: Mapping[str, tuple[frozenset[str], frozenset[str]]]
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


def _lead(template: str, start: int) -> frozenset[str] | None:
    """The words one of which ``template`` always says right before position ``start``: a
    required choice of single words ("(to|at)") or a plain word; None when not certain."""
    head = template[:start].rstrip()
    choice = re.search(r"(?:^|\s)\(([\w |]+)\)$", head)
    if choice is not None:
        options = [w.strip() for w in choice.group(1).split("|")]
        return None if any(" " in w or not w for w in options) else frozenset(
            normalize(w) for w in options)
    word = re.search(r"(?:^|\s)(\w+)$", head)
    return None if word is None else frozenset((normalize(word.group(1)),))


def _marks(templates: tuple[str, ...], grammar: Grammar
           ) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """For each numeric argument, the words one of which every template of the block says right
    after the number ("{percent:position_pct} percent") or, where it says none, right before it
    ("(to|at) {percent:position_pct}"), as (after, before): a loose reading needs one of them
    around the number too ("open my window to 40"; "open the driver window two" is no
    percentage). Absent when a template says neither for certain ("[degrees]", "[to]")."""
    after: dict[str, set[str]] = {}
    before: dict[str, set[str]] = {}
    uncertain: set[str] = set()
    for template in templates:
        for match in _AFTER_SLOT.finditer(template):
            list_name, arg = match.group(1), match.group(2) or match.group(1)
            if not isinstance(grammar.lists.get(list_name), Range):
                continue
            opener, word = match.group(3), match.group(4)
            if not opener and word:
                after.setdefault(arg, set()).add(normalize(word))
                continue
            lead = _lead(template, match.start())
            if lead is None:
                uncertain.add(arg)
            else:
                before.setdefault(arg, set()).update(lead)
    return {arg: (frozenset(after.get(arg, ())), frozenset(before.get(arg, ())))
            for arg in after.keys() | before.keys() if arg not in uncertain}


def _groups(expr: Any) -> set[frozenset[str]]:
    """What a template expression always says: each a set of words one of which is said (a
    word outside every alternative, or a required choice of single words), or ``{arg}``: a
    value of that argument's list ("[the] {window} window {amount}" says an amount)."""
    found: set[frozenset[str]] = set()
    if isinstance(expr, TextChunk):
        found = {frozenset((w,)) for w in normalize(str(expr.original_text or expr.text)).split()}
    elif isinstance(expr, Alternative) and not expr.is_optional:
        options = [normalize(text) for item in expr.items for text in _expansions(item)]
        if options and all(options):
            found = {frozenset(options)}  # "(stop|disable)", "(fan|fan speed|air flow)"
    elif isinstance(expr, ListReference):
        found = {frozenset(("{" + expr.slot_name + "}",))}  # a value it always says
    elif isinstance(expr, Sequence | Group) and not isinstance(expr, Alternative):
        found = {g for item in expr.items for g in _groups(item)}
    return found


def _required(templates: tuple[str, ...]) -> tuple[frozenset[frozenset[str]], ...]:
    """For each template of a block, the words it always says ("fahrenheit", "couple", "off",
    "warmer or hotter"): a loose reading says one of each group of at least one template."""
    found = []
    for template in templates:
        text = re.sub(r"(\w+)\[(\w+)\]", r"(\1|\1\2)", template)  # "door[s]": either
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


def shape_of(block: Block, grammar: Grammar) -> Shape | None:
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
    return Shape(block, frozenset(words), frozenset(words - FUNCTION_WORDS),
                  {arg: tuple(names) for arg, names in slots.items()}, free,
                  block.tool.startswith(QUERY_PREFIX), _marks(templates, grammar),
                  _numbers(templates, grammar), _required(templates))


def phrases(slot: Values) -> dict[tuple[str, ...], ArgValue]:
    table: dict[tuple[str, ...], ArgValue] = {}
    for spoken, value in slot.values:
        for text in _expansions(parse_sentence(spoken).expression):
            words = tuple(normalize(text).split())
            if words:
                table.setdefault(words, value)
    return table
