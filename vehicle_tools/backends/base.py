"""What the dispatcher needs from a way of reaching the car (CAN, D-Bus, Cabin's settings)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

from vehicle_tools.commands import Command
from vehicle_tools.state import VehicleState

StatePredicate = Callable[[VehicleState], bool]


class ToolBackend(Protocol):
    """Runs a tool's commands and reports what the other side says afterwards.

    Every method raises `vehicle_tools.errors.ToolError` (never anything else) on failure.
    """

    @property
    def state(self) -> VehicleState:
        """Everything reported so far (an immutable snapshot)."""
        ...

    async def execute(self, commands: Sequence[Command], confirmed: StatePredicate,
                      reads: tuple[str, ...], max_age_s: float) -> VehicleState:
        """Send ``commands`` (all are checked before any is sent) and wait for confirmation.

        With commands: returns the state reported after sending, once ``confirmed`` holds on
        it; raises ToolError ``no_confirmation`` when it does not within the backend's timeout.
        Without (a query): returns the readings of ``reads`` at most ``max_age_s`` seconds old,
        waiting (bounded) for ``confirmed`` to hold; what is still missing is absent.
        Raises ToolError ``invalid_arguments``, ``bus_unavailable``, ``service_unavailable``,
        ``timeout``, ``not_found`` or ``no_confirmation``.
        """
        ...


class VehicleBackend(ToolBackend, Protocol):
    """The CAN side: also answers state queries the safety policy needs (gear, speed...)."""

    async def query(self, ready: StatePredicate, max_age_s: float) -> VehicleState:
        """Return the readings at most ``max_age_s`` seconds old, as soon as ``ready`` holds.

        Waits (bounded) for the next status frames when needed, then returns what there is:
        readings still missing are absent, and the caller says so. Raises ToolError
        ``bus_unavailable``.
        """
        ...


@runtime_checkable
class PlaceSearch(Protocol):
    """A backend whose services search for what a heard name means (the navigation's map)."""

    async def search(self, key: str, query: str) -> tuple[tuple[str, bool], ...] | None:
        """The places the ``service.Method`` ``key`` finds for ``query``, best first, each
        with whether the service is sure of it; None when the service has no such search.
        Raises `vehicle_tools.errors.ToolError` like ``execute``."""
        ...


@runtime_checkable
class NameSource(Protocol):
    """A backend whose services report lists of names (the phone book)."""

    async def names(self, key: str) -> tuple[str, ...] | None:
        """The names the service reports under ``key`` (``phone.Contacts``), read now; None
        when it reports no such list. Raises `vehicle_tools.errors.ToolError` like
        ``execute``."""
        ...
