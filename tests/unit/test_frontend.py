"""The audio front end: chunk-size invariance, echo reduction on a real room impulse response,
the far-end FIFO (no reference, delay), settings validation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.signal import fftconvolve

from daemon.audio import mix
from daemon.audio.frontend import LATENCY_SAMPLES, FrontEnd, FrontEndSettings, _FarEndFifo
from daemon.audio.speex import available
from daemon.audio.wavio import read_wav
from tests.conftest import SHARED_AUDIO

pytestmark = pytest.mark.skipif(not available(), reason="libspeexdsp not installed")

SPEECH = SHARED_AUDIO / "speech/picovoice-leopard/test_librispeech_1272-128104-0000.wav"
JFK = SHARED_AUDIO / "speech/whisper.cpp/jfk.wav"
RIR = SHARED_AUDIO / "rir/pymixconsole-openair/small_room_left.wav"
NOISE = SHARED_AUDIO / "noise/noisex92/volvo_car_interior_dev.wav"


def load(path: object) -> np.ndarray:
    if not SHARED_AUDIO.is_dir():
        pytest.skip("shared recordings missing")
    return read_wav(path, expect_rate_hz=None, resample_to=16000).samples  # type: ignore[arg-type]


def echo_scene() -> tuple[np.ndarray, np.ndarray]:
    """(mic, far): real speech as far end, through a real RIR; 2 x jfk.wav = 22 s."""
    far = np.concatenate([load(JFK), load(JFK)])
    rir = mix.to_float(load(RIR))
    echo = fftconvolve(mix.to_float(far), rir / np.max(np.abs(rir)))[:len(far)]
    return mix.to_int16(mix.normalize_to_dbfs(echo, 16000, -26.0)), far


def energy_db(x: np.ndarray) -> float:
    return 10 * float(np.log10(np.sum(x.astype(np.float64) ** 2) + 1.0))


SETTINGS = [FrontEndSettings(), FrontEndSettings(ns="none", agc=True),
            FrontEndSettings(aec="none", ns="speex")]


@pytest.mark.parametrize("settings", SETTINGS, ids=lambda s: s.describe())
@pytest.mark.parametrize("chunk", [1, 100, 160, 333, 1024])
def test_output_does_not_depend_on_chunk_size(settings: FrontEndSettings, chunk: int) -> None:
    mic, far = echo_scene()
    mic, far = mic[:48000], far[:48000]
    noisy = mix.to_int16(mix.to_float(mic) + mix.to_float(load(NOISE)[:48000]) * 0.3)
    reference = FrontEnd(settings).process_all(noisy, far)  # 1.6 s blocks
    fe = FrontEnd(settings)
    parts = [fe.process(noisy[i:i + chunk], far[i:i + chunk])
             for i in range(0, len(noisy), chunk)]
    assert [len(p) for p in parts] == [len(noisy[i:i + chunk])
                                       for i in range(0, len(noisy), chunk)]
    lag = fe.delay_samples
    assert np.array_equal(np.concatenate(parts)[lag:], reference[:len(noisy) - lag])


def test_far_end_may_arrive_in_other_chunk_sizes_than_the_mic() -> None:
    mic, far = echo_scene()
    mic, far = mic[:32000], far[:32000]
    reference = FrontEnd(FrontEndSettings()).process_all(mic, far)
    fe = FrontEnd(FrontEndSettings())
    out = []
    for i in range(0, len(mic), 480):  # mic in 30 ms chunks, far end pushed in 10 ms pieces
        for j in range(i, min(i + 480, len(far)), 160):
            fe.push_far_end(far[j:j + 160])
        out.append(fe.process(mic[i:i + 480]))
    lag = fe.delay_samples
    assert np.array_equal(np.concatenate(out)[lag:], reference[:len(mic) - lag])


def test_cancels_the_echo_of_real_speech_through_a_real_room() -> None:
    mic, far = echo_scene()
    out = FrontEnd(FrontEndSettings(tail_ms=256, ns="none")).process_all(mic, far)
    tail = slice(len(mic) // 2, None)  # converged: the second repetition
    erle = energy_db(mic[tail]) - energy_db(out[tail])
    assert erle >= 25.0, f"ERLE {erle:.1f} dB"
    linear = FrontEnd(FrontEndSettings(echo_suppress_db=0, ns="none")).process_all(mic, far)
    assert energy_db(mic[tail]) - energy_db(linear[tail]) > 15.0


def test_keeps_the_near_end_talker_in_double_talk() -> None:
    mic, far = echo_scene()
    near = mix.to_int16(mix.normalize_to_dbfs(mix.to_float(load(SPEECH)), 16000, -26.0))
    start = len(mic) - len(near) - 1000
    both = mic.astype(np.int32)
    both[start:start + len(near)] += near
    out = FrontEnd(FrontEndSettings(ns="none")).process_all(
        np.clip(both, -32768, 32767).astype(np.int16), far)
    seg = out[start:start + len(near)].astype(np.float64)
    # energy of the near end survives (within 6 dB) and the output correlates with it
    assert abs(energy_db(seg) - energy_db(near)) < 6.0
    corr = np.dot(seg, near) / np.sqrt(np.dot(seg, seg) * np.dot(near.astype(float), near))
    raw = both[start:start + len(near)].astype(np.float64)
    raw_corr = np.dot(raw, near) / np.sqrt(np.dot(raw, raw) * np.dot(near.astype(float), near))
    assert corr > raw_corr


def test_no_reference_is_silence_and_passthrough_is_a_pure_delay() -> None:
    mic = load(SPEECH)[:16000]
    out = FrontEnd(FrontEndSettings(aec="none", ns="none")).process(mic)
    assert np.array_equal(out[LATENCY_SAMPLES:], mic[:-LATENCY_SAMPLES])
    fe = FrontEnd(FrontEndSettings(ns="none"))
    silent = fe.process_all(mic)  # AEC on, nothing played: the speech passes nearly untouched
    assert abs(energy_db(silent) - energy_db(mic)) < 1.0


def test_reference_delay_is_reestablished_when_playback_resumes() -> None:
    fifo = _FarEndFifo(delay=3, limit=100)
    assert fifo.take(2).tolist() == [0, 0]
    fifo.push(np.array([5, 6], dtype=np.int16))
    assert fifo.take(6).tolist() == [0, 0, 0, 5, 6, 0]  # ran dry here
    fifo.push(np.array([7], dtype=np.int16))
    assert fifo.take(4).tolist() == [0, 0, 0, 7]


def test_reference_fifo_is_bounded_and_counts_drops() -> None:
    fifo = _FarEndFifo(delay=0, limit=10)
    fifo.push(np.arange(25, dtype=np.int16))
    assert fifo.dropped == 15
    assert fifo.take(10).tolist() == list(range(15, 25))


@pytest.mark.parametrize("bad", [dict(tail_ms=5), dict(ns="rnnoise"), dict(ns_level=9),
                                 dict(reference_delay_ms=-1.0)])
def test_settings_are_validated(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FrontEndSettings(**bad)  # type: ignore[arg-type]


def test_residual_echo_suppression_only_while_the_far_end_plays() -> None:
    """Without playback the preprocessor is bypassed (it lowers wake-word scores)."""
    mic = load(SPEECH)
    settings = FrontEndSettings(ns="none")
    quiet = FrontEnd(settings).process_all(mic)
    linear = FrontEnd(FrontEndSettings(ns="none", echo_suppress_db=0)).process_all(mic)
    assert np.array_equal(quiet, linear)
