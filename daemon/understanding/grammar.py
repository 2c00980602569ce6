"""The registry's declared command language compiled for hassil.

`compile_language` turns every tool's `vehicle_tools.language.Language` into one hassil
`Intents` object (one intent per tool, one data block per `Sentences`, the block's index in
its metadata) plus the skip words. Pure and deterministic; built once per registry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from hassil import Intents

from vehicle_tools.language import (
    POLITE,
    SHARED_LISTS,
    FreeText,
    Language,
    Range,
    Sentences,
    SlotList,
    Values,
)
from vehicle_tools.registry import Registry


@dataclass(frozen=True)
class Block:
    """One compiled `Sentences` block of a tool.

    Attributes:
        tool: the tool's name.
        sentences: the declaration it came from.
        language: the tool's whole language (questions, state keys, unit rules).
    """

    tool: str
    sentences: Sentences
    language: Language


@dataclass(frozen=True)
class Grammar:
    """The compiled language.

    Attributes:
        intents: hassil's compiled intents.
        blocks: every block by its global index (hassil metadata ``block``).
        free_text: names of the free-text (wildcard) lists.
        lists: every slot list by name (shared and tools' own).
    """

    intents: Intents
    blocks: tuple[Block, ...]
    free_text: frozenset[str]
    lists: Mapping[str, SlotList]


_NUMBER_WORDS = {"one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6",
                 "seven": "7", "eight": "8", "nine": "9", "ten": "10"}
_NUMBER_WORD = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b")


def with_digits(template: str) -> str:
    """``template`` accepting digits for its number words ("the next one" -> "the next
    (one|1)"): the matcher reads transcripts with numbers as digits
    (daemon/understanding/numbers.py)."""
    return _NUMBER_WORD.sub(lambda m: f"({m.group(1)}|{_NUMBER_WORDS[m.group(1)]})", template)


def list_dict(slot: SlotList) -> dict[str, Any]:
    if isinstance(slot, Values):
        return {"values": [{"in": with_digits(spoken), "out": value}
                           for spoken, value in slot.values]}
    if isinstance(slot, Range):
        rng: dict[str, Any] = {"from": slot.low, "to": slot.high}
        if slot.halves or slot.tenths:
            rng["fractions"] = "tenths" if slot.tenths else "halves"
        return {"range": rng}
    return {"wildcard": True}


def all_lists(languages: Iterable[Language]) -> dict[str, SlotList]:
    """The shared lists plus every tool's own.

    Raises:
        ValueError: two tools declare different lists under one name.
    """
    lists: dict[str, SlotList] = dict(SHARED_LISTS)
    for language in languages:
        for name, slot in language.lists.items():
            if name in lists and lists[name] != slot:
                raise ValueError(f"slot list {name!r} is declared twice, differently")
            lists[name] = slot
    return lists


def compile_language(registry: Registry) -> Grammar:
    """Compile every tool's declared language (tools without one are skipped)."""
    tools = [tool for tool in registry if tool.language is not None]
    lists = all_lists(tool.language for tool in tools if tool.language is not None)
    blocks: list[Block] = []
    intents: dict[str, Any] = {}
    for tool in tools:
        language = tool.language
        assert language is not None
        data = []
        for sentences in language.sentences:
            data.append({"sentences": [with_digits(t) for t in sentences.templates],
                         "metadata": {"block": len(blocks)}})
            blocks.append(Block(tool.name, sentences, language))
        intents[tool.name] = {"data": data}
    spec = {
        "language": "en",
        "intents": intents,
        "lists": {name: list_dict(slot) for name, slot in lists.items()},
        "skip_words": list(POLITE),
    }
    return Grammar(Intents.from_dict(spec), tuple(blocks),
                   frozenset(n for n, s in lists.items() if isinstance(s, FreeText)), lists)
