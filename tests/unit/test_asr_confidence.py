"""The recogniser's confidence (daemon/hearing/asr.py, daemon/hearing/whisper_decoding.py) and the
spoken
corpus's confidence table (daemon/eval/corpus_audio_eval.py), with scripted models: no real
model is loaded."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pytest

from daemon.config import AsrConfig
from daemon.eval import corpus_audio_eval as ev
from daemon.hearing import whisper_decoding
from daemon.hearing.asr import VoskStream, WhisperRecognizer, WhisperStream
from daemon.hearing.whisper_decoding import whisper_decode_scored


@dataclass(frozen=True)
class _Segment:
    text: str
    tokens: list[int]
    avg_logprob: float
    no_speech_prob: float = 0.0


class _Tokens:
    def __init__(self, n: int) -> None:
        self.ids = list(range(n))


class _Tokenizer:
    @staticmethod
    def encode(text: str, add_special_tokens: bool = True) -> _Tokens:
        return _Tokens(len(text.split()))


class _Model:
    """Answers each decode with the next scripted list of segments."""

    max_length = 448
    hf_tokenizer = _Tokenizer()

    def __init__(self, answers: list[list[_Segment]]) -> None:
        self._answers = answers
        self.decodes = 0

    def transcribe(self, audio: Any, **options: Any) -> tuple[list[_Segment], None]:
        self.decodes += 1
        return self._answers[self.decodes - 1], None


def _audio(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * 16000), np.float32)


def test_whisper_confidence_is_the_lowest_segment_avg_logprob() -> None:
    model = _Model([[_Segment("open the", [1, 2], -0.2), _Segment("window", [3], -0.9)]])
    text, confidence = whisper_decode_scored(model, _audio(2.0), AsrConfig(), None, None)
    assert text == "open the window"
    assert confidence == pytest.approx(-0.9)
    assert model.decodes == 1  # no extra decode for the confidence


def test_whisper_confidence_comes_from_the_retry_decode() -> None:
    model = _Model([[_Segment("one zero three zero three one eight three zero",
                              list(range(28)), -1.5)],
                    [_Segment("one zero three", [1, 2, 3, 4], -0.4)]])
    text, confidence = whisper_decode_scored(model, _audio(2.0), AsrConfig(), None, None)
    assert text == "one zero three"
    assert confidence == pytest.approx(-0.4)
    assert model.decodes == 2


def test_whisper_confidence_is_none_when_nothing_is_heard() -> None:
    assert whisper_decode_scored(_Model([[]]), _audio(1.0), AsrConfig(), None, None) == ("", None)
    assert whisper_decode_scored(_Model([[_Segment("", [], -0.1)]]), _audio(1.0), AsrConfig(),
                                 None, None) == ("", None)


def _recognizer(model: _Model) -> WhisperRecognizer:
    rec = object.__new__(WhisperRecognizer)  # no model file: the scripted model instead
    rec._model, rec._config, rec._prompt, rec._hotwords = model, AsrConfig(), None, None
    rec._understands, rec._values = None, None
    return rec


def test_whisper_stream_sets_confidence_in_finish() -> None:
    stream = WhisperStream(_recognizer(_Model([[_Segment("turn it up", [1, 2, 3], -0.35)]])))
    assert stream.confidence is None
    stream.accept(np.zeros(16000, np.int16))
    assert stream.finish() == "turn it up"
    assert stream.confidence == pytest.approx(-0.35)
    empty = WhisperStream(_recognizer(_Model([])))
    assert empty.finish() == "" and empty.confidence is None
    assert whisper_decoding._window.frames == whisper_decoding.WHISPER_FRAMES


class _Rec:
    """A Vosk recogniser that gives one final result per chunk, then the final one."""

    def __init__(self, results: list[dict[str, Any]], final: dict[str, Any]) -> None:
        self._results = results
        self._final = final

    def AcceptWaveform(self, data: bytes) -> bool:  # Vosk's names
        return True

    def Result(self) -> str:
        return json.dumps(self._results.pop(0))

    def FinalResult(self) -> str:
        return json.dumps(self._final)


def test_vosk_confidence_is_the_mean_word_conf() -> None:
    stream = VoskStream(_Rec([{"text": "open the", "result": [{"word": "open", "conf": 1.0},
                                                              {"word": "the", "conf": 0.5}]}],
                             {"text": "window", "result": [{"word": "window", "conf": 0.6}]}))
    stream.accept(np.zeros(160, np.int16))
    assert stream.finish() == "open the window"
    assert stream.confidence == pytest.approx(0.7)


def test_vosk_confidence_is_none_without_word_results() -> None:
    stream = VoskStream(_Rec([], {"text": "window"}))
    assert stream.finish() == "window"
    assert stream.confidence is None


# -- the confidence table ------------------------------------------------------------------------

def _r(outcome: str, confidence: float | None, acts: bool = True,
       condition: str = "clean") -> ev.FileResult:
    return ev.FileResult("x", "heldout", condition, "v", "terse", outcome, 0, 3, confidence, acts)


def test_confidence_rows_count_what_asking_would_change() -> None:
    results = [_r("wrong", -1.2), _r("wrong", -0.55), _r("wrong", -0.2),
               _r("wrong", -2.0, acts=False),  # a wrong query: never asked about
               _r("right", -0.1), _r("right", -0.45), _r("right", -0.9),
               _r("right", -3.0, acts=False), _r("right", None),  # no confidence: acts
               _r("asked", -2.0), _r("not_heard", None)]
    rows = {r["threshold"]: r for r in ev.confidence_rows(results, (-0.5, -1.0))}
    assert rows[None]["wrong"] == 4 and rows[None]["right"] == 5
    assert rows[None]["wrong_pct"] == pytest.approx(36.4)  # of all 11 files
    assert (rows[-0.5]["wrong"], rows[-0.5]["wrong_caught"], rows[-0.5]["right_asked"]) == (
        2, 2, 1)
    assert rows[-0.5]["right_asked_pct"] == 20.0 and rows[-0.5]["right"] == 4
    assert (rows[-1.0]["wrong"], rows[-1.0]["wrong_caught"], rows[-1.0]["right_asked"]) == (
        3, 1, 0)


def test_confidence_rows_count_the_wrong_actions_the_name_lookup_stops() -> None:
    looked = ev.FileResult("x", "heldout", "clean", "v", "terse", "wrong", 0, 3, -1.2, True,
                           looked_up=True)
    found = ev.FileResult("x", "heldout", "clean", "v", "terse", "right", 0, 3, -0.2, True,
                          looked_up=True)
    results = [looked, _r("wrong", -0.2), found]
    rows = {r["threshold"]: r for r in ev.confidence_rows(results, (-1.0,))}
    assert (rows[None]["wrong"], rows[None]["wrong_looked_up"],
            rows[None]["wrong_after_lookup"], rows[None]["right_looked_up"]) == (2, 1, 1, 1)
    # asked for its confidence first: not counted again as stopped by the lookup
    assert (rows[-1.0]["wrong"], rows[-1.0]["wrong_looked_up"],
            rows[-1.0]["wrong_after_lookup"]) == (1, 0, 1)


def test_a_reading_of_a_complaint_or_the_model_is_asked_at_every_threshold() -> None:
    inferred = ev.FileResult("x", "heldout", "clean", "v", "terse", "right", 0, 3, -0.1, True,
                             inferred=True)
    rows = {r["threshold"]: r for r in ev.confidence_rows([inferred, _r("right", -0.1)],
                                                          (-0.5,))}
    assert (rows[None]["right_asked"], rows[None]["right"]) == (1, 1)
    assert (rows[-0.5]["right_asked"], rows[-0.5]["right"]) == (1, 1)


def test_confidence_table_is_per_split_and_condition_and_aggregate_only() -> None:
    results = [_r("wrong", -1.2), _r("right", -0.2, condition="car10"), _r("right", -0.7)]
    table = ev.confidence_table(results)["heldout"]
    assert list(table["by_condition"]) == ["clean", "car10"]
    assert table["acting"] == {"right": [-0.7, -0.2], "wrong": [-1.2]}
    text = ev.confidence_markdown("heldout", table)
    assert "| -0.8 | 0 (0.0%) | 1 | 0 (0.0%) | 2 (66.7%) | 0 (0.0%) | 0 | 0 / 0 | 0 / 0 |" in text
    assert "terse" not in text and "| v " not in text  # aggregate only
