"""`HmiService`: the asyncio side of the head-unit D-Bus API (docs/hmi.md).

The daemon gives it an `AssistantControl`; method calls arriving on the D-Bus thread are run on
the asyncio loop with `asyncio.run_coroutine_threadsafe` (never blocking either thread) and
answered within ``hmi.call_timeout_s``. Pipeline events (`publish`, an `EventLog` subscriber)
and state changes (`state_changed`) are handed to the D-Bus thread through a bounded queue.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine, Mapping
from types import TracebackType
from typing import Any

from daemon import __version__
from daemon.events import Event, Transcript
from daemon.hmi.api import (
    ERROR_FAILED,
    AssistantControl,
    DbusReplyError,
    HmiUnavailableError,
    check_state,
    signal_for,
    validate_text,
)
from daemon.hmi.glib_host import BusHost
from daemon.runtime_config import HmiConfig
from vehicle_tools.backends.dbus import connect, resolve_address
from vehicle_tools.config import DbusConfig

logger = logging.getLogger(__name__)


def hmi_address(config: HmiConfig, env: Mapping[str, str] | None = None) -> str | None:
    """The address the API is published on: ``hmi.address``, else the default of ``hmi.bus``
    ($DBUS_SESSION_BUS_ADDRESS / $DBUS_SYSTEM_BUS_ADDRESS or the standard socket); None if
    there is none (a bus is never autolaunched)."""
    return resolve_address(DbusConfig(bus=config.bus, address=config.address), env)


class HmiService:
    """The ``org.cabin.Assistant1`` object on a bus, driven by an `AssistantControl`.

    Use as ``async with HmiService(config.hmi, control) as hmi:`` (or `start` / `stop`), then
    ``events.subscribe(hmi.publish)`` and call `state_changed` on every state transition.

    Args:
        config: the ``hmi`` section (bus, name, timeouts, limits).
        control: what method calls act on (its members are only used on the asyncio loop).
        version: the ``Version`` property.
        connector: opens a pydbus connection for an address (injected in tests).
        env: environment for the bus address lookup (default: os.environ).
    """

    def __init__(self, config: HmiConfig, control: AssistantControl, *,
                 version: str = __version__, connector: Callable[[str], Any] = connect,
                 env: Mapping[str, str] | None = None) -> None:
        self._config = config
        self._control = control
        self._version = version
        self._connector = connector
        self._env = env
        self._host: BusHost | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()
        self._last_partial: tuple[int, str] | None = None

    @property
    def connected(self) -> bool:
        """True while the API is published (False before start, when degraded or reconnecting)."""
        return self._host is not None and self._host.connected

    @property
    def dropped_signals(self) -> int:
        """Signals dropped because the D-Bus thread fell behind (queue of ``signal_queue``)."""
        return 0 if self._host is None else self._host.dropped

    async def start(self) -> None:
        """Connect, publish the object and own the name (nothing when ``hmi.enabled`` is off).

        Raises:
            HmiUnavailableError: no bus configured or found, or it cannot be reached.
            HmiNameError: the name is owned by another connection or the policy forbids it.
        """
        if self._host is not None:
            return
        if not self._config.enabled:
            logger.info("HMI API off (hmi.enabled is false)")
            return
        address = hmi_address(self._config, self._env)
        if address is None:
            variable = f"DBUS_{self._config.bus.upper()}_BUS_ADDRESS"
            raise HmiUnavailableError(
                f"no {self._config.bus} D-Bus address configured or found for the HMI API",
                fix=f"set hmi.address in cabin.yaml or ${variable}; the assistant runs "
                "without the head-unit API meanwhile")
        state, turn = self._control.state, self._control.turn
        check_state(state, turn)
        self._loop = asyncio.get_running_loop()
        host = BusHost(self._config, address, self._handle,
                       {"State": state, "Turn": turn, "Version": self._version},
                       self._connector)
        await asyncio.to_thread(host.start)
        self._host = host

    async def stop(self) -> None:
        """Answer calls in flight with ``Error.Failed``, release the name, disconnect."""
        host, self._host = self._host, None
        if host is not None:
            await asyncio.to_thread(host.stop)
            logger.info("HMI API stopped")

    async def __aenter__(self) -> HmiService:
        await self.start()
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.stop()

    def publish(self, event: Event) -> None:
        """Signal `event` to the head unit if it is one it is told about (any thread; never
        blocks; a no-op while not started). Repeated identical partial transcripts are sent once.
        """
        host = self._host
        signal = signal_for(event)
        if host is None or signal is None:
            return
        if isinstance(event, Transcript):
            with self._lock:
                key = (event.turn, event.text)
                if not event.final and key == self._last_partial:
                    return
                self._last_partial = None if event.final else key
        host.post_signal(signal)

    def state_changed(self, state: str, turn: int) -> None:
        """Update the ``State`` and ``Turn`` properties (PropertiesChanged for what changed).

        Any thread; never blocks. Raises ValueError for a state outside `STATES`.
        """
        check_state(state, turn)
        host = self._host
        if host is not None:
            host.post_properties({"State": state, "Turn": turn})

    # --- called on the D-Bus thread ---------------------------------------------------------
    def _handle(self, member: str, args: tuple[object, ...]) -> concurrent.futures.Future[Any]:
        loop = self._loop
        if member == "SendText":
            text = validate_text(args[0] if args else None)
            logger.info("HMI SendText (%d characters)", len(text))  # the text itself is private
            coro: Coroutine[Any, Any, object] = self._control_call(member, text)
        else:
            logger.info("HMI %s", member)
            coro = self._control_call(member, None)
        if loop is None or loop.is_closed():
            coro.close()
            raise DbusReplyError(ERROR_FAILED, "the assistant is not running")
        try:
            return asyncio.run_coroutine_threadsafe(coro, loop)
        except RuntimeError as exc:  # the loop closed in between
            coro.close()
            raise DbusReplyError(ERROR_FAILED, "the assistant is not running") from exc

    async def _control_call(self, member: str, text: str | None) -> object:
        """Runs on the asyncio loop: the control's method, result checked against the XML."""
        if member == "SendText" and text is not None:
            return _turn_number(await self._control.send_text(text))
        if member == "PushToTalk":
            return _turn_number(await self._control.push_to_talk())
        if member == "Cancel":
            return bool(await self._control.cancel())
        raise DbusReplyError(ERROR_FAILED, f"unknown method {member}")


def _turn_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise DbusReplyError(ERROR_FAILED, f"the assistant returned turn {value!r}")
    return value
