"""What the dispatcher needs from a way of reaching the car."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from vehicle_tools.registry import CommandFrame
from vehicle_tools.state import VehicleState

StatePredicate = Callable[[VehicleState], bool]


class VehicleBackend(Protocol):
    """Sends command frames and keeps the state the car reports.

    Every method raises `vehicle_tools.errors.ToolError` (never anything else) on failure.
    """

    @property
    def state(self) -> VehicleState:
        """Everything the car has reported so far."""
        ...

    async def send_command(self, frames: Sequence[CommandFrame],
                           confirmed: StatePredicate) -> VehicleState:
        """Encode every frame (all or none are sent), send them, and wait for the car.

        ``confirmed`` is applied to the readings received after sending; the call returns them
        once it holds. Raises ToolError ``invalid_arguments`` (a value the DBC refuses),
        ``bus_unavailable`` or ``no_confirmation``.
        """
        ...

    async def query(self, ready: StatePredicate, max_age_s: float) -> VehicleState:
        """Return the readings at most ``max_age_s`` seconds old, as soon as ``ready`` holds.

        Waits (bounded) for the next status frames when needed, then returns what there is:
        readings still missing are absent, and the caller says so. Raises ToolError
        ``bus_unavailable``.
        """
        ...
