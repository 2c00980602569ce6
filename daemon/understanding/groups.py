"""Several targets named at once ("open the back windows halfway"). Pure.

A tool's `vehicle_tools.language.Group` names targets together. A sentence that names a group
and is understood no other way is read once for each member, the group's words replaced by
the member's own ("open the rear left window halfway", "open the rear right window
halfway"). Each reading must be understood, with the same commands in the same order; a
command every reading gives alike runs once ("... and turn on the AC"), one that differs runs
once for each member, in the group's order. Any other difference: not understood.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from daemon.understanding.parse import Parse
from vehicle_tools.language import Group, Language

Parser = Callable[[str], tuple[Parse, ...] | None]


@dataclass(frozen=True)
class Said:
    """A group as the matcher looks for it: its words (with "the", "both", "two", "all"
    before them) and the words of each member."""

    pattern: re.Pattern[str]
    each: tuple[str, ...]


def groups_of(languages: Iterable[Language]) -> tuple[Said, ...]:
    """Every group the tools declare, in declaration order (within a group, its longest
    phrases are tried first)."""
    return tuple(_said(group) for language in languages for group in language.groups)


def _said(group: Group) -> Said:
    phrases = "|".join(re.escape(p) for p in sorted(group.said, key=len, reverse=True))
    return Said(re.compile(rf"\b(?:(?:the|both|all|two|of|my)\s+)*(?:{phrases})\b"), group.each)


def grouped(text: str, groups: Sequence[Said], parse: Parser) -> tuple[Parse, ...] | None:
    """``text`` (normalised) read once for each member of the first group it names, merged
    (see the module docstring); None: it names no group, or the readings do not agree."""
    for group in groups:
        match = group.pattern.search(text)
        if match is None:
            continue
        rest = re.sub(r"^\s+both\b|\s+each$", "", text[match.end():])  # "... both ...",
        # "... a third each"
        readings = [parse(f"{text[:match.start()]}{member}{rest}".strip())
                    for member in group.each]
        merged = _merged(readings)
        if merged is not None:
            return merged
    return None


def _merged(readings: Sequence[tuple[Parse, ...] | None]) -> tuple[Parse, ...] | None:
    if not readings or any(r is None for r in readings):
        return None
    parses = [r for r in readings if r is not None]
    if len({len(r) for r in parses}) != 1:
        return None
    merged: list[Parse] = []
    differing = 0
    for same in zip(*parses, strict=True):
        if len({p.tool for p in same}) != 1:
            return None
        if all(p.args == same[0].args for p in same):
            merged.append(same[0])  # said alike in every reading: once
        else:
            merged.extend(same)  # the group's targets, in the group's order
            differing += 1
    return tuple(merged) if differing == 1 else None
