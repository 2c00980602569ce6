"""Whether a reading fits what was said: its numbers inside what its tool takes, and a
second command naming its own tool rather than only words the command before could take.
Derived from the grammar and the tools' argument models; pure."""

from __future__ import annotations

from daemon.llm.schema import tool_specs
from daemon.understanding.grammar import Block, Grammar
from daemon.understanding.numbers import words_to_digits
from daemon.understanding.parse import Parse
from daemon.understanding.shape import FUNCTION_WORDS, LOOSE_FILLERS, Shape, phrases, shape_of
from vehicle_tools.language import Values
from vehicle_tools.registry import Registry


class Fit:
    """The checks, for one grammar and its registry.

    Args:
        grammar: the compiled language.
        registry: the tools whose declared arguments give the limits (`tool_specs`).
    """

    def __init__(self, grammar: Grammar, registry: Registry) -> None:
        self.grammar = grammar
        self._shapes: dict[int, Shape | None] = {}  # by id of a grammar's block (they live on)
        self._limits = {spec.name: {a.name: (a.minimum, a.maximum) for a in spec.args
                                    if a.minimum is not None and a.maximum is not None}
                        for spec in tool_specs(registry)}

    def within_limits(self, parse: Parse) -> bool:
        """Whether every number of ``parse`` is one its tool takes (``ge``/``le``)."""
        limits = self._limits.get(parse.tool, {})
        return all(limits[a][0] <= float(v) <= limits[a][1] for a, v in parse.args.items()
                   if a in limits and isinstance(v, int | float) and not isinstance(v, bool))

    def _shape(self, block: Block) -> Shape | None:
        key = id(block)
        if key not in self._shapes:
            self._shapes[key] = shape_of(block, self.grammar)
        return self._shapes[key]

    def _values_of(self, shape: Shape) -> frozenset[str]:
        """Every word of the word lists ``shape``'s slots take ("passenger", "rear")."""
        words: set[str] = set()
        for names in shape.slots.values():
            for name in names:
                slot = self.grammar.lists.get(name)
                if isinstance(slot, Values):
                    words.update(w for phrase in phrases(slot) for w in phrase)
        return frozenset(words)

    def names_its_tool(self, parse: Parse, before: Parse, piece: list[str]) -> bool:
        """Whether ``piece``, read as another tool than the command ``before`` it, says so: a
        word of its block the block before does not have ("19 degrees" after "turn on the air
        con"), a word of its lists the lists before do not have ("her side"), or a word the
        command before could not take ("the fog lights"). Not so for
        "the passenger's to 1" after "heat my seat to 3": every word of it fits the seat."""
        shape, previous = self._shape(parse.block), self._shape(before.block)
        if shape is None or previous is None:
            return True
        if {w for w in piece if not w.isdigit()} & (shape.words - previous.words - LOOSE_FILLERS):
            return True  # not a number ("the passenger one to one": "one" is read "1")
        values = self._values_of(previous)
        content = [w for w in piece if w not in FUNCTION_WORDS and not w.isdigit()]
        if {w for w in piece if words_to_digits(w) == w and w not in LOOSE_FILLERS
                and not w.isdigit()} \
                & (self._values_of(shape) - values - {"the", "on", "off"}):
            return True  # "set her side to 22" after the seat heater: "her" is a zone's
        return any(w not in values and w.rstrip("s") not in values for w in content)
