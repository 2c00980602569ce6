"""The numpy resampler (daemon/audio/resample.py) against scipy's resample_poly, which it
replaces in the daemon: same length, same samples to float rounding, on noise, a tone and real
speech, for every rate pair the product meets."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.signal import resample_poly

from daemon.audio.resample import BLOCK_OUT, resample, resample_float
from daemon.audio.wavio import read_wav

MODELS = Path(__file__).resolve().parents[2] / "models"

PAIRS = [(16000, 22050), (22050, 16000), (48000, 16000), (16000, 48000), (44100, 16000),
         (16000, 44100), (22050, 48000), (8000, 16000), (16000, 24000)]


@pytest.mark.parametrize(("from_hz", "to_hz"), PAIRS)
@pytest.mark.parametrize("n", [1, 7, 320, 960, 4410, 2 * BLOCK_OUT + 5])
def test_matches_scipy_on_noise(from_hz: int, to_hz: int, n: int) -> None:
    x = np.random.default_rng(n).standard_normal(n).astype(np.float32) * 3000.0
    expected = resample_poly(x, to_hz, from_hz)
    got = resample_float(x, to_hz, from_hz)
    assert got.shape == expected.shape
    assert np.max(np.abs(got - expected)) < 0.05  # float32 rounding on a +-10,000 signal


def test_int16_speech_is_the_same_to_one_lsb(command_wav_10db: Path) -> None:
    speech_clip = read_wav(command_wav_10db).samples  # real "hey jarvis" + command, car noise
    for from_hz, to_hz in [(16000, 22050), (16000, 48000), (16000, 8000)]:
        g = np.gcd(from_hz, to_hz)
        expected = np.clip(np.rint(resample_poly(speech_clip.astype(np.float32), to_hz // g,
                                                 from_hz // g)), -32768, 32767)
        got = resample(speech_clip, from_hz, to_hz)
        assert got.dtype == np.int16 and got.shape == expected.shape
        assert np.max(np.abs(got.astype(np.int32) - expected.astype(np.int32))) <= 1


def test_a_tone_keeps_its_frequency_and_level() -> None:
    t = np.arange(22050) / 22050.0
    tone = (np.sin(2 * np.pi * 440.0 * t) * 10000).astype(np.int16)
    out = resample(tone, 22050, 16000)
    assert len(out) == 16000
    spectrum = np.abs(np.fft.rfft(out.astype(np.float64)))
    assert abs(int(np.argmax(spectrum)) - 440) <= 1  # 1 Hz bins over one second
    assert np.sqrt(np.mean(out[1000:-1000].astype(np.float64) ** 2)) == pytest.approx(
        10000 / np.sqrt(2), rel=0.01)


def test_same_rate_and_empty_input() -> None:
    x = np.arange(10, dtype=np.int16)
    assert resample(x, 16000, 16000) is x
    assert resample(np.zeros(0, dtype=np.int16), 22050, 16000).shape == (0,)


@pytest.mark.slow
def test_the_loaded_daemon_holds_no_scipy_signal_or_sklearn() -> None:
    """The reason for this module (and for `daemon.hearing.wake.openwakeword_model`): SciPy's signal
    package and scikit-learn cost ~80 MB resident and ~1 s at start-up. Every stage is loaded
    from the real models, as the daemon does. The one SciPy package allowed is ``sparse``: the
    owner's manual's BM25 index (bm25s, daemon/manual/index.py) is built on it (importing
    bm25s costs ~28 MB resident, measured with numpy already loaded)."""
    code = ("import sys; from daemon.config import CabinConfig; import daemon.pipeline; "
            "from daemon.stages import load_stages; "
            f"load_stages(CabinConfig(models_dir={str(MODELS)!r})); "
            "print(sorted({'.'.join(m.split('.')[:2]) for m in sys.modules "
            "if m.split('.')[0] in ('scipy', 'sklearn')}))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    loaded = set(ast.literal_eval(out.stdout.strip()))
    public = {m for m in loaded if not m.split(".")[-1].startswith("_")
              and m not in ("scipy", "scipy.version")}
    assert public <= {"scipy.sparse"}, public
