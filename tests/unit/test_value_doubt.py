"""The recogniser's beam asked to agree on a free text before a plan acts on it
(`daemon.hearing.nbest.values_doubted`, `whisper_decoding.value_doubted`, ``asr.value_margin``),
and the decider asking first when it does not (`confirmation.doubted`). Pure parts fed numbers;
the decode with a scripted beam (no model)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from daemon.config import AsrConfig
from daemon.conversation.confirmation import doubted
from daemon.hearing import whisper_decoding
from daemon.hearing.nbest import Hypothesis, values_doubted
from daemon.understanding.intents import free_values, understander


def _h(text: str, confidence: float) -> Hypothesis:
    return Hypothesis(text, confidence)


def test_free_values_are_the_plans_names_in_order() -> None:
    assert free_values("play Lucky Dube") == (("media_search", "lucky dube"),)
    assert free_values("navigate to the airport and call Karwan") == (
        ("navigate_to", "airport"), ("call_contact", "karwan"))
    assert free_values("turn on the AC") == ()
    assert free_values("blorp the snorkel") is None


def test_a_hypothesis_nearly_as_probable_with_another_name_doubts_it() -> None:
    best = _h("I'm in the mood for some lucky you", -0.25)
    beam = [best, _h("I'm in the mood for some lucky", -0.26), _h("lucky new", -0.39)]
    assert values_doubted(best, beam, free_values, margin=0.15)


def test_the_beam_agreeing_or_far_less_probable_doubts_nothing() -> None:
    best = _h("take me to the airport", -0.28)
    beam = [best, _h("Take me to the airport.", -0.31), _h("take me to the air port", -0.33),
            _h("take me to the apple store", -0.6)]  # far less probable
    assert not values_doubted(best, beam, free_values, margin=0.15)
    centre = _h("navigate to the community centre", -0.25)
    assert not values_doubted(centre, [_h("navigate to the community center", -0.27)],
                              free_values, margin=0.15)  # a spelling, not another place


def test_no_free_text_or_other_tools_or_not_understood_say_nothing() -> None:
    fan = _h("fan to three", -0.2)
    assert not values_doubted(fan, [_h("fan to four", -0.21)], free_values, margin=0.15)
    song = _h("play Lucky Dube", -0.2)
    assert not values_doubted(song, [_h("call Lucky", -0.2), _h("blorp blorp", -0.2)],
                              free_values, margin=0.15)


class _Model:
    max_length = 448


def _scripted(monkeypatch: pytest.MonkeyPatch, beam: list[Hypothesis]) -> list[int]:
    calls: list[int] = []

    def hypotheses(*_a: Any, **_k: Any) -> list[Hypothesis]:
        calls.append(1)
        return beam

    monkeypatch.setattr(whisper_decoding, "beam_hypotheses", hypotheses)
    monkeypatch.setattr(whisper_decoding, "encode_utterance", lambda *_a: None)
    monkeypatch.setattr(whisper_decoding, "token_budget", lambda *_a: 20)
    return calls


def test_the_beam_is_decoded_only_for_a_plan_with_a_free_text(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _scripted(monkeypatch, [_h("play lucky", -0.26)])
    audio = np.zeros(16000, dtype=np.float32)
    config = AsrConfig()

    def asked(heard: tuple[str, float | None], cfg: AsrConfig = config) -> bool:
        return whisper_decoding.value_doubted(_Model(), audio, cfg, None, None,
                                              values=free_values, heard=heard)

    assert not asked(("turn on the AC", -0.25)) and calls == []  # no name: no beam
    assert asked(("play lucky you", -0.25)) and calls == [1]
    assert not asked(("play lucky you", None))  # typed or not reported: no beam
    assert not asked(("play lucky you", -0.25), AsrConfig(value_margin=None))
    assert not asked(("play lucky you", -0.25), AsrConfig(alternatives=1))
    assert calls == [1]


def test_the_decider_asks_first_when_the_beam_doubts_whatever_the_confidence() -> None:
    u = understander()
    plan = u.understand("play lucky you")
    assert plan is not None and not plan.inferred
    assert doubted(plan, u.registry, -0.1, -0.3) == ()
    assert doubted(plan, u.registry, -0.1, -0.3, beam=True) == plan.calls
    assert doubted(plan, u.registry, None, None, beam=True) == plan.calls
    reading = u.understand("what's my speed")
    assert reading is not None
    assert doubted(reading, u.registry, -0.1, -0.3, beam=True) == ()  # a query never asks


def test_a_settled_stream_says_whether_the_beam_doubts_it(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from daemon.hearing.asr import WhisperRecognizer, WhisperStream

    _scripted(monkeypatch, [_h("play lucky", -0.26), _h("play lucky you", -0.25)])
    rec = object.__new__(WhisperRecognizer)
    rec._model, rec._config, rec._prompt, rec._hotwords = _Model(), AsrConfig(), None, None
    rec._understands, rec._values = None, free_values
    stream = WhisperStream(rec)
    stream.accept(np.zeros(16000, np.int16))
    stream.confidence = -0.25
    assert stream.settle("play lucky you") == "play lucky you" and stream.doubted
    stream.confidence = -0.25
    assert stream.settle("turn on the AC") == "turn on the AC" and not stream.doubted
