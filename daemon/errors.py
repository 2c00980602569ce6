"""Typed errors: every failure a user can meet carries a stable code, the cause and the fix.

The code is what the event log records (`error` events) and what tests assert on; the message
names the cause; `fix` tells the user what to do about it.
"""

from __future__ import annotations


class CabinError(Exception):
    """Base class of every error Cabin reports to a user.

    Attributes:
        code: stable, machine-readable identifier (``"model_missing"``, ``"config_invalid"``...).
        message: what went wrong, naming the file, key or value concerned.
        fix: what the user should do about it.
    """

    code: str = "cabin_error"

    def __init__(self, message: str, *, fix: str = "", code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return f"{self.message}\n  fix: {self.fix}" if self.fix else self.message


class ConfigError(CabinError):
    """The configuration file is missing, unreadable or invalid."""

    code = "config_invalid"


class ModelError(CabinError):
    """A model file is missing, corrupt, or cannot be fetched or loaded."""

    code = "model_error"


class AudioInputError(CabinError):
    """An audio file or device cannot be used (format, rate, content, missing device)."""

    code = "audio_input"


class AsrError(CabinError):
    """The speech recogniser failed."""

    code = "asr_error"


class TtsError(CabinError):
    """Speech synthesis failed."""

    code = "tts_error"
