"""Vocabulary biasing: steer the recogniser towards what the vehicle tools understand.

- Vosk: a grammar (the list of words the decoder may output, plus ``[unk]``) built from the
  vehicle registry (tool names, argument enums) and every tool's declared example sentences
  (vehicle_tools/language.py, ``Language.examples``). A grammar
  result dominated by ``[unk]`` means the driver said something outside it: the utterance is
  decoded again with open vocabulary (`FallbackStream`).
- faster-whisper: the same vocabulary as an initial prompt (a few command sentences) and as
  hotwords.

Pure functions over the registry; the recognisers are wrapped, not changed (daemon/hearing/asr.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from vehicle_tools.language import COURTESY, SPOKEN_NUMBERS

if TYPE_CHECKING:  # annotations only: daemon.hearing.asr imports this module
    from daemon.hearing.asr import RecognizerStream

UNK = "[unk]"


@dataclass(frozen=True)
class Vocabulary:
    """What the recogniser is biased towards.

    Attributes:
        phrases: command phrases (carrier sentences, tool argument values).
        words: every distinct word in them, sorted.
    """

    phrases: tuple[str, ...]
    words: tuple[str, ...]


def _spoken(identifier: str) -> str:
    return identifier.replace("_", " ").lower()


def registry_terms(tool_names: Iterable[str], enums: Iterable[str]) -> list[str]:
    """Spoken forms of tool names and argument enum values (``rear_left`` -> ``rear left``)."""
    terms = [_spoken(n) for n in tool_names] + [_spoken(e) for e in enums]
    return [t for t in dict.fromkeys(terms) if t]


def enums_of(schema: object) -> list[str]:
    """Every string enum value anywhere in a JSON schema."""
    found: list[str] = []
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "enum" and isinstance(value, list):
                found.extend(str(v) for v in value if isinstance(v, str))
            else:
                found.extend(enums_of(value))
    elif isinstance(schema, list):
        for item in schema:
            found.extend(enums_of(item))
    return found


def _examples_by_tool() -> list[tuple[str, ...]]:
    """Every tool's declared example sentences (vehicle_tools.language), in registry order."""
    from vehicle_tools.tools import default_registry

    return [tool.language.examples for tool in default_registry()
            if tool.language is not None and tool.language.examples]


def build_vocabulary(extra_phrases: Iterable[str] = ()) -> Vocabulary:
    """The vocabulary of the shipped vehicle registry: every tool's declared example sentences
    (`vehicle_tools.language.Language.examples`), its names and argument values, the
    courtesy words, and `extra_phrases`."""
    from vehicle_tools.tools import default_registry

    registry = default_registry()
    enums = [e for schema in registry.json_schemas() for e in enums_of(schema)]
    examples = [p for group in _examples_by_tool() for p in group]
    phrases = [*examples, *COURTESY, *registry_terms(registry.names(), enums), *extra_phrases]
    phrases = list(dict.fromkeys(p.lower().strip() for p in phrases if p.strip()))
    words = {w for p in [*phrases, *SPOKEN_NUMBERS] for w in re.findall(r"[a-z']+", p)}
    return Vocabulary(tuple(phrases), tuple(sorted(words)))


def vosk_grammar(vocab: Vocabulary, known_words: Callable[[str], bool] | None = None
                 ) -> list[str]:
    """The Vosk grammar: each vocabulary word as an alternative, plus ``[unk]``.

    Vosk decodes any sequence of the listed items. `known_words` (e.g. a lookup in the model's
    words.txt) drops words the model cannot output (Vosk would log a warning for each).
    """
    words = [w for w in vocab.words if known_words is None or known_words(w)]
    return [*words, UNK]


def unk_fraction(text: str) -> float:
    """Share of ``[unk]`` tokens in a grammar result (1.0 for an empty result)."""
    tokens = text.split()
    return 1.0 if not tokens else sum(t == UNK for t in tokens) / len(tokens)


def whisper_prompt(vocab: Vocabulary, max_phrases: int = 12) -> str:
    """An initial prompt for faster-whisper: a few command sentences, comma separated.

    The sentences are taken in turn from every tool's declared examples (climate, windows,
    sunroof, media, phone...), so the prompt covers all of them rather than the first tool's
    phrases; then any of the vocabulary's other phrases of three words or more.
    """
    groups = [[p for p in group if len(p.split()) >= 3] for group in _examples_by_tool()]
    groups = [group for group in groups if group]
    ordered = [g[i] for i in range(max(map(len, groups))) for g in groups if i < len(g)]
    known = set(vocab.phrases)
    extra = [p for p in vocab.phrases if len(p.split()) >= 3 and p not in ordered]
    sentences = [p for p in ordered if p in known] + extra
    return ", ".join(sentences[:max_phrases]) + "."


def whisper_hotwords(vocab: Vocabulary) -> str:
    """Hotwords for faster-whisper: the content words of the vocabulary."""
    small = {"a", "and", "the", "to", "it", "on", "of", "is", "am", "i", "in", "my", "up",
             "off", "all", "how", "what", "which", "this", "me", "please"}
    return " ".join(w for w in vocab.words if w not in small)


class FallbackStream:
    """A grammar-restricted stream that re-decodes with open vocabulary when it must.

    Audio is fed to `primary` (the grammar recogniser) and kept; at `finish`, when the
    grammar result's ``[unk]`` share is above `max_unk`, the kept audio goes through a fresh
    open-vocabulary stream and its result is returned instead.

    Args:
        primary: the grammar stream.
        open_stream: makes an open-vocabulary stream.
        max_unk: largest ``[unk]`` share (0-1) accepted from the grammar result.
    """

    def __init__(self, primary: RecognizerStream, open_stream: Callable[[], RecognizerStream],
                 max_unk: float = 0.34) -> None:
        self._primary = primary
        self._open = open_stream
        self._max_unk = max_unk
        self._audio: list[npt.NDArray[np.int16]] = []
        self.fell_back = False

    def accept(self, samples: npt.NDArray[np.int16]) -> str | None:
        """Feed audio; returns the grammar stream's partial (``[unk]`` removed)."""
        self._audio.append(np.asarray(samples, dtype=np.int16).copy())
        partial = self._primary.accept(samples)
        if partial is None:
            return None
        return " ".join(t for t in partial.split() if t != UNK) or None

    def finish(self) -> str:
        """The grammar result, or the open-vocabulary one when the grammar did not match."""
        text = self._primary.finish()
        if unk_fraction(text) <= self._max_unk:
            return " ".join(t for t in text.split() if t != UNK)
        self.fell_back = True
        stream = self._open()
        if self._audio:
            stream.accept(np.concatenate(self._audio))
        return stream.finish()
