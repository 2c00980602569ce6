"""Cabin's own settings (the assistant's voice), as a tool backend.

The assistant settings are not the car's: they live in-process, and the daemon reads them
(`AssistantSettings.voice_speed`, ``voice_volume_pct``) or subscribes with ``on_change``. The
state keys are ``voice.speed`` (a multiplier of the normal speaking rate) and
``voice.volume_pct`` (percent).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence

from vehicle_tools.backends.base import StatePredicate
from vehicle_tools.commands import Command, SettingChange
from vehicle_tools.errors import ToolError
from vehicle_tools.state import VehicleState

logger = logging.getLogger(__name__)

SETTINGS_DEFAULTS: dict[str, float | int | str] = {"voice.speed": 1.0, "voice.volume_pct": 80}
"""Initial values: normal speaking rate, 80 % volume."""


class AssistantSettings:
    """In-process settings backend.

    Args:
        on_change: called with (key, value) after each applied change (on the event loop).
        clock: monotonic time source, seconds.
    """

    def __init__(self, *, on_change: Callable[[str, float | int | str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._on_change = on_change
        self._clock = clock
        self._state = VehicleState().with_frame("settings", SETTINGS_DEFAULTS, clock())

    @property
    def state(self) -> VehicleState:
        """The current settings (an immutable snapshot)."""
        return self._state

    @property
    def voice_speed(self) -> float:
        """Speaking rate multiplier: 1.0 normal, 2.0 twice as fast."""
        return self._state.number("voice.speed") or 1.0

    @property
    def voice_volume_pct(self) -> float:
        """Assistant voice volume, percent."""
        value = self._state.number("voice.volume_pct")
        return 80.0 if value is None else value

    async def execute(self, commands: Sequence[Command], confirmed: StatePredicate,
                      reads: tuple[str, ...], max_age_s: float) -> VehicleState:
        """Apply every `SettingChange` and return the settings (all keys are fresh)."""
        changes = [c for c in commands if isinstance(c, SettingChange)]
        unknown = [c for c in changes if c.key not in SETTINGS_DEFAULTS]
        if len(changes) != len(commands) or unknown:
            raise ToolError("internal_error", "Sorry, something went wrong with that.",
                            f"settings backend got {commands}")
        if changes:
            self._state = self._state.with_frame(
                "settings", {c.key: c.value for c in changes}, self._clock())
            for change in changes:
                logger.info("assistant setting %s = %s", change.key, change.value)
                if self._on_change is not None:
                    self._on_change(change.key, change.value)
        return self._state
