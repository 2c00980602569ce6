"""faster-whisper's short encoder window, its token budget and the repetition cut
(daemon/hearing/whisper_decoding.py).

The pure parts are checked with numbers; the decode with the real whisper-tiny model on real
recordings from ../shared/audio; the retry logic with a scripted model, since whether the real
model loops is not something a test can choose.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from daemon.config import AsrConfig
from daemon.eval.common import edit_distance, load_audio, normalize_words
from daemon.hearing import whisper_decoding
from daemon.hearing.biasing import build_vocabulary, whisper_hotwords, whisper_prompt
from daemon.hearing.whisper_decoding import (
    WHISPER_FRAMES,
    collapse_repeats,
    encoder_frames,
    open_whisper,
    token_budget,
    whisper_decode,
)
from tests.conftest import REPO, SHARED_AUDIO

MODEL = REPO / "models" / "whisper-tiny-en"
SHORT = SHARED_AUDIO / "speech" / "lombard-grid" / "s30" / "s30_l_lbwzzp.wav"  # 2.5 s
LONG = (SHARED_AUDIO / "speech" / "picovoice-leopard"
        / "test_librispeech_1272-128104-0000.wav")  # 5.9 s


@pytest.mark.parametrize(("text", "expected"), [
    ("call my wife, call my wife, call my", "call my wife"),
    ("Turn the fan off. Turn the fan off. Turn the fan off. Turn the fan of", "Turn the fan off."),
    ("open the sunroof, open the sunroof, open the sunro", "open the sunroof"),
    ("Take me to the airport. take me to the airport.", "Take me to the airport."),
    ("set the temperature to twenty one degrees twenty one degrees twenty one degrees",
     "set the temperature to twenty one degrees"),
    ("open the window halfway, halfway, halfway", "open the window halfway, halfway, halfway"),
    # not a loop: left alone
    ("play one more time one more time", "play one more time one more time"),
    ("set the temperature to twenty one degrees", "set the temperature to twenty one degrees"),
    ("no, no", "no, no"),
    ("no no no no", "no no no no"),
    ("call my wife, call my white", "call my wife, call my white"),
    ("turn it up", "turn it up"),
    ("", ""),
])
def test_collapse_repeats(text: str, expected: str) -> None:
    assert collapse_repeats(text) == expected


def test_encoder_frames_short_window_only_for_a_third_of_it() -> None:
    assert encoder_frames(2.0, 15.0) == 1500
    assert encoder_frames(5.0, 15.0) == 1500
    assert encoder_frames(5.1, 15.0) == WHISPER_FRAMES
    assert encoder_frames(8.3, 15.0) == WHISPER_FRAMES
    assert encoder_frames(2.0, 30.0) == WHISPER_FRAMES
    assert encoder_frames(3.0, 10.0) == 1000


def test_window_setting_is_range_checked() -> None:
    with pytest.raises(ValueError, match="window_s"):
        AsrConfig(window_s=5.0)
    with pytest.raises(ValueError, match="window_s"):
        AsrConfig(window_s=31.0)


# -- the decode logic, with a scripted model -----------------------------------------------------

@dataclass(frozen=True)
class _Segment:
    text: str
    tokens: list[int]


class _Tokens:
    def __init__(self, n: int) -> None:
        self.ids = list(range(n))


class _Tokenizer:
    @staticmethod
    def encode(text: str, add_special_tokens: bool = True) -> _Tokens:
        return _Tokens(len(text.split()))


class _ScriptedModel:
    """Answers each decode with the next scripted (text, tokens) and records the window and
    the budget it was given."""

    max_length = 448
    hf_tokenizer = _Tokenizer()

    def __init__(self, answers: list[tuple[str, int]]) -> None:
        self._answers = answers
        self.calls: list[tuple[int, int]] = []

    def transcribe(self, audio: Any, **options: Any) -> tuple[list[_Segment], None]:
        text, tokens = self._answers[len(self.calls)]
        self.calls.append((whisper_decoding._window.frames, options["max_new_tokens"]))
        return [_Segment(text, list(range(tokens)))], None


def _audio(seconds: float) -> np.ndarray:
    return np.zeros(round(seconds * 16000), np.float32)


def test_a_clean_decode_runs_once_in_the_short_window() -> None:
    model = _ScriptedModel([("turn the fan off", 5)])
    assert whisper_decode(model, _audio(2.0), AsrConfig(), None, None) == "turn the fan off"
    assert model.calls == [(1500, 2 * 8 + 12)]
    assert whisper_decoding._window.frames == WHISPER_FRAMES  # reset after the decode


def test_a_repetition_loop_is_cut_without_a_second_decode() -> None:
    model = _ScriptedModel([("call my wife, call my wife, call my wife, call my", 28)])
    assert whisper_decode(model, _audio(2.0), AsrConfig(), None, None) == "call my wife"
    assert len(model.calls) == 1


def test_an_exhausted_budget_without_a_clean_loop_decodes_again_in_30_s() -> None:
    model = _ScriptedModel([("one zero three zero three one eight three zero", 28),
                            ("one zero three", 4)])
    assert whisper_decode(model, _audio(2.0), AsrConfig(), None, None) == "one zero three"
    assert [frames for frames, _ in model.calls] == [1500, WHISPER_FRAMES]


def test_a_long_utterance_uses_the_full_window_and_is_not_retried() -> None:
    model = _ScriptedModel([("a b c d e f g h", 60)])
    whisper_decode(model, _audio(6.0), AsrConfig(), None, None)
    assert model.calls == [(WHISPER_FRAMES, 6 * 8 + 12)]


def test_token_budget_leaves_room_for_the_prompt() -> None:
    model = _ScriptedModel([])
    assert token_budget(model, 2.0, None, None) == 2 * 8 + 12
    assert token_budget(model, 60.0, None, None) == 448 - 3 - 1
    assert token_budget(model, 60.0, "w " * 100, "w " * 20) == 448 - 3 - 120 - 1
    # faster-whisper keeps at most 223 tokens of each; never less than one new token
    assert token_budget(model, 60.0, "w " * 300, None) == 448 - 3 - 223 - 1
    assert token_budget(model, 60.0, "w " * 300, "w " * 300) == 1


# -- the real model on real recordings -----------------------------------------------------------

@pytest.fixture(scope="module")
def whisper() -> Any:
    if not MODEL.is_dir():
        pytest.skip(f"no faster-whisper model at {MODEL}")
    if not SHORT.is_file() or not LONG.is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    return open_whisper(MODEL, AsrConfig())


def _frames_seen(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    from faster_whisper import WhisperModel

    seen: list[int] = []
    original = WhisperModel.encode

    def spy(self: Any, features: np.ndarray) -> Any:
        seen.append(features.shape[-1])
        return original(self, features)

    monkeypatch.setattr(WhisperModel, "encode", spy)
    return seen


def _wer(reference: str, hypothesis: str) -> float:
    ref = normalize_words(reference)
    return edit_distance(ref, normalize_words(hypothesis)) / len(ref)


@pytest.mark.parametrize(("path", "reference", "frames"), [
    (SHORT, "lay blue with z zero please", 1500),
    (LONG, "Mr. Quilter is the apostle of the middle classes and we are glad to welcome his "
           "gospel.", WHISPER_FRAMES),
])
def test_real_recordings_decode_in_their_window(whisper: Any, monkeypatch: pytest.MonkeyPatch,
                                                path: Path, reference: str, frames: int) -> None:
    seen = _frames_seen(monkeypatch)
    audio = load_audio(path).astype(np.float32) / 32768.0
    text = whisper_decode(whisper, audio, AsrConfig(), None, None)
    assert seen == [frames]
    assert _wer(reference, text) <= 0.35, text


def test_short_window_hears_what_the_full_window_hears(whisper: Any) -> None:
    """With the daemon's vocabulary prompt and hotwords, as `cabin run` decodes."""
    vocabulary = build_vocabulary()
    prompt, hotwords = whisper_prompt(vocabulary), whisper_hotwords(vocabulary)
    audio = load_audio(SHORT).astype(np.float32) / 32768.0
    short = whisper_decode(whisper, audio, AsrConfig(window_s=15.0), prompt, hotwords)
    full = whisper_decode(whisper, audio, AsrConfig(window_s=30.0), prompt, hotwords)
    assert _wer(full, short) <= 0.34, (short, full)
