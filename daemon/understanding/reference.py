""""It" in a command after another one ("skip this song and turn it up"): the words each tool
declares for what it acts on (`vehicle_tools.language.Language.referent`: "the music"), read
in place of "it" by `daemon.understanding.follow`. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from vehicle_tools.registry import Tool


def referents(tools: Iterable[Tool[Any]]) -> Mapping[str, list[str]]:
    """Each tool's declared words for "it", by tool name (tools without any left out)."""
    return {t.name: t.language.referent.split() for t in tools
            if t.language is not None and t.language.referent}
