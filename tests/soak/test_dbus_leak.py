"""Found by the soak: Cabin's D-Bus backend frees nothing it closes.

`DbusBackend.stop` closes its pydbus connection, but GLib queues the connection's ``closed``
signal on the main context that was the thread default when it was created: the GLOBAL default
context (it was created in an `asyncio.to_thread` worker), which nothing in Cabin iterates. The
queued emission keeps the GDBusConnection alive, and with it the Python wrapper and the pydbus
`Bus` stored on it: one connection per closed backend (every replay, every reconnect of the
live daemon). Iterating the default context once after the close frees them all (checked
below); the fix belongs in vehicle_tools/backends/dbus.py (create the connection under a
thread-default context of the backend's own and drain it after close_sync, as
vehicle_tools/sim/dbus_host.py does for its loop, or drain the global default context).
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from tests.conftest import tool_module
from vehicle_tools.backends.dbus import DbusBackend
from vehicle_tools.config import DbusConfig

ROUNDS = 5


def _buses() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if type(o).__module__ == "pydbus.bus"
               and type(o).__name__ == "Bus")


async def _open_use_close(address: str) -> None:
    backend = DbusBackend(DbusConfig(address=address))
    await backend.start()
    assert backend.available
    await backend.media_volume()  # a real call to the simulated player
    await backend.stop()


def _drain_default_context() -> None:
    from gi.repository import GLib

    context = GLib.MainContext.default()
    while context.pending():
        context.iteration(False)


def _rounds(tmp_path: Path, drain: bool) -> int:
    """Connections still alive after ROUNDS open-use-close cycles (earlier tests' leftovers
    are freed first, so they do not count)."""
    soak = tool_module("soak")
    with soak.car_services(tmp_path) as services:
        if services is None:
            pytest.skip("dbus-daemon is not installed")
        _drain_default_context()
        before = _buses()
        for _ in range(ROUNDS):
            asyncio.run(_open_use_close(services[0]))
        if drain:
            _drain_default_context()
        return _buses() - before


def test_the_leak_is_the_queued_closed_signal(tmp_path: Path) -> None:
    assert _rounds(tmp_path, drain=True) == 0


def test_closed_dbus_connections_are_freed(tmp_path: Path) -> None:
    assert _rounds(tmp_path, drain=False) == 0
