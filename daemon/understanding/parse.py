"""One command the declared language covers, as the matcher read it (pure data)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from daemon.understanding.grammar import Block
from vehicle_tools.language import ArgValue, FreeText


@dataclass(frozen=True)
class Parse:
    """One command the language covers.

    Attributes:
        tool: the tool's name.
        args: the arguments said (slot values) and implied (the block's fixed ones), before
            relative changes and unit conversions (daemon/understanding/resolve.py).
        said: the arguments filled from the driver's words.
        doubtful: free-text arguments that read as pieces the recogniser heard rather than a
            name (`broken_free_text`): asked again, never acted on.
        block: the template block that matched.
        text: the normalised words of this command.
        toward: +1 or -1 when a value refines a step said before it ("turn the music down
            ... about 25": -1); a value the other way from the car's reading is asked about
            (daemon/understanding/resolve.py). 0: none.
        inferred: read from what the driver said is wrong ("my feet are freezing"), not from
            a request: asked about before it is acted on.
        follows: said as the next step after the command before it ("... and then close it
            halfway"): both run, this one does not override that one.
    """

    tool: str
    args: Mapping[str, ArgValue]
    said: frozenset[str]
    block: Block = field(repr=False)
    text: str = ""
    doubtful: frozenset[str] = frozenset()
    toward: int = 0
    inferred: bool = False
    follows: bool = False

    def free_said(self) -> bool:
        """Whether a free-text argument (a name, a place, a search) was said."""
        lists = self.block.language.lists
        return any(isinstance(lists.get(name), FreeText) for name in self.said)
