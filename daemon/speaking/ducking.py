"""Media ducking: the car's media player is turned down while Cabin listens or speaks.

The player's volume is read when the assistant becomes active, lowered to `ratio` of it, and put
back when the assistant is idle again -- unless the driver changed it meanwhile (then their
choice stands). Failures (no D-Bus, no player) are logged once and never affect the turn.
"""

from __future__ import annotations

import logging
from typing import Protocol

_LOG = logging.getLogger(__name__)


class VolumeControl(Protocol):
    """The media player's volume, 0.0-1.0 (vehicle_tools.backends.dbus.DbusBackend)."""

    async def media_volume(self) -> float:
        """The current volume."""

    async def set_media_volume(self, volume: float) -> None:
        """Set the volume."""


class MediaDucker:
    """Ducks while active.

    Args:
        control: the player's volume (None: nothing to duck).
        ratio: the ducked volume as a fraction of the driver's volume (0-1).
    """

    def __init__(self, control: VolumeControl | None, ratio: float = 0.3) -> None:
        self._control = control
        self._ratio = ratio
        self._saved: float | None = None
        self._ducked = 0.0
        self._warned = False

    @property
    def ducked(self) -> bool:
        """True while the player is turned down by Cabin."""
        return self._saved is not None

    async def update(self, active: bool) -> None:
        """Duck when the assistant becomes `active`, restore when it is idle again."""
        if self._control is None or active == self.ducked:
            return
        try:
            if active:
                volume = await self._control.media_volume()
                self._ducked = round(volume * self._ratio, 3)
                await self._control.set_media_volume(self._ducked)
                self._saved = volume
            else:
                saved, self._saved = self._saved, None
                current = await self._control.media_volume()
                if saved is not None and abs(current - self._ducked) < 0.01:
                    await self._control.set_media_volume(saved)
        except Exception as exc:  # D-Bus errors of every kind: ducking is best effort
            if not self._warned:
                _LOG.warning("media ducking unavailable: %s", exc)
                self._warned = True
