"""The recogniser's beam alternatives (daemon/hearing/nbest.py): the pure choice, fed numbers,
and the decode that uses it, with a scripted decoder (the real model:
tests/pipeline/test_nbest_real.py)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from daemon.config import AsrConfig
from daemon.hearing import whisper_decoding
from daemon.hearing.nbest import Hypothesis, choose
from daemon.understanding.intents import understood


def _h(text: str, confidence: float) -> Hypothesis:
    return Hypothesis(text, confidence)


def test_the_most_probable_understood_hypothesis_is_chosen() -> None:
    beam = [_h("open the rear right window", -0.6), _h("open the rear white window", -0.3),
            _h("open the rear left window", -0.5)]
    chosen = choose("open the rear white window", beam, understood, floor=-1.0)
    assert chosen == _h("open the rear left window", -0.5)  # most probable understood first


def test_nothing_is_chosen_below_the_floor_or_for_the_same_words() -> None:
    assert choose("turn of the a c", [_h("turn off the AC", -1.2)], understood,
                  floor=-1.0) is None
    assert choose("turn off the A.C.", [_h("Turn off the a.c", -0.2)],
                  lambda _text: True, floor=-1.0) is None  # the same words, punctuated


def test_a_question_is_never_traded_for_a_command() -> None:
    beam = [_h("call my phone", -0.2)]
    assert choose("how do I pair my phone?", beam, understood, floor=-1.0) is None
    assert choose("is the boot open?", beam, understood, floor=-1.0) is None
    assert choose("", beam, understood, floor=-1.0) is None
    assert choose("pair my phone", [_h("what is my phone", -0.1)], lambda _t: True,
                  floor=-1.0) is None  # nor a command for a question


def test_the_decode_takes_a_hypothesis_only_when_the_best_is_not_understood(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """`whisper_decode_understood`: the best text when it is understood (no beam decode at
    all), else the beam's first understood hypothesis with its own confidence."""
    beams: list[dict[str, Any]] = []

    def best(_model: Any, _audio: Any, _config: Any, _prompt: Any, _hotwords: Any
             ) -> tuple[str, float]:
        return texts.pop(0), -0.3

    def beam(*_args: Any, **kwargs: Any) -> list[Hypothesis]:
        beams.append(kwargs)
        return [_h("close the sunroof", -0.45), _h("clothes the sun roof", -0.2)]

    monkeypatch.setattr(whisper_decoding, "whisper_decode_scored", best)
    monkeypatch.setattr(whisper_decoding, "beam_hypotheses", beam)
    monkeypatch.setattr(whisper_decoding, "encode_utterance", lambda *_a: None)
    monkeypatch.setattr(whisper_decoding, "token_budget", lambda *_a: 20)
    audio = np.zeros(16000, np.float32)
    texts = ["close the sunroof", "clothes the sun roof", "clothes the sun roof"]
    decode = whisper_decoding.whisper_decode_understood
    assert decode(None, audio, AsrConfig(), None, None, understands=understood) == (
        "close the sunroof", -0.3)
    assert beams == []  # understood: no beam
    assert decode(None, audio, AsrConfig(), None, None, understands=understood) == (
        "close the sunroof", -0.45)
    assert len(beams) == 1
    off = AsrConfig(alternatives=0)
    assert decode(None, audio, off, None, None, understands=understood) == (
        "clothes the sun roof", -0.3)
    assert len(beams) == 1


def test_a_kept_peek_is_settled_with_the_beam_when_it_is_not_understood(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The live path keeps the endpointing peek as the transcript (no second decode):
    `WhisperStream.settle` still trades a text the fast path does not understand for the
    beam's understood hypothesis, and its confidence with it."""
    from daemon.hearing.asr import WhisperRecognizer, WhisperStream

    monkeypatch.setattr(whisper_decoding, "beam_hypotheses",
                        lambda *_a, **_k: [_h("lock the doors", -0.35)])
    monkeypatch.setattr(whisper_decoding, "encode_utterance", lambda *_a: None)
    monkeypatch.setattr(whisper_decoding, "token_budget", lambda *_a: 20)
    rec = object.__new__(WhisperRecognizer)
    rec._model, rec._config, rec._prompt, rec._hotwords = None, AsrConfig(), None, None
    rec._understands, rec._values = understood, None
    stream = WhisperStream(rec)
    stream.accept(np.zeros(16000, np.int16))
    stream.confidence = -0.2
    assert stream.settle("lock the doors") == "lock the doors"  # understood: as it is
    assert stream.confidence == -0.2
    assert not stream.alternative
    assert stream.settle("lock the floors") == "lock the doors"
    assert stream.confidence == -0.35 and stream.alternative
    assert WhisperStream(rec).settle("lock the floors") == "lock the floors"  # no audio
