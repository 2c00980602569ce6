"""Voice activity detection with Silero VAD v6 (ONNX through onnxruntime), chunk-size invariant.

Silero works on 512-sample (32 ms) windows at 16 kHz with 64 samples of context from the previous
window and a recurrent state. `process` accepts any chunk size and returns one `VadFrame` per
completed window.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon.errors import ModelError

WINDOW_SAMPLES = 512
"""Silero's window at 16 kHz: 32 ms."""
CONTEXT_SAMPLES = 64
RATE_HZ = 16000
WINDOW_S = WINDOW_SAMPLES / RATE_HZ


@dataclass(frozen=True)
class VadFrame:
    """Silero's verdict on one 32 ms window.

    Attributes:
        end_ms: input time of the window's end, ms.
        probability: speech probability, 0-1.
    """

    end_ms: float
    probability: float


class SileroVad:
    """Streaming Silero VAD.

    Args:
        model_path: silero_vad.onnx (v6: inputs ``input`` [1, 64+512], ``state`` [2,1,128], ``sr``).
    """

    def __init__(self, model_path: Path) -> None:
        import onnxruntime as ort

        if not model_path.is_file():
            raise ModelError(f"VAD model missing: {model_path}",
                             fix="run `cabin models fetch silero-vad`", code="model_missing")
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        try:
            self._session = ort.InferenceSession(str(model_path), sess_options=options,
                                                 providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises assorted types for a bad file
            raise ModelError(f"cannot load Silero VAD {model_path}: {exc}",
                             fix="run `cabin models verify` and re-fetch silero-vad",
                             code="model_corrupt") from exc
        self._sr = np.array(RATE_HZ, dtype=np.int64)
        self.reset()

    def reset(self) -> None:
        """Start a new stream: recurrent state, buffered audio and the input clock to zero."""
        self._samples_done = 0
        self._state = np.zeros((2, 1, 128), dtype=np.float32)
        self._context = np.zeros(CONTEXT_SAMPLES, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)

    def process(self, samples: npt.NDArray[np.int16]) -> list[VadFrame]:
        """Feed 16 kHz int16 audio; returns a frame per completed 32 ms window."""
        audio = samples.astype(np.float32) / 32768.0
        buf = np.concatenate([self._pending, audio]) if len(self._pending) else audio
        frames: list[VadFrame] = []
        n = len(buf) // WINDOW_SAMPLES
        for i in range(n):
            window = buf[i * WINDOW_SAMPLES:(i + 1) * WINDOW_SAMPLES]
            x = np.concatenate([self._context, window])[np.newaxis, :]
            out, self._state = self._session.run(
                None, {"input": x, "state": self._state, "sr": self._sr})
            self._context = window[-CONTEXT_SAMPLES:]
            self._samples_done += WINDOW_SAMPLES
            frames.append(VadFrame(self._samples_done * 1000.0 / RATE_HZ, float(out[0][0])))
        self._pending = buf[n * WINDOW_SAMPLES:].copy()
        return frames
