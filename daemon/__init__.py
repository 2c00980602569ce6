"""Cabin: the on-device voice assistant daemon."""

import os

__version__ = "0.1.0"

# onnxruntime (Silero VAD, openWakeWord and Piper all run on it) writes a telemetry database
# under ~/.cache/Microsoft/DeveloperTools/.onnxruntime as soon as it is imported, unless this is
# set first: onnxruntime.disable_telemetry_events() comes too late. Set on importing the package,
# so every Cabin process (the CLI, the tools, the tests) has it before anything imports
# onnxruntime. An explicit ORT_DISABLE_TELEMETRY in the environment is kept (docs/privacy.md).
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
