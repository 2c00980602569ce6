"""The audio front end: echo cancellation, noise suppression and gain control, between capture
and everything else (mic -> front end -> wake word / VAD / ASR).

`FrontEnd.process(mic, far_end)` takes 16 kHz mono int16 chunks of any size and returns exactly
as many samples: internally the audio is re-blocked into 10 ms frames (160 samples), and the
output is the processed stream delayed by one frame (`LATENCY_SAMPLES`), so its samples do not
depend on how the caller chunks the input (tests/unit/test_frontend.py).

The far end (what the speaker actually played, the echo reference) goes through a bounded FIFO:
pass it with each mic chunk (`process(mic, far_end)`) or push it from the speaker path
(`push_far_end`). When the FIFO runs dry (nothing playing) the reference is silence; when audio
resumes, `reference_delay_ms` of silence is put in front of it again, so the reference lags the
playback by that delay (set it to the output latency of the sound card minus that of capture).

Choice and figures: docs/frontend.md.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt

from daemon.audio.echo_path import EchoPath, EchoPathEstimator, priming_signals
from daemon.audio.speex import SpeexEcho, SpeexPreprocess

_LOG = logging.getLogger(__name__)

RATE_HZ = 16000
FRAME_SAMPLES = 160
"""The processing frame: 10 ms at 16 kHz (webrtc-noise-gain only takes 10 ms frames)."""
LATENCY_SAMPLES = FRAME_SAMPLES
"""Delay the re-blocking adds between input and output, samples (10 ms)."""
SPEEX_PREPROCESS_DELAY = 160
"""Delay of the speex preprocessor (its analysis window), samples (measured: 10 ms)."""
WEBRTC_NS_DELAY = 96
"""Delay of webrtc-noise-gain's noise suppressor, samples (measured: 6 ms)."""

ECHO_HOLD_MS = 200
"""Residual echo suppression stays on this long after the echo tail (`tail_ms`) ends, ms."""
FAR_ACTIVE_LEVEL = 64
"""A far-end frame with a sample above this magnitude (int16, about -54 dBFS) is playback."""

Int16Array = npt.NDArray[np.int16]
FrameFn = Callable[[Int16Array, Int16Array], Int16Array]


@dataclass(frozen=True)
class FrontEndSettings:
    """How the microphone signal is cleaned up.

    Attributes:
        aec: echo canceller: ``"speex"`` (libspeexdsp MDF) or ``"none"``.
        tail_ms: echo path length the canceller models, ms (cover the cabin's reverberation
            plus any uncompensated reference delay).
        echo_suppress_db: residual echo suppression after the linear canceller, dB (negative;
            0 turns it off). Far end alone; during double talk `echo_suppress_active_db` applies.
        echo_suppress_active_db: residual echo suppression while the driver talks too, dB.
        ns: noise suppression: ``"webrtc"`` (webrtc-noise-gain), ``"speex"`` or ``"none"``.
        ns_level: webrtc noise suppression level 0-4 (ns="webrtc").
        ns_speex_db: maximum speex noise attenuation, dB (ns="speex", negative).
        agc: automatic gain control on/off (webrtc AGC with ns="webrtc" or "none", speex AGC
            with ns="speex").
        agc_target_dbfs: webrtc AGC target, dB below full scale (0-31; 3 = -3 dBFS peaks).
        reference_delay_ms: how long after the far-end samples are handed over their echo
            reaches the microphone, ms; the reference is delayed by this much.
        max_reference_ms: far-end FIFO bound, ms; older reference audio is dropped (counted).
    """

    aec: Literal["speex", "none"] = "speex"
    tail_ms: int = 256
    echo_suppress_db: int = -40
    echo_suppress_active_db: int = -15
    ns: Literal["webrtc", "speex", "none"] = "webrtc"
    ns_level: int = 2
    ns_speex_db: int = -15
    agc: bool = False
    agc_target_dbfs: int = 3
    reference_delay_ms: float = 0.0
    max_reference_ms: float = 2000.0

    def __post_init__(self) -> None:
        if self.aec not in ("speex", "none") or self.ns not in ("webrtc", "speex", "none"):
            raise ValueError(f"unknown aec/ns: {self.aec!r}/{self.ns!r}")
        if not 10 <= self.tail_ms <= 2000:
            raise ValueError(f"tail_ms must be 10-2000 ms, got {self.tail_ms}")
        if not 0 <= self.ns_level <= 4 or not 0 <= self.agc_target_dbfs <= 31:
            raise ValueError("ns_level must be 0-4 and agc_target_dbfs 0-31")
        if self.reference_delay_ms < 0 or self.max_reference_ms <= self.reference_delay_ms:
            raise ValueError("need 0 <= reference_delay_ms < max_reference_ms")

    @property
    def passthrough(self) -> bool:
        """True when no processing is configured (output = input delayed by one frame)."""
        return self.aec == "none" and self.ns == "none" and not self.agc

    def describe(self) -> str:
        """One-line summary for logs and reports."""
        aec = f"speex {self.tail_ms} ms" if self.aec == "speex" else "none"
        res = f" res {self.echo_suppress_db} dB" if self.aec == "speex" \
            and self.echo_suppress_db < 0 else ""
        return f"aec={aec}{res} ns={self.ns} agc={'on' if self.agc else 'off'}"


class _FarEndFifo:
    """Far-end samples waiting for their mic frame; silence when empty."""

    def __init__(self, delay: int, limit: int) -> None:
        self._delay = delay
        self._limit = limit
        self._buf = np.zeros(0, dtype=np.int16)
        self._dry = True
        self.dropped = 0

    def push(self, samples: Int16Array) -> None:
        if len(samples) == 0:
            return
        if self._dry and len(self._buf) == 0:  # playback (re)starts: re-establish the delay
            self._buf = np.zeros(self._delay, dtype=np.int16)
        self._dry = False
        self._buf = np.concatenate([self._buf, np.asarray(samples, dtype=np.int16)])
        excess = len(self._buf) - self._limit
        if excess > 0:
            self._buf = self._buf[excess:]
            self.dropped += excess

    def take(self, n: int) -> Int16Array:
        got = self._buf[:n]
        self._buf = self._buf[n:]
        if len(got) < n:
            self._dry = True
            got = np.concatenate([got, np.zeros(n - len(got), dtype=np.int16)])
        return got


class FrontEnd:
    """AEC -> residual echo suppression -> NS/AGC on 16 kHz mono int16 audio.

    Args:
        settings: what to run.
    """

    def __init__(self, settings: FrontEndSettings) -> None:
        self.settings = settings
        self.frames = 0
        self._primed_with: EchoPath | None = None
        self.reset()
        _LOG.info("front end: %s", settings.describe())

    def reset(self) -> None:
        """Drop buffered audio and adapted state (a new session; the echo path re-adapts)."""
        s = self.settings
        self._mic = np.zeros(0, dtype=np.int16)
        self._out = np.zeros(LATENCY_SAMPLES, dtype=np.int16)
        self._far = _FarEndFifo(round(s.reference_delay_ms * RATE_HZ / 1000.0),
                                round(s.max_reference_ms * RATE_HZ / 1000.0))
        self._far_hold = 0
        self._hold_frames = (s.tail_ms + ECHO_HOLD_MS) // 10
        self._echo: SpeexEcho | None = None
        self._stages = self._build(s)
        self._estimator = EchoPathEstimator(self.tail_samples, RATE_HZ) \
            if self._echo is not None else None
        if self._primed_with is not None:
            self.prime(self._primed_with)

    @property
    def tail_samples(self) -> int:
        """Length of the echo path the canceller models, samples."""
        return RATE_HZ * self.settings.tail_ms // 1000

    def echo_path(self) -> EchoPath | None:
        """The echo path learned from playback since the last reset (None: too little yet, or
        no echo canceller)."""
        return self._estimator.estimate() if self._estimator is not None else None

    def prime(self, path: EchoPath) -> None:
        """Converge the echo canceller on `path` (a stored estimate of this cabin's echo path)
        by running `daemon.audio.echo_path.PRIME_S` of synthetic playback through it; a reset
        primes again. Only the linear canceller sees the synthetic audio: about 15 ms of CPU.

        Raises:
            ValueError: `path` has another sample rate, or more taps than the canceller's tail.
        """
        if path.rate_hz != RATE_HZ or len(path.taps) > self.tail_samples:
            raise ValueError(f"echo path of {len(path.taps)} taps at {path.rate_hz} Hz does not "
                             f"fit a {self.tail_samples}-sample canceller at {RATE_HZ} Hz")
        self._primed_with = path
        if self._echo is None:
            return
        far, mic = priming_signals(path)
        for i in range(0, len(far) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
            self._echo.process(mic[i:i + FRAME_SAMPLES], far[i:i + FRAME_SAMPLES])

    @property
    def dropped_reference_samples(self) -> int:
        """Far-end samples dropped because the FIFO overflowed (the mic path fell behind)."""
        return self._far.dropped

    @property
    def delay_samples(self) -> int:
        """Total delay from input to output, samples: re-blocking plus the processors'."""
        return LATENCY_SAMPLES + self._processing_delay

    @property
    def latency_ms(self) -> float:
        """Total delay from input to output, ms (detections and VAD times lag by this)."""
        return self.delay_samples * 1000.0 / RATE_HZ

    def _build(self, s: FrontEndSettings) -> list[FrameFn]:
        stages: list[FrameFn] = []
        self._processing_delay = 0
        echo: SpeexEcho | None = None
        if s.aec == "speex":
            echo = SpeexEcho(FRAME_SAMPLES, s.tail_ms, RATE_HZ)
            self._echo = echo
            stages.append(echo.process)
        speex_ns = s.ns == "speex"
        residual = echo is not None and s.echo_suppress_db < 0
        if speex_ns or residual:
            pre = SpeexPreprocess(
                FRAME_SAMPLES, RATE_HZ, noise_suppress_db=s.ns_speex_db if speex_ns else -1,
                echo=echo if residual else None, echo_suppress_db=s.echo_suppress_db,
                echo_suppress_active_db=s.echo_suppress_active_db,
                agc_level=8000.0 if speex_ns and s.agc else None)
            stages.append((lambda mic, _far: pre.process(mic)) if speex_ns else self._gated(pre))
            self._processing_delay += SPEEX_PREPROCESS_DELAY
        if s.ns == "webrtc" or (s.agc and not speex_ns):
            from webrtc_noise_gain import AudioProcessor

            processor = AudioProcessor(s.agc_target_dbfs if s.agc else 0,
                                       s.ns_level if s.ns == "webrtc" else 0)

            def webrtc(mic: Int16Array, _far: Int16Array) -> Int16Array:
                result = processor.Process10ms(mic.tobytes())
                return np.frombuffer(result.audio, dtype=np.int16).copy()

            stages.append(webrtc)
            self._processing_delay += WEBRTC_NS_DELAY if s.ns == "webrtc" else 0
        return stages

    def _gated(self, pre: SpeexPreprocess) -> FrameFn:
        """Residual echo suppression only while the far end plays (and `ECHO_HOLD_MS` after):
        the preprocessor costs the wake word score otherwise (docs/frontend.md). Its state keeps
        running; the bypass is delayed by the same frame, so the latency never changes."""
        bypass = np.zeros(FRAME_SAMPLES, dtype=np.int16)

        def stage(mic: Int16Array, _far: Int16Array) -> Int16Array:
            nonlocal bypass
            out = pre.process(mic)
            delayed, bypass = bypass, mic.copy()
            return out if self._far_hold > 0 else delayed

        return stage

    def push_far_end(self, samples: Int16Array) -> None:
        """Hand over what the speaker played (16 kHz mono int16), in playback order."""
        self._far.push(samples)

    def process(self, mic: Int16Array, far_end: Int16Array | None = None) -> Int16Array:
        """Clean `mic` (16 kHz int16, any length); returns the same number of samples.

        Args:
            mic: microphone samples.
            far_end: what the speaker played during this chunk (any length; None or empty
                when nothing played).
        """
        if far_end is not None:
            self.push_far_end(far_end)
        buf = np.concatenate([self._mic, mic]) if len(self._mic) else np.asarray(mic)
        n = len(buf) // FRAME_SAMPLES
        done = [self._frame(buf[i * FRAME_SAMPLES:(i + 1) * FRAME_SAMPLES]) for i in range(n)]
        self._mic = buf[n * FRAME_SAMPLES:].astype(np.int16, copy=True)
        if done:
            self._out = np.concatenate([self._out, *done])
        out, self._out = self._out[:len(mic)], self._out[len(mic):]
        return out.astype(np.int16, copy=False)

    def _frame(self, mic: Int16Array) -> Int16Array:
        far = self._far.take(FRAME_SAMPLES)
        if np.any(np.abs(far) > FAR_ACTIVE_LEVEL):
            self._far_hold = self._hold_frames
        else:
            self._far_hold = max(0, self._far_hold - 1)
        out = np.asarray(mic, dtype=np.int16)
        if self._estimator is not None and self._far_hold > 0:
            self._estimator.add(far, out)
        for stage in self._stages:
            out = stage(out, far)
        self.frames += 1
        return out

    def process_all(self, mic: Int16Array, far_end: Int16Array | None = None) -> Int16Array:
        """Whole-signal convenience for evaluation: `far_end` time-aligned with `mic`.

        Returns the output aligned with the input (`delay_samples` removed, the tail flushed
        with zeros).
        """
        n = len(mic)
        lag = self.delay_samples
        far = np.zeros(n, dtype=np.int16) if far_end is None else far_end[:n]
        mic_p = np.concatenate([mic, np.zeros(lag, dtype=np.int16)])
        far_p = np.concatenate([far, np.zeros(len(mic_p) - len(far), dtype=np.int16)])
        step = 100 * FRAME_SAMPLES
        out = [self.process(mic_p[i:i + step], far_p[i:i + step])
               for i in range(0, len(mic_p), step)]
        return np.concatenate(out)[lag:lag + n]
