"""Wake word and VAD give the same results whatever chunk size the audio arrives in."""

from __future__ import annotations

import numpy as np
import pytest

from daemon.audio.wavio import read_wav
from daemon.hearing.vad import SileroVad
from daemon.hearing.wake import WakeWordDetector, WakeWordModel
from tests.conftest import REPO, SHARED_AUDIO

MODELS = REPO / "models"
CLIP = SHARED_AUDIO / "wakeword/positive/pymicro-wakeword-tests/hey_jarvis_2.wav"


def audio() -> np.ndarray:
    if not CLIP.is_file():
        pytest.skip(f"shared recording missing: {CLIP}")
    pad = np.zeros(16000, dtype=np.int16)
    return np.concatenate([pad, read_wav(CLIP).samples, pad])


def detector() -> WakeWordDetector:
    feats = MODELS / "openwakeword-features"
    word = WakeWordModel("wake-hey-jarvis", MODELS / "wake-hey-jarvis" / "hey_jarvis_v0.1.onnx",
                         0.5)
    return WakeWordDetector([word], feats / "melspectrogram.onnx",
                            feats / "embedding_model.onnx", refractory_s=2.0)


@pytest.mark.parametrize("chunk", [160, 320, 1000, 1280, 4096])
def test_wake_word_detections_do_not_depend_on_chunk_size(chunk: int) -> None:
    samples = audio()
    reference = detector().process(samples)
    assert len(reference) == 1 and reference[0].score >= 0.5
    det = detector()
    got = [d for i in range(0, len(samples), chunk) for d in det.process(samples[i:i + chunk])]
    assert [(d.name, d.t_ms) for d in got] == [(d.name, d.t_ms) for d in reference]
    assert got[0].score == pytest.approx(reference[0].score, abs=1e-5)


def test_wake_word_not_fired_by_car_noise_alone() -> None:
    noise = read_wav(SHARED_AUDIO / "noise/noisex92/volvo_car_interior_dev.wav",
                     expect_rate_hz=None, resample_to=16000).samples
    assert detector().process(noise) == []


@pytest.mark.parametrize("chunk", [100, 320, 512, 2000])
def test_vad_probabilities_do_not_depend_on_chunk_size(chunk: int) -> None:
    samples = audio()
    reference = SileroVad(MODELS / "silero-vad" / "silero_vad.onnx").process(samples)
    vad = SileroVad(MODELS / "silero-vad" / "silero_vad.onnx")
    got = [f for i in range(0, len(samples), chunk) for f in vad.process(samples[i:i + chunk])]
    assert [f.end_ms for f in got] == [f.end_ms for f in reference]
    assert np.allclose([f.probability for f in got], [f.probability for f in reference],
                       atol=1e-5)
    speech = [f for f in reference if f.probability >= 0.5]
    assert speech, "Silero found no speech in a real recording"
    assert speech[0].end_ms > 900 and speech[-1].end_ms < len(samples) / 16.0 - 900

