"""WAV input under hostile files: `read_wav` / `WavFileSource` give 16 kHz mono int16 audio, or an
`AudioInputError` naming the file, the cause and the fix; never another exception.

Files are built byte by byte (RIFF header fields at random: format tag, channels, rate, bits,
declared and actual data length, truncation point), plus the named cases of the issue: float
WAV with NaN and inf, clipping at full scale, large DC offset, 8 kHz, 44.1 kHz, stereo, empty,
truncated header, random bytes. Replays through the real pipeline are in test_replay_props.py.
"""

from __future__ import annotations

import asyncio
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from daemon.audio.sources import WavFileSource
from daemon.audio.wavio import read_wav, write_wav
from daemon.errors import AudioInputError
from daemon.runtime.replay import replay

CODES = {"audio_format", "audio_rate", "audio_empty", "audio_missing"}


def riff(*, tag: int = 1, channels: int = 1, rate: int = 16000, bits: int = 16,
         data: bytes = b"", declared: int | None = None, cut: int | None = None) -> bytes:
    """A RIFF/WAVE file with these header fields (any values, consistent or not)."""
    block = (channels * bits // 8) & 0xFFFF
    fmt = struct.pack("<HHIIHH", tag & 0xFFFF, channels & 0xFFFF, rate & 0xFFFFFFFF,
                      (rate * block) & 0xFFFFFFFF, block, bits & 0xFFFF)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data"
            + struct.pack("<I", (len(data) if declared is None else declared) & 0xFFFFFFFF)
            + data)
    whole = b"RIFF" + struct.pack("<I", len(body)) + body
    return whole if cut is None else whole[:cut]


def _mostly(usual: object, others: st.SearchStrategy[object]) -> st.SearchStrategy[object]:
    """`usual` three times in four, else one of `others`: files mostly near-valid."""
    return st.one_of(st.just(usual), st.just(usual), st.just(usual), others)


@st.composite
def headers(draw: st.DrawFn) -> bytes:
    return riff(tag=draw(_mostly(1, st.sampled_from([3, 6, 7, 0xFFFE, 0, 0x1234]))),
                channels=draw(_mostly(1, st.sampled_from([2, 0, 6, 65535]))),
                rate=draw(_mostly(16000, st.sampled_from([8000, 44100, 48000, 0, 1, 999, 384001,
                                                          2**32 - 1]) | st.integers(0, 2**32 - 1))),
                bits=draw(_mostly(16, st.sampled_from([8, 24, 32, 0, 17, 64]))),
                data=draw(st.binary(max_size=2000)),
                declared=draw(_mostly(None, st.integers(0, 2**32 - 1))),
                cut=draw(_mostly(None, st.integers(0, 60))))


def _check_outcome(path: Path, read: object) -> str:
    """Run `read()`; a good result or a well-formed AudioInputError. Returns what happened."""
    try:
        audio = read()  # type: ignore[operator]
    except AudioInputError as err:
        assert err.code in CODES, err.code
        assert str(path) in err.message and err.fix, err
        assert "()" not in err.message and not err.message.endswith(": "), err.message
        return err.code
    samples = audio.samples
    assert samples.dtype == np.int16 and samples.ndim == 1 and len(samples) > 0
    assert audio.rate_hz == 16000
    return "ok"


@settings(max_examples=600, deadline=None)
@given(data=headers() | st.binary(max_size=200))
def test_any_file_is_audio_or_a_named_audio_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.wav"
        path.write_bytes(data)
        event(_check_outcome(path, lambda: read_wav(path)))
        event("resampled: " + _check_outcome(path, lambda: read_wav(path, resample_to=16000)))
        _check_outcome(path, lambda: WavFileSource(path).audio)


def _pcm(tmp: Path, name: str, samples: np.ndarray, rate: int = 16000) -> Path:
    path = tmp / name
    write_wav(path, samples.astype(np.int16), rate)
    return path


def _float_wav(tmp: Path) -> Path:
    values = np.array([0.0, np.nan, np.inf, -np.inf, 1.0, -1.0] * 1000, dtype="<f4")
    return _raw(tmp, "float_nan.wav", riff(tag=3, bits=32, data=values.tobytes()))


def _raw(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


BAD_FILES = {
    "float_nan.wav": ("audio_format", "float", _float_wav),
    "rate8k.wav": ("audio_rate", "8000 Hz",
                   lambda t: _pcm(t, "rate8k.wav", np.zeros(8000), 8000)),
    "rate44k.wav": ("audio_rate", "44100 Hz",
                    lambda t: _pcm(t, "rate44k.wav", np.zeros(44100), 44100)),
    "stereo.wav": ("audio_format", "2 channels", lambda t: _raw(
        t, "stereo.wav", riff(channels=2, data=np.zeros(3200, dtype="<i2").tobytes()))),
    "empty.wav": ("audio_empty", "no audio samples", lambda t: _pcm(t, "empty.wav", np.zeros(0))),
    "truncated.wav": ("audio_format", "truncated",
                      lambda t: _raw(t, "truncated.wav", riff(data=b"\0" * 64, cut=30))),
    "random.wav": ("audio_format", "RIFF",
                   lambda t: _raw(t, "random.wav", np.random.default_rng(3).bytes(48000))),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_file_names_cause_and_fix_before_any_model_loads(name: str,
                                                                  tmp_path: Path) -> None:
    code, cause, make = BAD_FILES[name]
    path = make(tmp_path)
    with pytest.raises(AudioInputError) as err:
        WavFileSource(path)
    assert err.value.code == code and cause in err.value.message, err.value
    assert str(path) in err.value.message and err.value.fix
    if code != "audio_empty":
        assert "sox" in err.value.fix
    # replay() checks the file before it loads a model: the same error, at once.
    from daemon.config import CabinConfig

    with pytest.raises(AudioInputError) as again:
        asyncio.run(replay(CabinConfig(), path))
    assert again.value.code == code


@settings(max_examples=60, deadline=None)
@given(kind=st.sampled_from(["clip", "min", "alternating", "dc", "random"]),
       seconds=st.floats(0.001, 2.0), chunk_ms=st.floats(0.01, 100.0))
def test_extreme_pcm_replays_sample_exact_in_chunks(kind: str, seconds: float,
                                                    chunk_ms: float) -> None:
    n = max(1, int(seconds * 16000))
    samples = {"clip": np.full(n, 32767), "min": np.full(n, -32768),
               "alternating": np.where(np.arange(n) % 2, 32767, -32768),
               "dc": np.full(n, 20000) + (np.arange(n) % 7),
               "random": np.random.default_rng(n).integers(-32768, 32768, n)}[kind]
    with tempfile.TemporaryDirectory() as tmp:
        source = WavFileSource(_pcm(Path(tmp), "x.wav", samples), chunk_ms=chunk_ms)

        async def collect() -> list[np.ndarray]:
            return [c async for c in source.chunks()]

        chunks = asyncio.run(collect())
    size = max(1, int(16000 * chunk_ms / 1000.0))
    assert all(c.dtype == np.int16 and 0 < len(c) <= size for c in chunks)
    assert np.array_equal(np.concatenate(chunks), samples.astype(np.int16))


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_cabin_replay_prints_cause_and_fix_without_a_traceback(
        name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from daemon.cli import main

    code, cause, make = BAD_FILES[name]
    path = make(tmp_path)
    assert main(["replay", str(path), "--events", str(tmp_path / "events.jsonl")]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and cause in err and "fix:" in err
    rows = (tmp_path / "events.jsonl").read_text().splitlines()
    assert len(rows) == 1 and f'"code": "{code}"' in rows[0]
