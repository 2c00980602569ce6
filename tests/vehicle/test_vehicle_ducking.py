"""Ducking against the simulated MPRIS player on a real dbus-daemon."""

from __future__ import annotations

import pytest

from daemon.speaking.ducking import MediaDucker
from tests.vehicle.conftest import Live


def test_duck_and_restore_through_mpris(live_module: Live) -> None:
    dbus = live_module.vehicle.dbus
    assert dbus is not None
    run = live_module.runner.run
    run(dbus.set_media_volume(0.7))
    live_module.traffic()
    ducker = MediaDucker(dbus, ratio=0.3)
    run(ducker.update(True))
    assert run(dbus.media_volume()) == pytest.approx(0.21)
    run(ducker.update(False))
    assert run(dbus.media_volume()) == pytest.approx(0.7)
    sets = [c for c in live_module.dbus_calls() if c.member == "Set.Volume"]
    assert [round(float(c.args[0]), 2) for c in sets] == [0.21, 0.7]  # type: ignore[arg-type]
