"""A simulated body control module (BCM): part of the product, for demos, tests and rigs.

It listens on the bus for the head unit's command frames, decodes them with the DBC, and applies
them. A frame with any signal outside its DBC [min|max] (or that does not decode) is logged and
ignored: nothing is clamped. Windows travel at a configurable speed (percent of full travel per
second; 0 = instant) and report OPENING/CLOSING while they move. Every status message is
broadcast at its DBC cycle time (``GenMsgCycleTime``) and immediately after a command changes it.

Initial state: parked (gear P, 0 km/h), fuel 63 %, range 412 km, odometer 48213 km, both zones
21.0 degrees C, fan level 2, A/C on, all windows closed.

The ECU does not own its bus: whoever opened it shuts it down after `stop()`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import can
from cantools.database.errors import Error as CantoolsError

from vehicle_tools.dbc import Database, Message, decode_frame, limit_violations
from vehicle_tools.state import SignalValue

logger = logging.getLogger(__name__)

_WINDOW_IDS = ("Driver", "Passenger", "RearLeft", "RearRight")
"""WINDOW_CMD.WindowId raw value -> WINDOW_STATUS signal suffix; id 4 means all of them."""
_ALL_WINDOWS = 4
_DEFAULT_CYCLE_S = 0.1
_BUS_ERRORS = (can.CanError, OSError, ValueError)


@dataclass
class _Window:
    position: float = 0.0
    """Percent open (0 = closed)."""
    target: float = 0.0
    """Where the motor is driving it, percent open."""

    @property
    def motion(self) -> str:
        if self.target > self.position:
            return "OPENING"
        return "CLOSING" if self.target < self.position else "STOPPED"

    def advance(self, step_pct: float) -> None:
        """Move towards the target by at most ``step_pct`` percent."""
        if abs(self.target - self.position) <= step_pct:
            self.position = self.target
        elif self.target > self.position:
            self.position += step_pct
        else:
            self.position -= step_pct


@dataclass
class _Car:
    """The simulated car's state, in DBC units (degrees C, km/h, %, km)."""

    temp_driver_c: float = 21.0
    temp_passenger_c: float = 21.0
    fan_level: int = 2
    ac_on: bool = True
    windows: dict[str, _Window] = field(
        default_factory=lambda: {name: _Window() for name in _WINDOW_IDS})
    speed_kmh: float = 0.0
    gear: str = "P"
    fuel_pct: float = 63.0
    range_km: int = 412
    odometer_km: int = 48213


class SimulatedEcu:
    """The simulated BCM; see the module docstring.

    Args:
        bus: the bus to listen and send on (a second python-can Bus on the head unit's channel).
        db: the DBC; messages sent by ``node`` are its status, the others its commands.
        node: the DBC node it plays (``BCM``).
        window_speed_pct_per_s: window travel speed, percent per second; 0 = instant.
        tick_s: how often moving windows are advanced, seconds.
        clock: monotonic time source, seconds.
    """

    def __init__(self, bus: can.BusABC, db: Database, *, node: str = "BCM",
                 window_speed_pct_per_s: float = 25.0, tick_s: float = 0.05,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._bus = bus
        self._db = db
        self._window_speed = window_speed_pct_per_s
        self._tick_s = tick_s
        self._clock = clock
        self._car = _Car()
        self._commands = {m.frame_id: m for m in db.messages if node not in m.senders}
        self._status = {m.name: m for m in db.messages if node in m.senders}
        self._handlers: dict[str, tuple[Callable[[Mapping[str, SignalValue]], None], str]] = {
            "CLIMATE_CMD": (self._apply_climate, "CLIMATE_STATUS"),
            "WINDOW_CMD": (self._apply_window, "WINDOW_STATUS"),
        }
        self._builders: dict[str, Callable[[], dict[str, SignalValue]]] = {
            "CLIMATE_STATUS": self._climate_status,
            "WINDOW_STATUS": self._window_status,
            "VEHICLE_STATUS": self._vehicle_status,
        }
        missing = (set(self._builders) - set(self._status)) | (
            {s for _, s in self._handlers.values()} - set(self._status))
        if missing:
            raise ValueError(f"DBC lacks status messages sent by {node}: {sorted(missing)}")
        self._notifier: can.Notifier | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start listening for commands and broadcasting status."""
        if self._notifier is not None:
            return
        listener = _CommandListener(self._on_frame)
        self._notifier = can.Notifier(self._bus, [listener], timeout=0.1,
                                      loop=asyncio.get_running_loop())
        for name in self._builders:
            cycle_ms = self._status[name].cycle_time
            period_s = cycle_ms / 1000 if cycle_ms else _DEFAULT_CYCLE_S
            self._spawn(self._cyclic(name, period_s), f"sim-ecu:{name}")
        self._spawn(self._move_windows(), "sim-ecu:windows")
        logger.info("simulated ECU started on %s", self._bus.channel_info)

    async def stop(self) -> None:
        """Stop broadcasting and listening; waits for its tasks. Safe to call twice."""
        tasks, self._tasks = self._tasks, set()
        for task in tasks:
            task.cancel()
        for result in await asyncio.gather(*tasks, return_exceptions=True):
            if isinstance(result, Exception):
                logger.error("simulated ECU task failed: %r", result)
        notifier, self._notifier = self._notifier, None
        if notifier is not None:
            await asyncio.to_thread(notifier.stop, 1.0)

    async def __aenter__(self) -> SimulatedEcu:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    def set_motion(self, gear: str, speed_kmh: float) -> None:
        """Put the car in ``gear`` (P, R, N, D) at ``speed_kmh`` km/h, and report it at once."""
        self._car.gear, self._car.speed_kmh = gear, speed_kmh
        self._broadcast("VEHICLE_STATUS")

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.add(asyncio.create_task(coro, name=name))

    async def _cyclic(self, name: str, period_s: float) -> None:
        while True:
            self._broadcast(name)
            await asyncio.sleep(period_s)

    async def _move_windows(self) -> None:
        last = self._clock()
        while True:
            await asyncio.sleep(self._tick_s)
            now = self._clock()
            before = self._window_status()
            for window in self._car.windows.values():
                window.advance(self._window_speed * (now - last))
            last = now
            if self._window_status() != before:
                self._broadcast("WINDOW_STATUS")

    def _on_frame(self, msg: can.Message) -> None:
        message = self._commands.get(msg.arbitration_id)
        if message is None or msg.is_error_frame or msg.is_remote_frame:
            return
        handler = self._handlers.get(message.name)
        values = decode_frame(message, bytes(msg.data), choices=False)
        if handler is None or values is None:
            return
        invalid = limit_violations(message, values)
        if invalid:
            logger.warning("ignoring %s frame %s: %s", message.name, bytes(msg.data).hex(),
                           "; ".join(invalid.values()))
            return
        apply, status = handler
        apply(values)
        self._broadcast(status)

    def _apply_climate(self, values: Mapping[str, SignalValue]) -> None:
        car = self._car
        match values["ClimateCmdItem"]:
            case 0:
                zones, target = int(values["TempZone"]), float(values["TempTarget"])
                if zones & 1:
                    car.temp_driver_c = target
                if zones & 2:
                    car.temp_passenger_c = target
            case 1:
                car.fan_level = int(values["FanLevelReq"])
            case 2:
                car.ac_on = bool(values["AcReq"])
            case other:
                logger.warning("ignoring CLIMATE_CMD with item %r", other)

    def _apply_window(self, values: Mapping[str, SignalValue]) -> None:
        window_id, target = int(values["WindowId"]), float(values["WindowTargetPos"])
        names = _WINDOW_IDS if window_id == _ALL_WINDOWS else (_WINDOW_IDS[window_id],)
        for name in names:
            window = self._car.windows[name]
            window.target = target
            if self._window_speed <= 0:
                window.position = target

    def _climate_status(self) -> dict[str, SignalValue]:
        car = self._car
        return {"TempDriver": car.temp_driver_c, "TempPassenger": car.temp_passenger_c,
                "FanLevel": car.fan_level, "AcOn": "ON" if car.ac_on else "OFF"}

    def _window_status(self) -> dict[str, SignalValue]:
        status: dict[str, SignalValue] = {}
        for name, window in self._car.windows.items():
            status[f"WindowPos{name}"] = round(window.position)
            status[f"WindowMotion{name}"] = window.motion
        return status

    def _vehicle_status(self) -> dict[str, SignalValue]:
        car = self._car
        return {"VehicleSpeed": car.speed_kmh, "Gear": car.gear, "FuelLevel": car.fuel_pct,
                "FuelRange": car.range_km, "Odometer": car.odometer_km}

    def _broadcast(self, name: str) -> None:
        message: Message = self._status[name]
        try:
            data = message.encode(self._builders[name](), strict=True)
        except (CantoolsError, KeyError, ValueError) as exc:
            logger.error("simulated ECU cannot encode %s: %s", name, exc)
            return
        frame = can.Message(arbitration_id=message.frame_id, data=data,
                            is_extended_id=message.is_extended_frame)
        try:
            self._bus.send(frame)
        except _BUS_ERRORS as exc:
            logger.warning("simulated ECU cannot send %s: %s", name, exc)


class _CommandListener(can.Listener):
    def __init__(self, on_frame: Callable[[can.Message], None]) -> None:
        self._on_frame = on_frame

    def on_message_received(self, msg: can.Message) -> None:
        self._on_frame(msg)

    def on_error(self, exc: Exception) -> None:
        logger.error("simulated ECU receive failed: %s", exc)
