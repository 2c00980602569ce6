"""Publishes the assistant object on a D-Bus from a GLib main loop in a thread Cabin owns.

Everything that touches the connection runs on that thread, on a main context of its own
(pushed as the thread's default, so GDBus dispatches calls and the ``closed`` signal there):
other threads only post work to it (`post_signal`, `post_properties`, completed calls).

Method calls never block the GLib thread: the handler returns a `concurrent.futures.Future`
(the asyncio side runs the request), the reply is sent when it completes, or an ``Error.Timeout``
when ``call_timeout_s`` passes first (the future is then cancelled). More than
``max_pending_calls`` in flight answer ``Error.Busy``.

The object is registered with Gio directly rather than through pydbus's ``publish``, which
answers a call only when the Python method returns (it would block this thread while the
assistant works) and lets another connection take the name over; the connection itself is
opened with ``pydbus.connect`` like the rest of Cabin. A lost bus is logged and reconnected
with doubling delays; `start` and `stop` block (call them with `asyncio.to_thread`).
"""

from __future__ import annotations

import concurrent.futures
import itertools
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from daemon.errors import CabinError
from daemon.hmi.api import (
    ERROR_BUSY,
    ERROR_FAILED,
    ERROR_TIMEOUT,
    INTERFACE,
    INTERFACE_XML,
    OBJECT_PATH,
    DbusReplyError,
    HmiNameError,
    HmiUnavailableError,
    OutSignal,
    dbus_error_for,
)
from daemon.hmi.outbox import Outbox, PropertyUpdate
from daemon.runtime_config import HmiConfig

logger = logging.getLogger(__name__)

MethodHandler = Callable[[str, tuple[object, ...]], "concurrent.futures.Future[object]"]
"""Runs on the GLib thread: (member, args) -> a future of the result; raises `DbusReplyError`."""

_DBUS = ("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus")
_DO_NOT_QUEUE = 4
_PRIMARY_OWNER = 1
_BUS_CALL_TIMEOUT_MS = 2000


@dataclass(slots=True)
class _Pending:
    invocation: Any
    future: concurrent.futures.Future[object]
    timer: Any
    out_signature: str


class BusHost:
    """The assistant object on one bus; see the module docstring.

    Args:
        config: timeouts, limits, the bus name to own and the reconnect delays.
        address: the D-Bus address.
        handler: turns method calls into futures (called on the GLib thread).
        properties: initial values of every property of `INTERFACE`.
        connector: opens a pydbus connection for an address (injected in tests).
    """

    def __init__(self, config: HmiConfig, address: str, handler: MethodHandler,
                 properties: Mapping[str, object], connector: Callable[[str], Any]) -> None:
        self._config = config
        self.address = address
        self._handler = handler
        self._connector = connector
        self._props = dict(properties)
        self._outbox = Outbox(config.signal_queue)
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(1)
        self._context: Any = None
        self._loop: Any = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: CabinError | None = None
        self._con: Any = None
        self._registration = 0
        self._closed_handler = 0
        self._reconnect: Any = None
        self._delay_s = config.reconnect_initial_s
        self._dropped_logged = 0
        self._info: Any = None
        self._signatures: dict[str, str] = {}

    @property
    def connected(self) -> bool:
        """True while the object is published and the name owned."""
        return self._con is not None

    @property
    def dropped(self) -> int:
        """Signals dropped because the queue towards the GLib thread was full."""
        return self._outbox.dropped

    def start(self) -> None:
        """Connect, register, own the name and run the loop thread (blocks until done).

        Raises:
            HmiUnavailableError: the bus cannot be reached.
            HmiNameError: the name is owned by someone else or the policy forbids owning it.
        """
        from gi.repository import Gio, GLib

        self._info = Gio.DBusNodeInfo.new_for_xml(INTERFACE_XML).lookup_interface(INTERFACE)
        self._signatures = {p.name: p.signature for p in self._info.properties}
        self._context = GLib.MainContext.new()
        self._ready.clear()
        self._thread = threading.Thread(target=self._run, name="hmi-dbus", daemon=True)
        self._thread.start()
        if not self._ready.wait(self._config.start_timeout_s):
            self._error = HmiUnavailableError(
                f"connecting to the HMI D-Bus at {self.address} took over "
                f"{self._config.start_timeout_s} s", fix="check that the bus answers "
                "(busctl --address=... status); the assistant runs without the head-unit API")
        if self._error is not None:
            self.stop()
            raise self._error
        logger.info("HMI API published as %s on %s", self._config.name, self.address)

    def stop(self) -> None:
        """Fail calls in flight, release the name, close, quit and join. Safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._soon(self._shutdown)
        thread.join(self._config.start_timeout_s + 2.0)
        if thread.is_alive():
            logger.error("HMI D-Bus thread did not stop")

    def post_signal(self, signal: OutSignal) -> None:
        """Emit `signal` from the GLib thread (any thread may call this)."""
        self._post(signal)

    def post_properties(self, values: Mapping[str, object]) -> None:
        """Set properties and emit PropertiesChanged for those that changed (any thread)."""
        self._post(PropertyUpdate(dict(values)))

    # --- any thread -------------------------------------------------------------------------
    def _post(self, item: OutSignal | PropertyUpdate) -> None:
        if self._context is not None and self._outbox.put(item):
            self._soon(self._drain)

    def _soon(self, fn: Callable[[], None]) -> None:
        from gi.repository import GLib

        def once(*_: object) -> bool:
            fn()
            return False

        source = GLib.idle_source_new()
        source.set_callback(once)
        source.attach(self._context)

    # --- the GLib thread --------------------------------------------------------------------
    def _run(self) -> None:
        from gi.repository import GLib

        self._context.push_thread_default()
        try:
            self._loop = GLib.MainLoop(self._context)
            try:
                self._connect()
            except CabinError as exc:
                self._error = exc
                return
            except Exception as exc:  # anything else GLib raises: still a typed start failure
                self._error = _unexpected(self.address, exc)
                return
            finally:
                self._ready.set()
            self._loop.run()
        finally:
            self._loop = None
            self._context.pop_thread_default()

    def _connect(self) -> None:
        from gi.repository import GLib

        try:
            bus = self._connector(self.address)
        except GLib.Error as exc:
            raise HmiUnavailableError(
                f"cannot connect to the HMI D-Bus at {self.address}: {exc.message}",
                fix="start the bus (systemctl status dbus) or set hmi.address in cabin.yaml; "
                "the assistant runs without the head-unit API meanwhile") from exc
        con = bus.con
        try:
            self._registration = con.register_object(
                OBJECT_PATH, self._info, self._on_call, self._on_get, None)
            self._own_name(con)
        except BaseException:
            _quietly(lambda: con.close_sync(None))
            self._registration = 0
            raise
        self._closed_handler = con.connect("closed", self._on_closed)
        self._con = con

    def _own_name(self, con: Any) -> None:
        from gi.repository import Gio, GLib

        name = self._config.name
        try:
            reply = con.call_sync(*_DBUS, "RequestName", GLib.Variant("(su)", (name,
                                  _DO_NOT_QUEUE)), GLib.VariantType("(u)"),
                                  Gio.DBusCallFlags.NONE, _BUS_CALL_TIMEOUT_MS, None)
        except GLib.Error as exc:
            raise HmiNameError(
                f"the bus at {self.address} refused the name {name}: {exc.message}",
                fix="install systemd/org.cabin.Assistant1.conf and run as user cabin "
                "(only it may own the name)", code="hmi_name_denied") from exc
        if reply.unpack()[0] != _PRIMARY_OWNER:
            raise HmiNameError(
                f"the bus name {name} is already owned on {self.address}",
                fix="another Cabin is running (systemctl status cabin); stop it, or set "
                "hmi.name to another name")

    def _on_call(self, _con: Any, sender: str, _path: str, _iface: str, member: str,
                 params: Any, invocation: Any) -> None:
        logger.debug("HMI call %s from %s", member, sender)
        if len(self._pending) >= self._config.max_pending_calls:
            invocation.return_dbus_error(
                ERROR_BUSY, f"{len(self._pending)} requests already in flight; retry later")
            return
        try:
            future = self._handler(member, tuple(params.unpack()))
        except DbusReplyError as failure:
            logger.info("HMI %s refused: %s", member, failure.message)
            invocation.return_dbus_error(failure.name, failure.message)
            return
        out = "".join(a.signature for a in self._info.lookup_method(member).out_args)
        call_id = next(self._ids)
        timer = self._timer(self._config.call_timeout_s, lambda: self._timed_out(call_id))
        self._pending[call_id] = _Pending(invocation, future, timer, out)
        future.add_done_callback(lambda _f: self._soon(lambda: self._finish(call_id)))

    def _on_get(self, _con: Any, _sender: str, _path: str, _iface: str, name: str) -> Any:
        from gi.repository import GLib

        return GLib.Variant(self._signatures[name], self._props[name])

    def _timed_out(self, call_id: int) -> None:
        pending = self._pending.pop(call_id, None)
        if pending is None:
            return
        pending.future.cancel()
        logger.warning("HMI call timed out after %s s; cancelled", self._config.call_timeout_s)
        pending.invocation.return_dbus_error(
            ERROR_TIMEOUT, f"the assistant did not answer within {self._config.call_timeout_s} s")

    def _finish(self, call_id: int) -> None:
        from gi.repository import GLib

        pending = self._pending.pop(call_id, None)
        if pending is None:
            return  # already answered (timeout or shutdown)
        pending.timer.destroy()
        future, invocation = pending.future, pending.invocation
        try:
            result = future.result(timeout=0)
            value = GLib.Variant(f"({pending.out_signature})", (result,))
        except concurrent.futures.CancelledError:
            invocation.return_dbus_error(ERROR_FAILED, "the request was cancelled")
            return
        except Exception as exc:  # the assistant's own error, or a result of the wrong type
            failure = dbus_error_for(exc)
            logger.warning("HMI call failed: %s (%s)", failure.name, failure.message)
            invocation.return_dbus_error(failure.name, failure.message)
            return
        invocation.return_value(value)

    def _drain(self) -> None:
        from gi.repository import GLib

        for item in self._outbox.take_all():
            if isinstance(item, OutSignal):
                self._emit(INTERFACE, item.name, GLib.Variant(f"({item.signature})", item.args))
                continue
            changed = {k: v for k, v in item.values.items() if self._props.get(k) != v}
            self._props.update(changed)
            if changed:
                body = {k: GLib.Variant(self._signatures[k], v) for k, v in changed.items()}
                self._emit("org.freedesktop.DBus.Properties", "PropertiesChanged",
                           GLib.Variant("(sa{sv}as)", (INTERFACE, body, [])))
        if self._outbox.dropped != self._dropped_logged:
            self._dropped_logged = self._outbox.dropped
            logger.warning("HMI signal queue full: %d signals dropped so far", self.dropped)

    def _emit(self, iface: str, member: str, body: Any) -> None:
        from gi.repository import GLib

        if self._con is None:
            return  # disconnected: nobody to tell; properties are still kept up to date
        try:
            self._con.emit_signal(None, OBJECT_PATH, iface, member, body)
        except GLib.Error as exc:
            logger.warning("HMI signal %s not sent: %s", member, exc.message)

    def _on_closed(self, _con: Any, _vanished: bool, error: Any) -> None:
        cause = error.message if error is not None else "closed"
        logger.warning("HMI D-Bus connection lost (%s); reconnecting in %.1f s",
                       cause, self._delay_s)
        self._drop_connection()
        self._schedule_reconnect()

    def _schedule_reconnect(self) -> None:
        self._reconnect = self._timer(self._delay_s, self._try_reconnect)

    def _try_reconnect(self) -> None:
        self._reconnect = None
        try:
            self._connect()
        except Exception as exc:  # CabinError or anything GLib raises: retry, never crash
            failure = exc if isinstance(exc, CabinError) else _unexpected(self.address, exc)
            self._delay_s = min(self._delay_s * 2, self._config.reconnect_max_s)
            logger.warning("HMI D-Bus reconnect failed (%s); next try in %.1f s",
                           failure.message, self._delay_s)
            self._schedule_reconnect()
            return
        self._delay_s = self._config.reconnect_initial_s
        logger.info("HMI D-Bus reconnected; %s owned again", self._config.name)

    def _drop_connection(self) -> None:
        con, self._con = self._con, None
        if con is None:
            return
        if self._closed_handler:
            con.disconnect(self._closed_handler)
            self._closed_handler = 0
        if self._registration:
            registration, self._registration = self._registration, 0
            _quietly(lambda: con.unregister_object(registration))
        if not con.is_closed():
            _quietly(lambda: con.close_sync(None))

    def _shutdown(self) -> None:
        from gi.repository import Gio, GLib

        if self._reconnect is not None:
            self._reconnect.destroy()
            self._reconnect = None
        pending, self._pending = self._pending, {}
        for call in pending.values():
            call.timer.destroy()
            call.future.cancel()
            call.invocation.return_dbus_error(ERROR_FAILED, "the assistant is stopping")
        con = self._con
        if con is not None:
            _quietly(lambda: con.call_sync(
                *_DBUS, "ReleaseName", GLib.Variant("(s)", (self._config.name,)), None,
                Gio.DBusCallFlags.NONE, _BUS_CALL_TIMEOUT_MS, None))
            _quietly(lambda: con.flush_sync(None))
        self._drop_connection()
        if self._loop is not None:
            self._loop.quit()

    def _timer(self, seconds: float, fn: Callable[[], None]) -> Any:
        from gi.repository import GLib

        def once(*_: object) -> bool:
            fn()
            return False

        source = GLib.timeout_source_new(max(1, round(seconds * 1000)))
        source.set_callback(once)
        source.attach(self._context)
        return source


def _quietly(fn: Callable[[], object]) -> None:
    try:
        fn()
    except Exception as exc:  # closing or already gone: log, never raise from the GLib thread
        logger.warning("HMI D-Bus cleanup: %s", exc)


def _unexpected(address: str, exc: Exception) -> HmiUnavailableError:
    return HmiUnavailableError(
        f"publishing the HMI API on {address} failed: {type(exc).__name__}: {exc}",
        fix="see the log above; the assistant runs without the head-unit API meanwhile")
