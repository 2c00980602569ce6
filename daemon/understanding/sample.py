"""Sentences drawn from the declared language: for the corpus, the recogniser's prompt, the
language model's examples and the matcher's warm-up.

`sample` expands one template at random (an alternative each, optional parts half the time, a
list value each) with a seeded `random.Random`, and returns the sentence with the arguments it
asks for. Numbers are drawn inside the tool's accepted range where the block fills that
argument, so a sampled sentence is a valid command. Pure given the generator.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from hassil.expression import Alternative, Group, ListReference, Sequence, TextChunk
from hassil.parse_expression import parse_sentence

from daemon.understanding.grammar import Block, Grammar
from vehicle_tools.language import ArgValue, FreeText, Range, SlotList, Values

FREE_TEXT_EXAMPLES: Mapping[str, tuple[str, ...]] = {
    "destination": ("the airport", "221 Baker Street", "the nearest charging station",
                    "King's Cross", "the central station", "home", "Leeds city centre"),
    "contact": ("Alice", "Bob Smith", "Mom", "the office"),
    "query": ("Bohemian Rhapsody", "Miles Davis", "Take Five", "Hey Jude by The Beatles",
              "Superstition"),
}
"""Example free text for sampled sentences (a corpus adds its own)."""


@dataclass(frozen=True)
class Sample:
    """A sampled sentence.

    Attributes:
        text: the sentence.
        tool: the tool it asks for.
        args: the slot values it carries plus the block's fixed arguments (before relative
            changes and unit conversions).
        block: the block it came from.
    """

    text: str
    tool: str
    args: Mapping[str, ArgValue]
    block: Block


def _number(rng: random.Random, slot: Range, bounds: tuple[float, float] | None) -> float:
    low, high = bounds if bounds is not None else (slot.low, slot.high)
    low, high = max(low, slot.low), min(high, slot.high)
    if (slot.halves or slot.tenths) and rng.random() < 0.3:
        return rng.randint(int(low * 2), int(high * 2)) / 2.0
    return float(rng.randint(int(low), int(high)))


def _say(value: float) -> str:
    return str(int(value)) if value.is_integer() else f"{value:g}"


class _Expander:
    def __init__(self, rng: random.Random, lists: Mapping[str, SlotList],
                 bounds: Mapping[str, tuple[float, float]]) -> None:
        self.rng, self.lists, self.bounds = rng, lists, bounds
        self.args: dict[str, ArgValue] = {}

    def expand(self, expr: Any) -> str:
        if isinstance(expr, TextChunk):
            return str(expr.original_text or expr.text)
        if isinstance(expr, ListReference):
            return self._slot(expr.list_name, expr.slot_name)
        if isinstance(expr, Alternative):
            if expr.is_optional and self.rng.random() < 0.5:
                return ""
            options = [item for item in expr.items
                       if not (isinstance(item, TextChunk) and not item.text.strip())]
            return self.expand(self.rng.choice(options)) if options else ""
        if isinstance(expr, Sequence | Group):
            return "".join(self.expand(item) for item in expr.items)
        return ""

    def _slot(self, list_name: str, arg: str) -> str:
        slot = self.lists[list_name]
        if isinstance(slot, Values):
            spoken, value = self.rng.choice(slot.values)
            self.args[arg] = value
            return self.expand(parse_sentence(spoken).expression)
        if isinstance(slot, Range):
            number = _number(self.rng, slot, self.bounds.get(arg))
            self.args[arg] = number
            return _say(number)
        assert isinstance(slot, FreeText)
        text = self.rng.choice(FREE_TEXT_EXAMPLES.get(arg, ("something",)))
        self.args[arg] = text
        return text


def sample(grammar: Grammar, block: Block, rng: random.Random,
           bounds: Mapping[str, tuple[float, float]] | None = None,
           template: str | None = None) -> Sample:
    """One sentence of ``block`` (of ``template`` when given), with its arguments.

    Args:
        bounds: (low, high) per argument to draw numbers from (the tool's accepted range).
    """
    chosen = template if template is not None else rng.choice(block.sentences.templates)
    expander = _Expander(rng, grammar.lists, bounds or {})
    text = " ".join(expander.expand(parse_sentence(chosen).expression).split())
    args: dict[str, ArgValue] = dict(block.sentences.args)
    args.update(expander.args)
    return Sample(text, block.tool, args, block)


def every_template(grammar: Grammar, rng: random.Random,
                   bounds: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
                   ) -> Iterator[Sample]:
    """One sample of every template of every block, in declaration order."""
    for block in grammar.blocks:
        for template in block.sentences.templates:
            yield sample(grammar, block, rng, (bounds or {}).get(block.tool), template)
