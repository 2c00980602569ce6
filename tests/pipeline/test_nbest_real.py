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
    beam = beam_hypotheses(model, audio, config, prompt, hotwords,
                           frames=encoder_frames(seconds, config.window_s),
                           max_new_tokens=token_budget(model, seconds, prompt, hotwords))
    assert len(beam) == config.alternatives
    assert all(h.confidence <= 0.0 for h in beam)
    assert len({h.text for h in beam}) > 1  # hypotheses, not one text five times
    assert "temperature" in beam[0].text.lower()
    # a fast path that understands only one hypothesis whose words differ from the best
    # text's gets that one, with its own confidence
    best, _ = recognizer.transcribe_scored(audio)
    other = next(h for h in beam if _words(h.text) != _words(best))
    text, confidence = whisper_decode_understood(
        model, audio, config, prompt, hotwords, understands=lambda t: t == other.text)
    assert text == other.text
    # its own confidence (the decode may have used another encoder window than this test's
    # beam, when the short window ran out of tokens: the same words, a slightly other score)
    assert confidence is not None and confidence <= 0.0


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.lower())
