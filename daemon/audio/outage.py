"""What the live audio devices share: an outage reported once, and closing a failed stream."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)


class AudioDeviceError(CabinError):
    """No usable audio device, or the device failed."""

    code = "audio_device"


class Closable(Protocol):
    """A sounddevice stream, as far as closing goes."""

    def close(self) -> None: ...


class Outage:
    """Tracks a device that fails and is retried: each outage is logged and reported once.

    Args:
        what: the device, for messages ("audio input").
        fix: what to tell the user when the failure is not already a `CabinError`.
        on_error: called with the typed error at the start of each outage.
    """

    def __init__(self, what: str, fix: str,
                 on_error: Callable[[CabinError], None] | None = None) -> None:
        self._what = what
        self._fix = fix
        self._on_error = on_error
        self.down = False
        self.count = 0
        """Outages so far (repeated failures while down count once)."""

    def failed(self, exc: Exception) -> None:
        """A failure: the first of an outage is logged and reported; retries are silent."""
        if self.down:
            return
        error = exc if isinstance(exc, CabinError) else AudioDeviceError(
            f"{self._what} failed: {exc}", fix=self._fix)
        self.down = True
        self.count += 1
        _LOG.error("%s (retrying)", error.message)
        if self._on_error is not None:
            self._on_error(error)

    def working(self) -> None:
        """The device works (again)."""
        if self.down:
            self.down = False
            _LOG.info("%s back", self._what)


def close_quietly(stream: Closable | None) -> None:
    """Close a (possibly failed) stream; closing a failed device may fail in any way."""
    if stream is None:
        return
    try:
        stream.close()
    except Exception as exc:  # PortAudioError, OSError...: nothing more to do about it
        _LOG.debug("closing a failed stream: %s", exc)
