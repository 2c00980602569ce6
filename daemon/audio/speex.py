"""ctypes binding of libspeexdsp's echo canceller and preprocessor (16 kHz mono int16 frames).

libspeexdsp (Debian: ``libspeexdsp1``) is the library under both PyPI bindings Cabin measured
(``speexdsp`` and ``speexdsp-aec``, identical figures: docs/frontend.md). Neither exposes the
preprocessor bound to the echo canceller's state, whose residual echo suppression adds 10-17 dB
of echo reduction on top of the linear filter, so Cabin binds the few C calls it needs itself.

Everything works on frames of a fixed size (`frame_samples`, e.g. 160 = 10 ms); callers
re-block (daemon/audio/frontend.py).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

import numpy as np
import numpy.typing as npt

from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)

_INT16_P = ctypes.POINTER(ctypes.c_int16)

# speex_echo.h / speex_preprocess.h request codes.
_ECHO_SET_SAMPLING_RATE = 24
_PP_SET_DENOISE = 0
_PP_SET_AGC = 2
_PP_SET_AGC_LEVEL = 6
_PP_SET_NOISE_SUPPRESS = 18
_PP_SET_ECHO_SUPPRESS = 20
_PP_SET_ECHO_SUPPRESS_ACTIVE = 22
_PP_SET_ECHO_STATE = 24

_LIBRARY_NAMES = ("libspeexdsp.so.1", "libspeexdsp.so", "libspeexdsp.dylib")


class SpeexUnavailableError(CabinError):
    """libspeexdsp is not installed."""

    def __init__(self) -> None:
        super().__init__("libspeexdsp not found (needed by frontend.aec=speex / ns=speex)",
                         fix="apt-get install libspeexdsp1 (tools/setup.sh does), or set "
                             "frontend aec/ns to none", code="frontend_unavailable")


def _load() -> ctypes.CDLL:
    names = [n for n in (ctypes.util.find_library("speexdsp"),) if n] + list(_LIBRARY_NAMES)
    for name in names:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        if hasattr(lib, "speex_echo_state_init"):
            _declare(lib)
            return lib
    raise SpeexUnavailableError


def _declare(lib: ctypes.CDLL) -> None:
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_echo_state_reset.argtypes = [ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p, _INT16_P, _INT16_P, _INT16_P]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, _INT16_P]


def available() -> bool:
    """True when libspeexdsp can be loaded."""
    try:
        _load()
    except SpeexUnavailableError:
        return False
    return True


class SpeexEcho:
    """Speex MDF echo canceller.

    Args:
        frame_samples: samples per frame (160 = 10 ms at 16 kHz).
        tail_ms: length of the echo path the adaptive filter models, ms.
        rate_hz: sample rate, Hz.
    """

    def __init__(self, frame_samples: int, tail_ms: int, rate_hz: int = 16000) -> None:
        self._lib = _load()
        self.frame_samples = frame_samples
        filter_len = max(frame_samples, rate_hz * tail_ms // 1000)
        self.state = ctypes.c_void_p(self._lib.speex_echo_state_init(frame_samples, filter_len))
        rate = ctypes.c_int(rate_hz)
        self._lib.speex_echo_ctl(self.state, _ECHO_SET_SAMPLING_RATE, ctypes.byref(rate))
        self._out = np.zeros(frame_samples, dtype=np.int16)

    def process(self, mic: npt.NDArray[np.int16], far: npt.NDArray[np.int16]
                ) -> npt.NDArray[np.int16]:
        """Cancel the echo of `far` (what the speaker played) from `mic`; one frame each."""
        mic_c = np.ascontiguousarray(mic, dtype=np.int16)
        far_c = np.ascontiguousarray(far, dtype=np.int16)
        self._lib.speex_echo_cancellation(self.state, mic_c.ctypes.data_as(_INT16_P),
                                          far_c.ctypes.data_as(_INT16_P),
                                          self._out.ctypes.data_as(_INT16_P))
        return self._out.copy()

    def reset(self) -> None:
        """Forget the adapted echo path."""
        self._lib.speex_echo_state_reset(self.state)

    def __del__(self) -> None:
        state = getattr(self, "state", None)
        if state is not None and state.value:
            self._lib.speex_echo_state_destroy(state)
            self.state = ctypes.c_void_p(None)


class SpeexPreprocess:
    """Speex preprocessor: noise suppression, AGC and residual echo suppression.

    Args:
        frame_samples: samples per frame.
        rate_hz: sample rate, Hz.
        noise_suppress_db: maximum noise attenuation, dB (negative, e.g. -15).
        echo: the canceller whose residual echo it suppresses, or None.
        echo_suppress_db: maximum residual echo attenuation, dB (negative), far end alone.
        echo_suppress_active_db: the same while the driver talks too (double talk), dB.
        agc_level: AGC target level in int16 RMS units (e.g. 8000), or None for no AGC.
    """

    def __init__(self, frame_samples: int, rate_hz: int, *, noise_suppress_db: int,
                 echo: SpeexEcho | None = None, echo_suppress_db: int = -40,
                 echo_suppress_active_db: int = -15, agc_level: float | None = None) -> None:
        self._lib = _load()
        self.frame_samples = frame_samples
        self._state = ctypes.c_void_p(self._lib.speex_preprocess_state_init(frame_samples,
                                                                            rate_hz))
        self._set_int(_PP_SET_DENOISE, 1)
        self._set_int(_PP_SET_NOISE_SUPPRESS, noise_suppress_db)
        if echo is not None:
            self._lib.speex_preprocess_ctl(self._state, _PP_SET_ECHO_STATE, echo.state)
            self._set_int(_PP_SET_ECHO_SUPPRESS, echo_suppress_db)
            self._set_int(_PP_SET_ECHO_SUPPRESS_ACTIVE, echo_suppress_active_db)
        if agc_level is not None:
            self._set_int(_PP_SET_AGC, 1)
            level = ctypes.c_float(agc_level)
            self._lib.speex_preprocess_ctl(self._state, _PP_SET_AGC_LEVEL, ctypes.byref(level))

    def _set_int(self, request: int, value: int) -> None:
        v = ctypes.c_int(value)
        self._lib.speex_preprocess_ctl(self._state, request, ctypes.byref(v))

    def process(self, frame: npt.NDArray[np.int16]) -> npt.NDArray[np.int16]:
        """Process one frame; returns the processed copy."""
        out = np.array(frame, dtype=np.int16, copy=True)
        self._lib.speex_preprocess_run(self._state, out.ctypes.data_as(_INT16_P))
        return out

    def __del__(self) -> None:
        state = getattr(self, "_state", None)
        if state is not None and state.value:
            self._lib.speex_preprocess_state_destroy(state)
            self._state = ctypes.c_void_p(None)
