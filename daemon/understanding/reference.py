""""It" in a command after another one ("skip this song and turn it up"). Pure.

A command joined to the one before it by "and" or "then" that acts on "it" ("turn it up",
"make it louder") acts on what the command before acts on, when that tool declares the words
for it (`vehicle_tools.language.Language.referent`: "the music"): the words replace "it", and
the command is read as any other ("turn the music up"). A tool that declares none, or a
command with a correction word in it ("..., no, make it 3": a correction of the command
before, daemon/understanding/correction.py), is not read this way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from daemon.understanding.correction import PRONOUN
from vehicle_tools.language import CORRECTIONS
from vehicle_tools.registry import Tool

_IT = frozenset(("it", "that", "this"))


def referents(tools: Iterable[Tool[Any]]) -> Mapping[str, list[str]]:
    """Each tool's declared words for "it", by tool name (tools without any left out)."""
    return {t.name: t.language.referent.split() for t in tools
            if t.language is not None and t.language.referent}


def referred(piece: list[str], before: str, words: Mapping[str, list[str]]) -> list[str] | None:
    """``piece`` (a command about "it", `PRONOUN`) with "it" replaced by the words for what
    the tool ``before`` acts on; None when that tool declares none, or the piece corrects."""
    said = words.get(before)
    if not said or not PRONOUN.match(" ".join(piece)) or any(w in CORRECTIONS for w in piece):
        return None
    at = next(i for i, w in enumerate(piece) if w in _IT)
    return [*piece[:at], *said, *piece[at + 1:]]
