"""The front end, Silero VAD and openWakeWord under extreme int16 chunks (all -32768, full-scale
alternation, DC, random) of random lengths 1..4000 samples: they never raise, return finite
outputs of the promised shape, and the front end stays chunk-size invariant even when clipping.
Real models from models/ (the same files the pipeline loads).
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from daemon.audio.frontend import FrontEnd, FrontEndSettings
from daemon.hearing.vad import WINDOW_SAMPLES, SileroVad
from daemon.hearing.wake import BLOCK_SAMPLES, WakeWordDetector, WakeWordModel
from tests.conftest import REPO

MODELS = REPO / "models"
PATTERNS = ["min", "max", "alternating", "dc", "random", "zeros", "impulses"]


def _chunk(pattern: str, n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    values = {
        "min": lambda: np.full(n, -32768),
        "max": lambda: np.full(n, 32767),
        "alternating": lambda: np.where(np.arange(n) % 2, 32767, -32768),
        "dc": lambda: np.full(n, int(rng.integers(-32768, 32768))),
        "random": lambda: rng.integers(-32768, 32768, n),
        "zeros": lambda: np.zeros(n),
        "impulses": lambda: np.where(rng.random(n) < 0.01, -32768, 0),
    }[pattern]()
    return values.astype(np.int16)


chunk_lists = st.lists(st.tuples(st.sampled_from(PATTERNS), st.integers(1, 4000),
                                 st.integers(0, 2**16)), min_size=1, max_size=8).map(
    lambda specs: [_chunk(p, n, seed) for p, n, seed in specs])

FRONT_ENDS = {
    "default": FrontEndSettings(ns="none"),  # what cabin.yaml runs: speex AEC + residual
    "webrtc_ns_agc": FrontEndSettings(ns="webrtc", agc=True),
    "speex_ns_agc": FrontEndSettings(ns="speex", agc=True),
    "passthrough": FrontEndSettings(aec="none", ns="none"),
}


@pytest.mark.parametrize("name", sorted(FRONT_ENDS))
@settings(max_examples=40, deadline=None)
@given(chunks=chunk_lists, far=chunk_lists)
def test_front_end_returns_as_many_samples_and_is_chunk_invariant(
        name: str, chunks: list[np.ndarray], far: list[np.ndarray]) -> None:
    fe = FrontEnd(FRONT_ENDS[name])
    outs = [fe.process(c, far_end=f) for c, f in zip(chunks, far + [None] * len(chunks),
                                                       strict=False)]
    for c, o in zip(chunks, outs, strict=True):
        assert o.dtype == np.int16 and len(o) == len(c)
    # Mic only: the output must not depend on the chunking (re-blocked into 10 ms frames).
    whole = np.concatenate(chunks)
    one, split = FrontEnd(FRONT_ENDS[name]), FrontEnd(FRONT_ENDS[name])
    reference = one.process(whole)
    pieces = np.concatenate([split.process(c) for c in chunks])
    assert np.array_equal(reference, pieces)


@pytest.fixture(scope="module")
def vad() -> SileroVad:
    path = MODELS / "silero-vad" / "silero_vad.onnx"
    if not path.is_file():
        pytest.skip(f"model missing: {path} (cabin models fetch silero-vad)")
    return SileroVad(path)


@settings(max_examples=60, deadline=None)
@given(chunks=chunk_lists)
def test_vad_gives_one_finite_probability_per_window(vad: SileroVad,
                                                     chunks: list[np.ndarray]) -> None:
    vad.reset()
    frames = [f for c in chunks for f in vad.process(c)]
    total = sum(len(c) for c in chunks)
    assert len(frames) == total // WINDOW_SAMPLES
    assert [f.end_ms for f in frames] == [32.0 * (i + 1) for i in range(len(frames))]
    assert all(math.isfinite(f.probability) and 0.0 <= f.probability <= 1.0 for f in frames)


@pytest.fixture(scope="module")
def wake() -> Iterator[WakeWordDetector]:
    """Threshold 0 and no refractory period: every 80 ms block reports its score."""
    feats = MODELS / "openwakeword-features"
    word = MODELS / "wake-hey-jarvis" / "hey_jarvis_v0.1.onnx"
    if not word.is_file():
        pytest.skip(f"model missing: {word} (cabin models fetch wake-hey-jarvis)")
    yield WakeWordDetector([WakeWordModel("wake-hey-jarvis", word, 0.0)],
                           feats / "melspectrogram.onnx", feats / "embedding_model.onnx",
                           refractory_s=0.0)


@settings(max_examples=60, deadline=None)
@given(chunks=chunk_lists)
def test_wake_word_scores_stay_finite(wake: WakeWordDetector, chunks: list[np.ndarray]) -> None:
    wake.reset()
    hits = [d for c in chunks for d in wake.process(c)]
    total = sum(len(c) for c in chunks)
    assert [d.t_ms for d in hits] == [80.0 * (i + 1) for i in range(total // BLOCK_SAMPLES)]
    assert all(math.isfinite(d.score) and 0.0 <= d.score <= 1.0 for d in hits)
