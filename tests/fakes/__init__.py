"""Fakes of the pipeline's stages, scripted in input-audio time, for fast pipeline tests.

A `Pipeline` (daemon/pipeline.py) built with `fake_stages` runs without any model: the wake
word fires, the VAD hears speech and the recogniser returns text where and as the test's script
says, and replies are synthesized as silence whose length follows the text. Feed it silence
(`SilenceSource`): a 10-second scripted conversation runs in milliseconds, deterministically.
"""

from tests.fakes.stages import (
    FakeDispatcher,
    FakeRecognizer,
    FakeStream,
    PassThroughFrontEnd,
    ScriptedVad,
    ScriptedWakeWord,
    SilenceSource,
    SilentTts,
    fake_stages,
)

__all__ = [
    "FakeDispatcher",
    "FakeRecognizer",
    "FakeStream",
    "PassThroughFrontEnd",
    "ScriptedVad",
    "ScriptedWakeWord",
    "SilenceSource",
    "SilentTts",
    "fake_stages",
]
