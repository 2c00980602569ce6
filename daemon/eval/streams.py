"""Long negative streams for false accepts per hour, built deterministically and cached.

A stream is a few minutes of a car cabin without the wake word: real speech recordings (every
negative list item, the near-end talker) at random times, and the assistant's own Piper replies
played through a real room impulse response (the echo path), with the far-end reference that the
front end's echo canceller gets. Car noise is added at evaluation time at the wanted SNR
(`mix_stream`). Components are cached as .npz under build/eval/negatives/ keyed by a hash of
their inputs.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.signal import fftconvolve

from daemon.audio import mix
from daemon.eval.common import RATE_HZ, EvalItem, Int16Array, load_audio

_LOG = logging.getLogger(__name__)

BUILD_VERSION = "1"
SPEECH_DBFS = -26.0
"""Active level of the near-end talker, dBFS (the SNR is relative to it)."""
ECHO_DBFS = -26.0
"""Active level of the assistant's echo at the microphone, dBFS (0 dB signal-to-echo)."""

REPLIES: tuple[str, ...] = (
    "The temperature is now set to twenty one degrees.",
    "I have opened the driver window halfway.",
    "Your range is three hundred and twenty kilometres.",
    "The fuel tank is about half full.",
    "Navigation to the central station has started. The route takes twenty five minutes.",
    "The fan is at level three and the air conditioning is on.",
    "Playing the next song.",
    "Sorry, I didn't catch that.",
    "Sorry, I can't do that yet.",
    "It is sunny in Berlin today, with a high of twenty four degrees.",
    "Your next appointment is at three o'clock with the dentist.",
    "The rear windows are closed.",
    "You are driving at eighty kilometres per hour.",
    "Turn left in two hundred metres, then keep right at the fork.",
    "Traffic is heavy on the motorway; I found a route that saves ten minutes.",
    "The passenger side is now set to nineteen degrees.",
)
"""What the assistant says (the echo it must not wake up to)."""


@dataclass(frozen=True)
class NegativeStream:
    """One negative stream's components (16 kHz, full-scale floats).

    Attributes:
        name: stream id.
        near: the near-end talker track (real recordings).
        echo: the assistant's voice as the microphone hears it.
        far: what the speaker played (the echo canceller's reference).
    """

    name: str
    near: mix.FloatArray
    echo: mix.FloatArray
    far: mix.FloatArray

    @property
    def seconds(self) -> float:
        """Length, s."""
        return len(self.near) / RATE_HZ


def mix_stream(stream: NegativeStream, noise: Int16Array, snr_db: float,
               rng: np.random.Generator) -> tuple[Int16Array, Int16Array]:
    """Microphone (near + echo + car noise at `snr_db` dB below the talker) and reference."""
    seg = mix.noise_segment(mix.to_float(noise), len(stream.near), rng)
    noise_gain = SPEECH_DBFS - snr_db - mix.rms_dbfs(seg)
    mic = stream.near + stream.echo + mix.gain(seg, noise_gain)
    peak = float(np.max(np.abs(mic))) or 1.0
    if peak > mix.CLIP_LIMIT:
        mic = mic * (mix.CLIP_LIMIT / peak)
    return mix.to_int16(mic), mix.to_int16(stream.far)


def _rir(path: Path) -> mix.FloatArray:
    r = mix.to_float(load_audio(path))
    return r / float(np.max(np.abs(r)))


def _place(track: mix.FloatArray, clip: mix.FloatArray, at: int) -> None:
    end = min(len(track), at + len(clip))
    track[at:end] += clip[:end - at]


def build_stream(name: str, seconds: float, *, speech: Sequence[mix.FloatArray],
                 replies: Sequence[mix.FloatArray], rir: mix.FloatArray,
                 rng: np.random.Generator) -> NegativeStream:
    """Lay speech and replies on a timeline: about half of the events are replies, separated by
    -1 to 4 s (a negative gap overlaps them: double talk). The echo path (`rir` and one gain)
    is fixed for the stream, as in a car."""
    n = round(seconds * RATE_HZ)
    near, echo, far = np.zeros(n), np.zeros(n), np.zeros(n)
    probe = fftconvolve(replies[0], rir)
    echo_gain_db = ECHO_DBFS - mix.active_level_dbfs(probe, RATE_HZ)
    t = int(rng.integers(0, 2 * RATE_HZ))
    while t < n:
        if rng.random() < 0.5:
            clip = mix.normalize_to_dbfs(speech[int(rng.integers(0, len(speech)))], RATE_HZ,
                                         SPEECH_DBFS)
            _place(near, clip, t)
        else:
            clip = replies[int(rng.integers(0, len(replies)))]
            _place(far, clip, t)
            _place(echo, mix.gain(fftconvolve(clip, rir), echo_gain_db), t)
        t = max(t + RATE_HZ // 2, t + len(clip) + int(rng.uniform(-1.0, 4.0) * RATE_HZ))
    return NegativeStream(name, near, echo, far)


def _key(items: Sequence[EvalItem], rirs: Sequence[Path], minutes: float, seed: int) -> str:
    blob = json.dumps([BUILD_VERSION, [str(i.path) for i in items], [str(r) for r in rirs],
                       minutes, seed, REPLIES])
    return hashlib.sha256(blob.encode()).hexdigest()[:12]


def _replies(voice_dir: Path) -> list[mix.FloatArray]:
    from daemon.audio.resample import resample
    from daemon.speaking.tts import PiperTts

    tts = PiperTts(voice_dir)
    return [mix.to_float(resample(tts.synthesize_all(text), tts.rate_hz, RATE_HZ))
            for text in REPLIES]


def negative_streams(items: Sequence[EvalItem], *, rirs: Sequence[Path], voice_dir: Path,
                     cache: Path, minutes: float = 30.0, stream_minutes: float = 5.0,
                     seed: int = 0) -> list[NegativeStream]:
    """`minutes` of negative streams (built once, then loaded from `cache`)."""
    path = cache / f"negatives-{_key(items, rirs, minutes, seed)}.npz"
    count = max(1, round(minutes / stream_minutes))
    if path.is_file():
        data = np.load(path)
        return [NegativeStream(f"neg{i:02d}", data[f"near{i}"], data[f"echo{i}"],
                               data[f"far{i}"]) for i in range(count)]
    _LOG.info("building %.0f min of negative streams into %s", minutes, path)
    speech = [mix.to_float(load_audio(i.path)) for i in items]
    rir_signals = [_rir(p) for p in rirs]
    replies = _replies(voice_dir)
    rng = np.random.default_rng(seed)
    streams = [build_stream(f"neg{i:02d}", minutes * 60.0 / count, speech=speech,
                            replies=replies, rir=rir_signals[i % len(rir_signals)], rng=rng)
               for i in range(count)]
    cache.mkdir(parents=True, exist_ok=True)
    arrays = {}
    for i, s in enumerate(streams):
        arrays.update({f"near{i}": s.near.astype(np.float32), f"echo{i}": s.echo.astype(
            np.float32), f"far{i}": s.far.astype(np.float32)})
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]  # numpy stub kwargs
    return streams
