"""Let the language help the ear: when the recogniser's best text is not a command the fast
path understands, its beam's other hypotheses are tried, and the first one the command
language parses fully is taken (issue 17, "decode an N-best list").

`beam_hypotheses` decodes one encoded utterance with a beam of ``asr.alternatives`` and returns
every hypothesis with its confidence (natural-log probability per token, the same measure as
faster-whisper's ``avg_logprob``). `choose` is the pure decision: which hypothesis, if any,
replaces the best text. A hypothesis keeps its own, lower, confidence, so the decider's
``asr.confirm_below`` asks before acting on one it doubts ("Do you want me to move the window:
rear right?"); a question to the car ("how do I pair my phone") is never traded for a command.
`values_doubted` is the other way round: when the best text *is* understood and its plan
carries a free text no list can check before acting (a title; a contact or a destination,
checked later by the phone book or the map), the beam is asked whether it agrees on that
value; a hypothesis nearly as probable that names another ("lucky" / "lucky you" / "lucky new"
for "Lucky Dube") makes the plan asked about first.
Blocking native code: call it off the event loop.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz

from daemon.config import AsrConfig
from daemon.errors import AsrError

_LOG = logging.getLogger(__name__)

_QUESTION = re.compile(r"^\W*(how|what|whats|why|when|where|wheres|who|which|whose)\b", re.I)
"""A question about the car or the world: answered, never turned into a command."""


@dataclass(frozen=True)
class Hypothesis:
    """One beam hypothesis.

    Attributes:
        text: what it says.
        confidence: natural-log probability per token (<= 0), as faster-whisper's avg_logprob.
    """

    text: str
    confidence: float


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())


def choose(best: str, hypotheses: Sequence[Hypothesis], understands: Callable[[str], bool],
           *, floor: float) -> Hypothesis | None:
    """The hypothesis that replaces ``best`` (a text the fast path did not understand): the
    first, most probable first, whose words differ from ``best``'s, whose confidence is at
    least ``floor``, and that ``understands``; None when there is none, or when ``best`` is a
    question (a question is answered as heard, never traded for a command)."""
    if not best.strip() or _QUESTION.match(best) or best.rstrip().endswith("?"):
        return None
    heard = _words(best)
    for hypothesis in sorted(hypotheses, key=lambda h: h.confidence, reverse=True):
        if hypothesis.confidence < floor or _words(hypothesis.text) == heard:
            continue
        if _QUESTION.match(hypothesis.text):
            continue
        if understands(hypothesis.text):
            return hypothesis
    return None


VALUE_MATCH = 90.0
"""Two free-text values agree at this `rapidfuzz.fuzz.ratio` (0-100) or above, spaces and case
aside ("Kurdish community centre" / "center", "car wind pause" / "carwin pause")."""


def values_doubted(best: Hypothesis, hypotheses: Sequence[Hypothesis],
                   values: Callable[[str], tuple[tuple[str, str], ...] | None], *,
                   margin: float) -> bool:
    """Whether the beam doubts the free-text values of ``best``'s plan (``values``: (tool,
    value) pairs of the fast path's plan of a text, None when not understood): a hypothesis
    at most ``margin`` (natural log per token) less probable than ``best``, understood, with
    the same tools, names a value that does not agree (`VALUE_MATCH`). A best text with no
    free text, or not understood, is never doubted; hypotheses not understood say nothing."""
    said = values(best.text)
    if not said:
        return False
    for hypothesis in hypotheses:
        if hypothesis.confidence < best.confidence - margin:
            continue
        other = values(hypothesis.text)
        if not other or [t for t, _ in other] != [t for t, _ in said]:
            continue
        if any(fuzz.ratio(a.replace(" ", ""), b.replace(" ", "")) < VALUE_MATCH
               for (_, a), (_, b) in zip(said, other, strict=True)):
            return True
    return False


def beam_hypotheses(model: Any, encoded: Any, config: AsrConfig, prompt: str | None,
                    hotwords: str | None, *, max_new_tokens: int) -> list[Hypothesis]:
    """Every hypothesis of a beam of ``config.alternatives`` over one utterance, decoded by
    ``model`` (faster-whisper's `WhisperModel`, from `open_whisper`) from ``encoded``, the
    encoder's output for it (`daemon.hearing.whisper_decoding.encode_utterance`, or the best
    decode's own), with the daemon's prompt and hotwords."""
    from faster_whisper.tokenizer import Tokenizer
    from faster_whisper.transcribe import get_suppressed_tokens

    count = config.alternatives
    try:
        tokenizer = Tokenizer(model.hf_tokenizer, model.model.is_multilingual,
                              task="transcribe", language=config.language)
        previous = tokenizer.encode(" " + prompt.strip()) if prompt else []
        tokens = model.get_prompt(tokenizer, previous, without_timestamps=True,
                                  hotwords=hotwords)
        result = model.model.generate(
            encoded, [tokens], beam_size=count, num_hypotheses=count, length_penalty=1.0,
            max_length=len(tokens) + max_new_tokens, return_scores=True,
            suppress_blank=True, suppress_tokens=get_suppressed_tokens(tokenizer, (-1,)),
            no_repeat_ngram_size=config.no_repeat_ngram)[0]
    except Exception as exc:  # CTranslate2 errors are RuntimeError subclasses, mostly
        raise AsrError(f"faster-whisper beam decode failed: {exc}", code="asr_failed",
                       fix="check the model with `cabin models verify`") from exc
    found = []
    for ids, score in zip(result.sequences_ids, result.scores, strict=True):
        # faster-whisper's avg_logprob: the score is the sum over len(ids) tokens (length
        # penalty 1); averaged over one more, the end of text
        found.append(Hypothesis(tokenizer.decode(ids).strip(),
                                float(score) * len(ids) / (len(ids) + 1)))
    return found
