"""The recogniser's beam alternatives with the real faster-whisper model (daemon/hearing/nbest.py):
a real "hey jarvis" and a Piper command in car noise at 10 dB, decoded by the shared stages."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.wavio import read_wav
from daemon.hearing.asr import WhisperRecognizer
from daemon.hearing.nbest import beam_hypotheses
from daemon.hearing.whisper_decoding import (
    encode_utterance,
    encoder_frames,
    token_budget,
    whisper_decode_understood,
)
from daemon.stages import Stages

pytestmark = pytest.mark.slow


def test_the_beam_gives_ranked_hypotheses_and_the_decode_takes_an_understood_one(
        stages: Stages, command_wav_10db: Path) -> None:
    recognizer = stages.recognizer
    if not isinstance(recognizer, WhisperRecognizer):
        pytest.skip("the beam is faster-whisper's; this machine runs Vosk")
    model, config = recognizer._model, recognizer._config
    prompt, hotwords = recognizer._prompt, recognizer._hotwords
    audio = read_wav(command_wav_10db).samples.astype(np.float32) / 32768.0
    seconds = len(audio) / 16000
    encoded = encode_utterance(model, audio, encoder_frames(seconds, config.window_s))
    beam = beam_hypotheses(model, encoded, config, prompt, hotwords,
                           max_new_tokens=token_budget(model, seconds, prompt, hotwords))
    assert len(beam) == config.alternatives
    assert all(h.confidence <= 0.0 for h in beam)
    assert len({h.text for h in beam}) > 1  # hypotheses, not one text five times
    assert "temperature" in beam[0].text.lower()
    # a fast path that understands only one hypothesis whose words differ from the best
    # text's gets that one, with its own confidence. The decode's own best text and beam are
    # the ones judged (the first text asked about is its best; a decode may use another
    # encoder window than this test's beam, when the short window runs out of tokens)
    asked: list[str] = []

    def understands(candidate: str) -> bool:
        asked.append(candidate)
        return len(asked) > 1  # not the best text; the first hypothesis asked about

    anything = config.model_copy(update={"alternatives_floor": -10.0})  # any hypothesis
    text, confidence = whisper_decode_understood(
        model, audio, anything, prompt, hotwords, understands=understands)
    assert confidence is not None and confidence <= 0.0
    if len(asked) == 1:  # this decode's beam said only the best text's words (punctuation
        assert text == asked[0]  # aside): nothing else to take
        return
    assert text == asked[-1] and _words(asked[-1]) != _words(asked[0])


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())
