"""Extreme audio through the whole replay with the real models (slow; few cases): 10 minutes of
silence finish with no turn in bounded memory; full-scale clipping, a large DC offset and
full-scale noise run cleanly. Bad files are refused before the models load (test_wav_props.py).
"""

from __future__ import annotations

import asyncio
import math
import uuid
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from daemon import events as ev
from daemon.audio.wavio import write_wav
from daemon.config import CabinConfig
from daemon.runtime.replay import ReplayResult, replay
from daemon.stages import Stages, load_stages

pytestmark = pytest.mark.slow
RATE = 16000
INPUT_MEMORY_FACTOR = 2.0
"""Peak memory a replay may add, as a multiple of the input's int16 size: reading the WAV holds
its bytes and the decoded samples at once (2x, measured 35 MB for 10 minutes); the pipeline's
own buffers are bounded (0.6 s pre-roll, one VAD window, one wake block), so audio kept per
chunk (a float32 copy of every chunk is another 2x) breaks the bound."""
FIXED_MEMORY_MB = 16.0
"""Plus this much for the vehicle, the event log and allocator slack, MB."""


def _config() -> CabinConfig:
    """The default config on a fresh virtual CAN channel, without D-Bus."""
    config = CabinConfig()
    vehicle = config.vehicle.model_copy(update={
        "can": config.vehicle.can.model_copy(update={"channel": f"props-{uuid.uuid4()}"}),
        "dbus": config.vehicle.dbus.model_copy(update={"enabled": False})})
    return config.model_copy(update={"vehicle": vehicle})


@pytest.fixture(scope="module")
def stages() -> Iterator[Stages]:
    yield load_stages(_config())


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def _replay(path: Path, stages: Stages) -> tuple[ReplayResult, float]:
    """Replay `path`; returns the result and the peak RSS added meanwhile, MB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS (Linux >= 4.0)
        peak = "VmHWM"
    except OSError:  # not allowed here: the RSS after the replay is the best we have
        peak = "VmRSS"
    before = _status_kb("VmRSS")
    result = asyncio.run(replay(_config(), path, stages=stages))
    return result, (_status_kb(peak) - before) / 1024.0


def _check_clean(result: ReplayResult) -> None:
    assert isinstance(result.events[0], ev.Ready)
    assert not [e for e in result.events if isinstance(e, ev.ErrorEvent)]
    for e in result.events:
        assert math.isfinite(e.t_ms) and e.t_ms >= 0
        for value in vars(e).values():
            assert not (isinstance(value, float) and not math.isfinite(value)), e


def test_ten_minutes_of_silence_end_with_no_turn_in_bounded_memory(
        stages: Stages, tmp_path: Path) -> None:
    """Ten minutes: no turn, memory bounded by the input's size. (Five minutes was tried to
    save suite time: in the full suite the fixed part of the bound was then too tight, 36.1
    MB grown against 34.3.)"""
    warm_up = tmp_path / "warm_up.wav"  # the first inferences grow onnxruntime's arenas once
    write_wav(warm_up, np.zeros(RATE, dtype=np.int16), RATE)
    _replay(warm_up, stages)
    samples = np.zeros(10 * 60 * RATE, dtype=np.int16)
    path = tmp_path / "silence.wav"
    write_wav(path, samples, RATE)
    result, added_mb = _replay(path, stages)
    _check_clean(result)
    assert result.audio_seconds == 600.0
    assert [type(e) for e in result.events] == [ev.Ready], "silence started a turn"
    limit = INPUT_MEMORY_FACTOR * samples.nbytes / 2**20 + FIXED_MEMORY_MB
    assert added_mb <= limit, f"peak RSS grew {added_mb:.1f} MB (limit {limit:.1f} MB)"


@pytest.mark.parametrize("kind", ["clipping_square", "dc_offset", "full_scale_noise"])
def test_extreme_signals_run_cleanly(kind: str, stages: Stages, tmp_path: Path) -> None:
    n = 20 * RATE
    t = np.arange(n)
    samples = {
        "clipping_square": np.where((t // 20) % 2, 32767, -32768),  # 400 Hz, hard clipped
        "dc_offset": 24000 + (np.random.default_rng(1).normal(0, 300, n)).astype(int),
        "full_scale_noise": np.random.default_rng(2).integers(-32768, 32768, n),
    }[kind]
    path = tmp_path / f"{kind}.wav"
    write_wav(path, np.clip(samples, -32768, 32767).astype(np.int16), RATE)
    result, _ = _replay(path, stages)
    _check_clean(result)
    assert result.audio_seconds == 20.0
