"""D-Bus backend: media over MPRIS, navigation and phone over Cabin's interfaces (pydbus).

pydbus (GLib/Gio) is blocking, so every call runs off the event loop (`asyncio.to_thread`) on a
private connection (``pydbus.connect(address)``) with an explicit GLib call timeout: a service
that hangs costs at most ``call_timeout_s``. Calls use ``NO_AUTO_START`` (nothing is launched
behind the driver's back) and skip introspection (a hung service cannot block a proxy lookup).

After the calls, the properties of each service involved are read back (``GetAll`` on its state
interface) into ``service.Property`` state keys until the tool's confirmation holds: the reply
is built from what the service reports, never from what was asked.

Errors become typed ToolErrors: no bus / service gone -> ``service_unavailable``, no answer in
time -> ``timeout``, a documented D-Bus error of the call (unknown contact) -> ``not_found`` with
the call's own spoken message. A closed connection is dropped and reopened on the next call.
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from vehicle_tools.backends.base import StatePredicate
from vehicle_tools.commands import Command, DbusCall, DbusService, DbusSet
from vehicle_tools.config import DbusConfig
from vehicle_tools.dbus_api import DEFAULT_SERVICES, MPRIS_PLAYER, ServiceAddress, state_values
from vehicle_tools.errors import ToolError
from vehicle_tools.redact import Redactor
from vehicle_tools.state import VehicleState

logger = logging.getLogger(__name__)

_PROPERTIES = "org.freedesktop.DBus.Properties"
_UNKNOWN_METHOD = "org.freedesktop.DBus.Error.UnknownMethod"
"""A service without the member called (an older navigation without Search)."""
_GONE = frozenset({
    "org.freedesktop.DBus.Error.ServiceUnknown", "org.freedesktop.DBus.Error.NameHasNoOwner",
    "org.freedesktop.DBus.Error.UnknownObject", "org.freedesktop.DBus.Error.UnknownInterface",
    "org.freedesktop.DBus.Error.UnknownMethod", "org.freedesktop.DBus.Error.Disconnected"})
_SLOW = frozenset({"org.freedesktop.DBus.Error.NoReply", "org.freedesktop.DBus.Error.Timeout",
                   "org.freedesktop.DBus.Error.TimedOut"})


def resolve_address(config: DbusConfig, env: Mapping[str, str] | None = None) -> str | None:
    """The D-Bus address to use: the configured one, the environment's, or the standard socket.

    Never autolaunches a bus: None when there is nothing to connect to.
    """
    env = os.environ if env is None else env
    if config.address:
        return config.address
    if config.bus == "system":
        return env.get("DBUS_SYSTEM_BUS_ADDRESS") or (
            "unix:path=/run/dbus/system_bus_socket"
            if Path("/run/dbus/system_bus_socket").exists() else None)
    if env.get("DBUS_SESSION_BUS_ADDRESS"):
        return env["DBUS_SESSION_BUS_ADDRESS"]
    runtime = env.get("XDG_RUNTIME_DIR")
    if runtime and (Path(runtime) / "bus").exists():
        return f"unix:path={Path(runtime) / 'bus'}"
    return None


def connect(address: str) -> Any:
    """Open a private pydbus connection to ``address`` (blocking; returns a pydbus ``Bus``)."""
    import pydbus

    return pydbus.connect(address)


def _unavailable(detail: str) -> ToolError:
    return ToolError("service_unavailable", "Sorry, that service isn't available right now.",
                     detail)


class DbusBackend:
    """Runs `DbusCall` / `DbusSet` commands; see the module docstring.

    Args:
        config: which bus, the address override and the call timeout (seconds).
        services: where each service lives (default: `DEFAULT_SERVICES`, with the media player
            from ``config.media_player``).
        connector: opens a connection for an address (injected in tests).
        clock: monotonic time source, seconds.
        poll_s: how often properties are re-read while waiting for a confirmation, seconds.
        show_text: log the calls' text arguments (destinations, contacts, searches) as they
            are (``privacy.log_text`` or ``--debug``); by default they are hidden.
    """

    def __init__(self, config: DbusConfig, *,
                 services: Mapping[DbusService, ServiceAddress] | None = None,
                 connector: Callable[[str], Any] = connect,
                 clock: Callable[[], float] = time.monotonic, poll_s: float = 0.05,
                 show_text: bool = False) -> None:
        self._config = config
        self._redact = Redactor(show_text)
        base = dict(DEFAULT_SERVICES if services is None else services)
        if services is None:
            media = base["media"]
            base["media"] = ServiceAddress(config.media_player, media.path, media.state_interface)
        self._services = base
        self._connector = connector
        self._clock = clock
        self._poll_s = poll_s
        self._state = VehicleState()
        self._bus: Any = None
        self._lock = asyncio.Lock()

    @property
    def state(self) -> VehicleState:
        """Every property read so far, as ``service.Property`` keys (an immutable snapshot)."""
        return self._state

    @property
    def available(self) -> bool:
        """True while a connection is open."""
        return self._bus is not None

    @property
    def address(self) -> str | None:
        """The address this backend connects to (None: no bus configured or found)."""
        return resolve_address(self._config)

    async def start(self) -> None:
        """Connect; if no bus is reachable, log and stay down (tools answer unavailable)."""
        try:
            async with self._lock:
                await self._ensure()
        except ToolError as exc:
            logger.warning("D-Bus unavailable at start, will retry on use: %s", exc.detail)

    async def stop(self) -> None:
        """Close the connection. Safe to call twice."""
        bus, self._bus = self._bus, None
        if bus is not None:
            await asyncio.to_thread(_close, bus)

    async def execute(self, commands: Sequence[Command], confirmed: StatePredicate,
                      reads: tuple[str, ...], max_age_s: float) -> VehicleState:
        """`vehicle_tools.backends.base.ToolBackend.execute` for D-Bus calls and properties."""
        calls = [c for c in commands if isinstance(c, DbusCall | DbusSet)]
        if len(calls) != len(commands):
            raise ToolError("internal_error", "Sorry, something went wrong with that.",
                            f"D-Bus backend got other commands: {commands}")
        services = list(dict.fromkeys(
            [c.service for c in calls]
            + [r.split(".", 1)[0] for r in reads if r.split(".", 1)[0] in self._services]))
        async with self._lock:
            bus = await self._ensure()
            started = self._clock()
            for call in calls:
                await self._guarded(bus, self._call_sync, bus, call)
            deadline = started + self._config.call_timeout_s
            while True:
                for service in services:
                    await self._refresh(bus, service)  # type: ignore[arg-type]
                fresh = self._state.since(started)
                if confirmed(fresh) or not calls:
                    return fresh
                if self._clock() >= deadline:
                    break
                await asyncio.sleep(self._poll_s)
        raise ToolError("no_confirmation", "The service did not confirm the change.",
                        f"{[c.service for c in calls]}: state after {self._config.call_timeout_s}"
                        f" s: {self._state.since(started).as_dict()}")

    async def names(self, key: str) -> tuple[str, ...] | None:
        """`vehicle_tools.backends.base.NameSource.names`: a list property of a service
        (``phone.Contacts``), read with GetAll now."""
        service, _, prop = key.partition(".")
        if service not in self._services:
            return None
        async with self._lock:
            bus = await self._ensure()
            props = await self._guarded(bus, self._get_all_sync, bus, service)
        value = props.get(prop)
        if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
            return tuple(value)
        return None

    async def search(self, key: str, query: str) -> tuple[tuple[str, bool], ...] | None:
        """`vehicle_tools.backends.base.PlaceSearch.search`: a service's search method
        (``navigation.Search``, ``s`` in, ``a(sb)`` out), called now; None when the service is
        not configured or has no such method (it then decides itself)."""
        service, _, member = key.partition(".")
        if service not in self._services:
            return None
        async with self._lock:
            bus = await self._ensure()
            found = await self._guarded(bus, self._search_sync, bus, service, member, query)
        if found is None:
            return None
        return tuple((str(name), bool(sure)) for name, sure in found)

    async def media_volume(self) -> float:
        """The media player's MPRIS Volume (0.0-1.0), read now.

        For the assistant's own audio management (ducking), not a driver request: no policy.

        Raises:
            ToolError: no bus, no player, or no answer within the call timeout.
        """
        async with self._lock:
            bus = await self._ensure()
            await self._refresh(bus, "media")
        value = self._state.number("media.Volume")
        if value is None:
            raise ToolError("not_available", "The media player reports no volume.",
                            "media.Volume absent from the player's properties")
        return float(value)

    async def set_media_volume(self, volume: float) -> None:
        """Set the MPRIS Volume (clamped to 0.0-1.0) without waiting for a confirmation."""
        call = DbusSet("media", MPRIS_PLAYER, "Volume", "d", min(1.0, max(0.0, volume)))
        async with self._lock:
            bus = await self._ensure()
            await self._guarded(bus, self._call_sync, bus, call)

    async def _ensure(self) -> Any:
        if self._bus is not None:
            if not _closed(self._bus):
                return self._bus
            logger.warning("D-Bus connection closed; reconnecting")
            self._bus = None
        address = resolve_address(self._config)
        if address is None:
            raise _unavailable(f"no {self._config.bus} D-Bus address configured or found")
        try:
            async with asyncio.timeout(self._config.call_timeout_s * 2):
                self._bus = await asyncio.to_thread(self._connector, address)
        except TimeoutError as exc:
            raise _unavailable(f"connecting to {address} timed out") from exc
        except Exception as exc:  # GLib.Error and friends: the bus is not there
            raise _unavailable(f"cannot connect to {address}: {exc}") from exc
        logger.info("D-Bus connected: %s", address)
        return self._bus

    async def _guarded(self, bus: Any, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return await asyncio.to_thread(fn, *args)
        except ToolError:
            if _closed(bus):
                self._bus = None
            raise

    async def _refresh(self, bus: Any, service: DbusService) -> None:
        props = await self._guarded(bus, self._get_all_sync, bus, service)
        values = state_values(service, props)
        self._state = self._state.with_frame(f"dbus:{service}", values, self._clock())

    def _timeout_ms(self) -> int:
        return max(1, int(self._config.call_timeout_s * 1000))

    def _call_sync(self, bus: Any, call: DbusCall | DbusSet) -> None:
        from gi.repository import GLib

        where = self._services[call.service]
        if isinstance(call, DbusSet):
            iface, member = _PROPERTIES, "Set"
            params = GLib.Variant("(ssv)", (call.interface, call.prop,
                                            GLib.Variant(call.signature, call.value)))
            errors: Mapping[str, str] = {}
        else:
            iface, member, errors = call.interface, call.member, call.errors
            params = GLib.Variant(f"({call.signature})", call.args) if call.signature else None
        self._raw_call(bus, where, iface, member, params=params, errors=errors)
        shown = (self._redact.values(call.args) if isinstance(call, DbusCall)
                 else [call.prop, *self._redact.values((call.value,))])  # the name is not private
        logger.info("D-Bus %s %s.%s %s", where.bus_name, iface, member, shown)

    def _search_sync(self, bus: Any, service: DbusService, member: str,
                     query: str) -> list[tuple[str, bool]] | None:
        from gi.repository import GLib

        where = self._services[service]
        try:
            reply = self._raw_call(bus, where, where.state_interface, member,
                                   params=GLib.Variant("(s)", (query,)),
                                   errors={_UNKNOWN_METHOD: "no search"})
        except ToolError as err:
            if err.code == "not_found":  # an older service without a search decides itself
                return None
            raise
        found: list[tuple[str, bool]] = reply.unpack()[0] if reply is not None else []
        logger.info("D-Bus %s %s.%s %s -> %d found", where.bus_name, where.state_interface,
                    member, self._redact.values((query,)), len(found))
        return found

    def _get_all_sync(self, bus: Any, service: DbusService) -> dict[str, object]:
        from gi.repository import GLib

        where = self._services[service]
        reply = self._raw_call(bus, where, _PROPERTIES, "GetAll",
                               params=GLib.Variant("(s)", (where.state_interface,)), errors={})
        props = reply.unpack()[0] if reply is not None else {}
        return dict(props)

    def _raw_call(self, bus: Any, where: ServiceAddress, iface: str, member: str, *,
                  params: Any, errors: Mapping[str, str]) -> Any:
        from gi.repository import Gio, GLib

        try:
            return bus.con.call_sync(where.bus_name, where.path, iface, member, params, None,
                                     Gio.DBusCallFlags.NO_AUTO_START, self._timeout_ms(), None)
        except GLib.Error as err:
            raise _translate(err, f"{where.bus_name} {iface}.{member}", errors) from err


def _translate(err: Any, what: str, errors: Mapping[str, str]) -> ToolError:
    from gi.repository import Gio

    remote: str | None = (Gio.DBusError.get_remote_error(err)
                          if Gio.DBusError.is_remote_error(err) else None)
    detail = f"{what}: {remote or err.message}"
    if remote is not None and remote in errors:
        return ToolError("not_found", errors[remote], detail)
    if remote in _SLOW or err.matches(Gio.io_error_quark(), Gio.IOErrorEnum.TIMED_OUT):
        return ToolError("timeout", "Sorry, that service didn't answer in time.", detail)
    return _unavailable(detail)


def _closed(bus: Any) -> bool:
    return bool(bus.con.is_closed())


def _close(bus: Any) -> None:
    from gi.repository import GLib

    try:
        bus.con.close_sync(None)
    except GLib.Error as exc:
        logger.warning("D-Bus close failed: %s", exc)
    # GLib queues the connection's "closed" signal on the default main context, which nothing
    # in Cabin runs: until it is dispatched, the connection (and its pydbus Bus) stays alive.
    # Dispatch it here when no other thread owns that context (tests/soak/test_dbus_leak.py).
    context = GLib.MainContext.default()
    if context.acquire():
        try:
            while context.pending():
                context.iteration(False)
        finally:
            context.release()
