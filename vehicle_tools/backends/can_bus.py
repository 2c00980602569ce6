"""CAN backend: cantools encodes and decodes, python-can carries the frames.

Commands are encoded with ``strict=True`` (cantools refuses any value outside the DBC's
[min|max]) BEFORE anything is sent, so a bad value never reaches the bus. Status frames are
received by a python-can `can.Notifier` bound to the running event loop: its listener runs on the
loop, decodes each status frame and replaces the immutable `VehicleState` snapshot, then wakes
whoever waits for a confirmation. There is no frame queue to overflow: each frame is decoded as
it arrives.

A bus that cannot be opened is not fatal: the backend logs it and retries on the next command,
which fails with ``bus_unavailable`` while the bus stays down.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from types import TracebackType

import can
from cantools.database.errors import Error as CantoolsError

from vehicle_tools.backends.base import StatePredicate
from vehicle_tools.commands import Command, CommandFrame
from vehicle_tools.config import CanConfig
from vehicle_tools.dbc import Database, decode_frame, limit_violations
from vehicle_tools.errors import ToolError
from vehicle_tools.state import VehicleState

logger = logging.getLogger(__name__)

BusFactory = Callable[[CanConfig], can.BusABC]
"""Opens the bus for a `CanConfig` (injected so tests can hand in a failing bus)."""

BUS_ERRORS = (can.CanError, OSError, ValueError, ImportError, NotImplementedError)
"""What python-can raises when an interface cannot be opened or a frame cannot be sent."""

_RX_POLL_S = 0.1
"""How often the Notifier's receive thread checks whether it was stopped, seconds."""


def open_bus(config: CanConfig) -> can.BusABC:
    """Open the python-can bus named by ``config`` (``can.Bus(interface=, channel=)``)."""
    return can.Bus(interface=config.interface, channel=config.channel)


class _StatusListener(can.Listener):
    """Hands every received frame, and a dead receive thread, to the backend (on the loop)."""

    def __init__(self, on_frame: Callable[[can.Message], None],
                 on_error: Callable[[Exception], None]) -> None:
        self._on_frame = on_frame
        self._on_error = on_error

    def on_message_received(self, msg: can.Message) -> None:
        self._on_frame(msg)

    def on_error(self, exc: Exception) -> None:
        self._on_error(exc)


class CanBackend:
    """Talks to the car over one CAN bus; see the module docstring.

    Args:
        config: interface, channel and the confirmation timeout (seconds).
        db: the DBC; messages NOT sent by ``node`` are decoded as status.
        node: the DBC node this backend is (the head unit, ``HU``).
        bus_factory: opens the bus (default: `open_bus`).
        clock: monotonic time source, seconds, used to stamp received frames.
    """

    def __init__(self, config: CanConfig, db: Database, *, node: str = "HU",
                 bus_factory: BusFactory = open_bus,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._config = config
        self._db = db
        self._bus_factory = bus_factory
        self._clock = clock
        self._status = {m.frame_id: m for m in db.messages if node not in m.senders}
        self._state = VehicleState()
        self._changed = asyncio.Event()
        self._lock = asyncio.Lock()
        self._bus: can.BusABC | None = None
        self._notifier: can.Notifier | None = None
        self._fault: str | None = None

    @property
    def state(self) -> VehicleState:
        """Everything the car has reported so far (an immutable snapshot)."""
        return self._state

    @property
    def available(self) -> bool:
        """True while the bus is open and its receive thread healthy."""
        return self._bus is not None and self._fault is None

    async def start(self) -> None:
        """Open the bus and start receiving; if it cannot be opened, log and stay down."""
        try:
            self._open()
        except ToolError as exc:
            logger.warning("CAN bus unavailable at start, will retry on use: %s", exc.detail)

    async def stop(self) -> None:
        """Stop receiving and shut the bus down. Safe to call twice."""
        await self._close()

    async def __aenter__(self) -> CanBackend:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        await self.stop()

    async def execute(self, commands: Sequence[Command], confirmed: StatePredicate,
                      reads: tuple[str, ...], max_age_s: float) -> VehicleState:
        """`vehicle_tools.backends.base.ToolBackend.execute` for CAN frames."""
        frames = [c for c in commands if isinstance(c, CommandFrame)]
        if len(frames) != len(commands):
            raise ToolError("internal_error", "Sorry, something went wrong with that.",
                            f"CAN backend got non-CAN commands: {commands}")
        if frames:
            return await self.send_command(frames, confirmed)
        return await self.query(confirmed, max_age_s)

    async def send_command(self, frames: Sequence[CommandFrame],
                           confirmed: StatePredicate) -> VehicleState:
        """Encode all ``frames`` (strict), send them, wait for the car to confirm.

        Returns the readings received after sending, once ``confirmed`` holds on them; waits at
        most ``response_timeout_s`` seconds. Raises ToolError ``invalid_arguments``,
        ``bus_unavailable`` or ``no_confirmation``.
        """
        encoded = [self._encode(frame) for frame in frames]
        timeout_s = self._config.response_timeout_s
        async with self._lock:
            bus = await self._ensure_bus()
            sent_at = self._clock()
            for msg in encoded:
                await self._send(bus, msg)
            if await self._wait(lambda: confirmed(self._state.since(sent_at)), timeout_s):
                return self._state.since(sent_at)
        names = ", ".join(f.message for f in frames)
        raise ToolError("no_confirmation", "The car did not confirm the change.",
                        f"no status reflecting {names} within {timeout_s} s; received since: "
                        f"{self._state.since(sent_at).as_dict()}")

    async def query(self, ready: StatePredicate, max_age_s: float) -> VehicleState:
        """Readings at most ``max_age_s`` seconds old, as soon as ``ready`` holds on them.

        Waits up to ``response_timeout_s`` seconds for fresh status frames, then returns what
        there is (the caller reports what is missing). Raises ToolError ``bus_unavailable``.
        """
        def recent() -> VehicleState:
            return self._state.since(self._clock() - max_age_s)

        if not ready(recent()):
            async with self._lock:
                await self._ensure_bus()
            await self._wait(lambda: ready(recent()), self._config.response_timeout_s)
        return recent()

    async def wait_for_state(self, ready: StatePredicate, timeout_s: float) -> bool:
        """Wait until ``ready`` holds on the reported state, at most ``timeout_s`` seconds.

        Returns whether it holds. Handy at start-up ("wait for the first status") and in tests.
        """
        return await self._wait(lambda: ready(self._state), timeout_s)

    def _encode(self, frame: CommandFrame) -> can.Message:
        try:
            message = self._db.get_message_by_name(frame.message)
            data = message.encode(dict(frame.signals), strict=True)
        except (KeyError, CantoolsError, ValueError, TypeError) as exc:
            raise ToolError("invalid_arguments", "That is outside what the car accepts.",
                            f"{frame.message} {dict(frame.signals)}: {exc}") from exc
        return can.Message(arbitration_id=message.frame_id, data=data,
                           is_extended_id=message.is_extended_frame)

    async def _send(self, bus: can.BusABC, msg: can.Message) -> None:
        try:
            # Off the loop: a congested socketcan queue may block for up to the timeout.
            await asyncio.to_thread(bus.send, msg, self._config.response_timeout_s)
        except BUS_ERRORS as exc:
            self._fault = f"send failed: {exc}"
            raise _unavailable(self._config, exc) from exc

    async def _wait(self, ready: Callable[[], bool], timeout_s: float) -> bool:
        try:
            async with asyncio.timeout(timeout_s):
                while not ready():
                    await self._changed.wait()
        except TimeoutError:
            return ready()
        return True

    async def _ensure_bus(self) -> can.BusABC:
        if self._fault is not None:
            logger.warning("reopening CAN bus after fault: %s", self._fault)
            await self._close()
        return self._bus if self._bus is not None else self._open()

    def _open(self) -> can.BusABC:
        loop = asyncio.get_running_loop()
        try:
            bus = self._bus_factory(self._config)
        except BUS_ERRORS as exc:
            raise _unavailable(self._config, exc) from exc
        listener = _StatusListener(self._on_frame, self._on_bus_error)
        try:
            self._notifier = can.Notifier(bus, [listener], timeout=_RX_POLL_S, loop=loop)
        except BUS_ERRORS as exc:
            bus.shutdown()
            raise _unavailable(self._config, exc) from exc
        self._bus, self._fault = bus, None
        logger.info("CAN bus open: %s %s", self._config.interface, self._config.channel)
        return bus

    async def _close(self) -> None:
        notifier, bus = self._notifier, self._bus
        self._notifier, self._bus = None, None
        if notifier is not None:
            # Notifier.stop joins the receive thread (up to _RX_POLL_S): keep it off the loop.
            await asyncio.to_thread(notifier.stop, 5 * _RX_POLL_S)
        if bus is not None:
            _shutdown(bus)

    def _on_frame(self, msg: can.Message) -> None:
        if msg.is_error_frame or msg.is_remote_frame:
            return
        message = self._status.get(msg.arbitration_id)
        if message is None or message.is_extended_frame != msg.is_extended_id:
            return
        values = decode_frame(message, bytes(msg.data))
        if values is None:
            return
        invalid = limit_violations(message, values)
        if invalid:
            logger.warning("ignoring invalid status signals: %s", "; ".join(invalid.values()))
            values = {k: v for k, v in values.items() if k not in invalid}
        self._state = self._state.with_frame(message.name, values, self._clock())
        changed, self._changed = self._changed, asyncio.Event()
        changed.set()

    def _on_bus_error(self, exc: Exception) -> None:
        logger.error("CAN receive failed: %s", exc)
        self._fault = f"receive failed: {exc}"


def _unavailable(config: CanConfig, exc: BaseException) -> ToolError:
    return ToolError("bus_unavailable", "I can't reach the car's controls right now.",
                     f"{config.interface} {config.channel}: {type(exc).__name__}: {exc}")


def _shutdown(bus: can.BusABC) -> None:
    try:
        bus.shutdown()
    except BUS_ERRORS as exc:
        logger.warning("CAN bus shutdown failed: %s", exc)
