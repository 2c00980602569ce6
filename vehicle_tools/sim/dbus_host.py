"""Runs the simulated D-Bus services on their own GLib main loop, in a thread Cabin owns.

`DbusServiceHost.start` connects (a private pydbus connection), publishes the media player,
navigation and phone under their bus names, and runs a GLib main loop on a main context of its
own (pushed as the thread's default, so pydbus dispatches calls there and nowhere else). `stop`
quits the loop, unpublishes, closes the connection and joins the thread. Both block: call them
with `asyncio.to_thread` from async code.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from typing import Any

from vehicle_tools.commands import DbusService
from vehicle_tools.dbus_api import DEFAULT_SERVICES, ServiceAddress
from vehicle_tools.errors import ToolError
from vehicle_tools.sim.dbus_services import CallRecorder, MediaPlayer, Navigation, Phone

logger = logging.getLogger(__name__)

_START_TIMEOUT_S = 10.0
"""How long publishing may take before start() gives up, seconds."""


class DbusServiceHost:
    """The simulated services on a D-Bus; see the module docstring.

    Args:
        address: the D-Bus address to publish on.
        services: bus names and paths (default: `DEFAULT_SERVICES`).
        recorder: where the services record the calls they receive (default: a new one).
    """

    def __init__(self, address: str, *,
                 services: Mapping[DbusService, ServiceAddress] = DEFAULT_SERVICES,
                 recorder: CallRecorder | None = None) -> None:
        self.address = address
        self.recorder = recorder if recorder is not None else CallRecorder()
        self._services = services
        self.media = MediaPlayer(self.recorder)
        self.navigation = Navigation(self.recorder)
        self.phone = Phone(self.recorder)
        self._thread: threading.Thread | None = None
        self._loop: Any = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    @property
    def running(self) -> bool:
        """True while the services are published."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Publish the services and start the GLib loop thread (blocking until published).

        Raises:
            ToolError: ``service_unavailable`` when the bus cannot be reached or a name is taken.
        """
        if self.running:
            return
        self._ready.clear()
        self._error = None
        self._thread = threading.Thread(target=self._run, name="sim-dbus-services", daemon=True)
        self._thread.start()
        if not self._ready.wait(_START_TIMEOUT_S) or self._error is not None:
            self.stop()
            raise ToolError("service_unavailable", "The simulated services could not start.",
                            f"publishing on {self.address}: {self._error or 'timed out'}")
        logger.info("simulated D-Bus services published on %s", self.address)

    def stop(self) -> None:
        """Quit the loop, unpublish, close and join the thread. Safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is None:
            return
        loop = self._loop
        if loop is not None:
            loop.quit()
        thread.join(_START_TIMEOUT_S)
        if thread.is_alive():
            logger.error("simulated D-Bus services thread did not stop")

    def _on_ready(self, *_: object) -> bool:
        self._ready.set()
        return False  # a one-shot idle source

    def _run(self) -> None:
        import pydbus
        from gi.repository import GLib

        context = GLib.MainContext.new()
        context.push_thread_default()
        bus: Any = None
        publications: list[Any] = []
        try:
            bus = pydbus.connect(self.address)
            objects = {"media": self.media, "navigation": self.navigation, "phone": self.phone}
            for service, obj in objects.items():
                where = self._services[service]  # type: ignore[index]
                publications.append(bus.publish(where.bus_name, (where.path, obj)))
            self._loop = GLib.MainLoop(context)
            # Signal readiness from inside the loop: it is running when start() returns.
            ready = GLib.idle_source_new()
            ready.set_callback(self._on_ready)
            ready.attach(context)
            self._loop.run()
        except Exception as exc:  # GLib.Error, RuntimeError (name taken): report to start()
            logger.error("simulated D-Bus services failed: %s", exc)
            self._error = exc
            self._ready.set()
        finally:
            for publication in reversed(publications):
                _quietly(publication.unpublish)
            if bus is not None:
                _quietly(lambda: bus.con.close_sync(None))
            while context.pending():  # the queued "closed" signal holds the connection alive
                context.iteration(False)
            self._loop = None
            context.pop_thread_default()


def _quietly(fn: Any) -> None:
    try:
        fn()
    except Exception as exc:  # shutting down: log, never raise from the thread
        logger.warning("simulated D-Bus services cleanup: %s", exc)
