"""Opening the car: the buses, the backends, the dispatcher and (optionally) the simulator.

    async with open_vehicle(VehicleConfig()) as vehicle:
        result = await vehicle.dispatcher.call("set_temperature", {"celsius": 21})
        print(result.reply, vehicle.state.get("FuelRange"))
"""

from __future__ import annotations

import asyncio
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from vehicle_tools.backends.can_bus import BusFactory, CanBackend, open_bus
from vehicle_tools.backends.dbus import DbusBackend, resolve_address
from vehicle_tools.backends.local import AssistantSettings
from vehicle_tools.config import VehicleConfig
from vehicle_tools.dbc import Database, load_dbc
from vehicle_tools.dispatcher import Dispatcher
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry
from vehicle_tools.sim.drive import load_profile
from vehicle_tools.sim.ecu import SimulatedEcu
from vehicle_tools.state import VehicleState
from vehicle_tools.tools import default_registry

if TYPE_CHECKING:
    from vehicle_tools.sim.dbus_host import DbusServiceHost

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Vehicle:
    """An open connection to the car.

    Attributes:
        registry: the tools the assistant may use (`Registry.json_schemas` for the LLM).
        dispatcher: runs tool calls (`Dispatcher.call`).
        backend: the CAN backend (``available`` tells whether the bus is up).
        db: the DBC in use.
        settings: the assistant's own settings (voice speed and volume) the tools change.
        dbus: the D-Bus backend, when `DbusConfig.enabled`.
        ecu: the simulated ECU, when `VehicleConfig.simulate` is set.
        services: the simulated D-Bus services, when simulating and a D-Bus was reachable.
    """

    registry: Registry
    dispatcher: Dispatcher
    backend: CanBackend
    db: Database
    settings: AssistantSettings
    dbus: DbusBackend | None = None
    ecu: SimulatedEcu | None = None
    services: DbusServiceHost | None = None

    @property
    def state(self) -> VehicleState:
        """What the car has reported so far (immutable snapshot)."""
        return self.backend.state


@asynccontextmanager
async def open_vehicle(config: VehicleConfig, *, registry: Registry | None = None,
                       bus_factory: BusFactory = open_bus,
                       show_text: bool = False) -> AsyncIterator[Vehicle]:
    """Open the buses (and start the simulator when ``config.simulate``); yield the `Vehicle`.

    The head unit's CAN bus or the D-Bus being down is not an error here: tool calls then answer
    ``bus_unavailable`` / ``service_unavailable`` and the connection is retried on each call.
    The simulator's own CAN bus failing to open is (a ToolError ``bus_unavailable``), as is a
    DBC that cannot be loaded or lacks a signal a tool uses (``dbc_invalid``); the simulated
    D-Bus services failing to publish is logged and the D-Bus tools answer unavailable. On exit
    everything started here is stopped, in reverse order. `show_text`: log the driver's free
    text (destinations, contacts, searches, what services report) as is (``privacy.log_text``
    or ``--debug``); hidden by default (`vehicle_tools.redact`).
    """
    db = load_dbc(config.can.dbc)
    registry = registry if registry is not None else default_registry()
    registry.check_against(db)
    async with AsyncExitStack() as stack:
        if config.dbus.enabled:
            stack.callback(free_closed_connections)  # registered first: runs last
        backend = CanBackend(config.can, db, bus_factory=bus_factory)
        await backend.start()
        stack.push_async_callback(backend.stop)
        ecu = await _start_simulator(config, db, bus_factory, stack) if config.simulate else None
        services = await _start_services(config, stack) if config.simulate else None
        dbus = None
        if config.dbus.enabled:
            dbus = DbusBackend(config.dbus, show_text=show_text)
            await dbus.start()
            stack.push_async_callback(dbus.stop)
        settings = AssistantSettings()
        dispatcher = Dispatcher(registry, backend, dbus=dbus, local=settings, show_text=show_text)
        yield Vehicle(registry=registry, dispatcher=dispatcher, backend=backend, db=db,
                      settings=settings, dbus=dbus, ecu=ecu, services=services)


def free_closed_connections() -> None:
    """Free the D-Bus connections closed on exit now, while no other connection is open.

    A closed pydbus ``Bus`` and its ``Gio.DBusConnection`` wrapper form a reference cycle, so
    Python's cycle collector frees them at some later moment, on whichever thread allocates.
    With PyGObject 3.50 on GLib 2.74, finalizing a connection under the GIL while GDBus's
    shared worker thread dispatches for another connection deadlocks both (the worker holds a
    GIO lock and waits for the GIL to take a toggle reference; the finalizer waits for that
    lock): a fleet worker hung so in the middle of its next replay. Collecting here, after every
    connection `open_vehicle` opened is closed (the head-unit API, opened after the vehicle, is
    closed before it), leaves no such garbage behind. Costs one full collection (~0.1 s with
    the models loaded; a fleet worker freezes its models' objects first, `gc.freeze`).
    """
    gc.collect()


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
    if config.sim.drive_profile is not None:
        ecu.drive(load_profile(config.sim.drive_profile))
    logger.info("simulated ECU running on %s", config.can.channel)
    return ecu


async def _start_services(config: VehicleConfig,
                          stack: AsyncExitStack) -> DbusServiceHost | None:
    if not (config.dbus.enabled and config.sim.dbus_services):
        return None
    address = resolve_address(config.dbus)
    if address is None:
        logger.warning("no D-Bus reachable: simulated media, navigation and phone not started")
        return None
    from vehicle_tools.sim.dbus_host import DbusServiceHost  # GLib only when simulating

    host = DbusServiceHost(address)
    try:
        await asyncio.to_thread(host.start)
    except ToolError as exc:
        logger.warning("simulated D-Bus services not started: %s", exc.detail)
        return None
    stack.push_async_callback(asyncio.to_thread, host.stop)
    return host
