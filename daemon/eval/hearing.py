"""How `cabin eval corpus-audio` hears an utterance, as the daemon's recogniser does at the end
of one: the settled decode (the best text, or a beam hypothesis the fast path understands) and
whether the beam doubts its free text. Blocking native code."""

from __future__ import annotations

from typing import Any


def transcribe_scored(models: Any, audio: Any) -> tuple[str, float | None]:
    """`EvalModels.transcribe` (biased) with the decode's confidence, as the daemon's
    recogniser decodes an utterance at its end: the best text, or the first beam hypothesis the
    fast path understands when it does not understand the best
    (`daemon.hearing.whisper_decoding.whisper_decode_understood`, ``asr.alternatives``).
    With ``asr.backend: moonshine``, Moonshine's greedy decode (no biasing, no beam)."""
    import numpy as np

    from daemon.hearing.biasing import whisper_hotwords, whisper_prompt
    from daemon.hearing.whisper_decoding import whisper_decode_understood
    from daemon.understanding.intents import understood

    if models.moonshine is not None:
        scored: tuple[str, float | None] = models.moonshine.decode_scored(
            audio.astype(np.float32) / 32768.0)
        return scored
    return whisper_decode_understood(models._whisper_model(), audio.astype(np.float32) / 32768.0,
                                     models.config.asr, whisper_prompt(models.vocabulary),
                                     whisper_hotwords(models.vocabulary), understands=understood)


def value_doubted_of(models: Any, audio: Any, heard: tuple[str, float | None]) -> bool:
    """Whether the daemon's recogniser would doubt the free text of ``heard``, its settled
    decode of ``audio`` (int16), as `daemon.hearing.asr.WhisperStream` does
    (`daemon.hearing.whisper_decoding.value_doubted`); never with Moonshine (no beam)."""
    import numpy as np

    from daemon.hearing.biasing import whisper_hotwords, whisper_prompt
    from daemon.hearing.whisper_decoding import value_doubted
    from daemon.understanding.intents import free_values

    if models.moonshine is not None:
        return False
    return value_doubted(models._whisper_model(), audio.astype(np.float32) / 32768.0,
                         models.config.asr, whisper_prompt(models.vocabulary),
                         whisper_hotwords(models.vocabulary), values=free_values, heard=heard)
