"""Fixtures of the security tests, reused from their owners (not copied): the simulated car with
its D-Bus services and the DBC (tests/vehicle/conftest.py), the loaded CI model's router
(tests/llm/conftest.py), the pipeline's models loaded once for in-process daemons
(tests/faults/conftest.py); `router` and `stages` are session fixtures of tests/conftest.py."""

from tests.faults.conftest import fast_start
from tests.vehicle.conftest import db, dbus_daemon, live_module

__all__ = ["db", "dbus_daemon", "fast_start", "live_module"]
