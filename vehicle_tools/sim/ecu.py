"""A simulated body control module (BCM): part of the product, for demos, tests and rigs.

It listens on the bus for the head unit's command frames, decodes them with the DBC, and applies
them to a `SimCar`. A frame with any signal outside its DBC [min|max] (or that does not decode)
is logged and ignored: nothing is clamped. Windows and the sunroof travel at a configurable speed
(percent of full travel per second; 0 = instant) and report OPENING/CLOSING while they move.
Every status message is broadcast at its DBC cycle time (``GenMsgCycleTime``) and immediately
after a command changes it. With a `DriveProfile` the car drives: gear and speed follow the
profile, odometer and fuel follow the speed, the light sensor (``AmbientLight``) follows the
profile's ``light``, and the doors lock themselves above 15 km/h. Without a profile it is day
until `SimulatedEcu.set_ambient_light` says otherwise.

Every command frame the ECU accepts is appended to `SimulatedEcu.applied` (message name and raw
values), so tests can check what the car actually did.

The ECU does not own its bus: whoever opened it shuts it down after `stop()`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import can
from cantools.database.errors import Error as CantoolsError

from vehicle_tools.dbc import Database, Message, decode_frame, limit_violations
from vehicle_tools.sim.car import SimCar
from vehicle_tools.sim.drive import DriveProfile
from vehicle_tools.state import SignalValue

logger = logging.getLogger(__name__)

_DEFAULT_CYCLE_S = 0.1
_BUS_ERRORS = (can.CanError, OSError, ValueError)


@dataclass(frozen=True, slots=True)
class AppliedCommand:
    """A command frame the simulated car accepted and applied (raw values, DBC units)."""

    message: str
    values: dict[str, SignalValue]


class SimulatedEcu:
    """The simulated BCM; see the module docstring.

    Args:
        bus: the bus to listen and send on (a second python-can Bus on the head unit's channel).
        db: the DBC; messages sent by ``node`` are its status, the others its commands.
        node: the DBC node it plays (``BCM``).
        window_speed_pct_per_s: window/sunroof travel speed, percent per second; 0 = instant.
        tick_s: how often motors and the drive are advanced, seconds.
        clock: monotonic time source, seconds.
    """

    def __init__(self, bus: can.BusABC, db: Database, *, node: str = "BCM",
                 window_speed_pct_per_s: float = 25.0, tick_s: float = 0.05,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._bus = bus
        self._db = db
        self._tick_s = tick_s
        self._clock = clock
        self.car = SimCar(window_speed_pct_per_s=window_speed_pct_per_s)
        self.applied: list[AppliedCommand] = []
        self._commands = {m.frame_id: m for m in db.messages if node not in m.senders}
        self._status = {m.name: m for m in db.messages if node in m.senders}
        missing = set(SimCar.status_messages()) - set(self._status)
        if missing:
            raise ValueError(f"DBC lacks status messages sent by {node}: {sorted(missing)}")
        self._profile: DriveProfile | None = None
        self._profile_start = 0.0
        self._notifier: can.Notifier | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Start listening for commands and broadcasting status."""
        if self._notifier is not None:
            return
        listener = _CommandListener(self._on_frame)
        self._notifier = can.Notifier(self._bus, [listener], timeout=0.1,
                                      loop=asyncio.get_running_loop())
        for name in SimCar.status_messages():
            cycle_ms = self._status[name].cycle_time
            period_s = cycle_ms / 1000 if cycle_ms else _DEFAULT_CYCLE_S
            self._spawn(self._cyclic(name, period_s), f"sim-ecu:{name}")
        self._spawn(self._tick(), "sim-ecu:windows")
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
        """Put the car in ``gear`` (P, R, N, D) at ``speed_kmh`` km/h, and report it at once.

        Stops any drive profile.
        """
        self._profile = None
        self.car.set_motion(gear, speed_kmh)
        self._broadcast("VEHICLE_STATUS")
        self._broadcast("DOOR_STATUS")

    def set_ambient_light(self, light: str) -> None:
        """Make the light sensor report ``DAY`` or ``NIGHT``, and report it at once.

        A drive profile, while one is followed, sets it again on its next tick.

        Raises:
            ValueError: any other value.
        """
        self.car.set_ambient_light(light)
        self._broadcast("LIGHT_STATUS")

    def drive(self, profile: DriveProfile | None) -> None:
        """Follow ``profile`` from now on (None: stay where it is)."""
        self._profile, self._profile_start = profile, self._clock()

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        self._tasks.add(asyncio.create_task(coro, name=name))

    async def _cyclic(self, name: str, period_s: float) -> None:
        while True:
            self._broadcast(name)
            await asyncio.sleep(period_s)

    async def _tick(self) -> None:
        last = self._clock()
        while True:
            await asyncio.sleep(self._tick_s)
            now = self._clock()
            if self._profile is not None:
                gear, speed = self._profile.at(now - self._profile_start)
                self.car.set_motion(gear, speed)
                light = self._profile.light_at(now - self._profile_start).upper()
                if light != self.car.ambient_light:
                    self.car.set_ambient_light(light)
                    self._broadcast("LIGHT_STATUS")
            before = self.car.status("WINDOW_STATUS")
            self.car.advance(now - last)
            last = now
            if self.car.status("WINDOW_STATUS") != before:
                self._broadcast("WINDOW_STATUS")

    def _on_frame(self, msg: can.Message) -> None:
        message = self._commands.get(msg.arbitration_id)
        if message is None or msg.is_error_frame or msg.is_remote_frame:
            return
        values = decode_frame(message, bytes(msg.data), choices=False)
        if values is None:
            return
        invalid = limit_violations(message, values)
        if invalid:
            logger.warning("ignoring %s frame %s: %s", message.name, bytes(msg.data).hex(),
                           "; ".join(invalid.values()))
            return
        status = self.car.apply(message.name, values)
        if status is not None:
            self.applied.append(AppliedCommand(message.name, dict(values)))
            self._broadcast(status)

    def _broadcast(self, name: str) -> None:
        message: Message = self._status[name]
        try:
            data = message.encode(self.car.status(name), strict=True)
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
