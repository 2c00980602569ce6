"""Opening the car: the bus, the backend, the dispatcher and (optionally) the simulated ECU.

    async with open_vehicle(VehicleConfig()) as vehicle:
        result = await vehicle.dispatcher.call("set_temperature", {"celsius": 21})
        print(result.reply, vehicle.state.get("FuelRange"))
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass

from vehicle_tools.backends.can_bus import BusFactory, CanBackend, open_bus
from vehicle_tools.config import VehicleConfig
from vehicle_tools.dbc import Database, load_dbc
from vehicle_tools.dispatcher import Dispatcher
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry
from vehicle_tools.sim.ecu import SimulatedEcu
from vehicle_tools.state import VehicleState
from vehicle_tools.tools import default_registry

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vehicle:
    """An open connection to the car.

    Attributes:
        registry: the tools the assistant may use (`Registry.json_schemas` for the LLM).
        dispatcher: runs tool calls (`Dispatcher.call`).
        backend: the CAN backend (``available`` tells whether the bus is up).
        db: the DBC in use.
        ecu: the simulated ECU, when `VehicleConfig.simulate` is set.
    """

    registry: Registry
    dispatcher: Dispatcher
    backend: CanBackend
    db: Database
    ecu: SimulatedEcu | None = None

    @property
    def state(self) -> VehicleState:
        """What the car has reported so far (immutable snapshot)."""
        return self.backend.state


@asynccontextmanager
async def open_vehicle(config: VehicleConfig, *, registry: Registry | None = None,
                       bus_factory: BusFactory = open_bus) -> AsyncIterator[Vehicle]:
    """Open the bus (and start the simulated ECU when ``config.simulate``); yield the `Vehicle`.

    The head unit's bus being down is not an error here: tool calls then answer
    ``bus_unavailable`` and the bus is retried on each call. The simulator's own bus failing to
    open is (a ToolError ``bus_unavailable``), as is a DBC that cannot be loaded or lacks a signal
    a tool uses (``dbc_invalid``). On exit the simulator's tasks are cancelled and awaited, the
    Notifiers stopped and both buses shut down.
    """
    db = load_dbc(config.can.dbc)
    registry = registry if registry is not None else default_registry()
    registry.check_against(db)
    async with AsyncExitStack() as stack:
        backend = CanBackend(config.can, db, bus_factory=bus_factory)
        await backend.start()
        stack.push_async_callback(backend.stop)
        ecu = await _start_simulator(config, db, bus_factory, stack) if config.simulate else None
        yield Vehicle(registry=registry, dispatcher=Dispatcher(registry, backend),
                      backend=backend, db=db, ecu=ecu)


async def _start_simulator(config: VehicleConfig, db: Database, bus_factory: BusFactory,
                           stack: AsyncExitStack) -> SimulatedEcu:
    # python-can virtual buses on one channel hear each other, never themselves: the simulator
    # needs a Bus object of its own.
    try:
        sim_bus = bus_factory(config.can)
    except Exception as exc:
        where = f"{config.can.interface} {config.can.channel}"
        raise ToolError("bus_unavailable", "The simulated car could not be started.",
                        f"simulator bus {where}: {exc}") from exc
    stack.callback(sim_bus.shutdown)
    ecu = SimulatedEcu(sim_bus, db, window_speed_pct_per_s=config.sim.window_speed_pct_per_s)
    await ecu.start()
    stack.push_async_callback(ecu.stop)
    logger.info("simulated ECU running on %s", config.can.channel)
    return ecu
