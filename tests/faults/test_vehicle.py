"""Faults 4 and 5: the CAN bus goes down and comes back; the media player vanishes in the
middle of a D-Bus call.

CAN: the daemon's own CAN backend opens its bus through an injected factory (the seam
`open_vehicle` has) whose link can be cut: sends fail with bus-off and reopening fails, as a
socketcan interface going down does. The simulated car runs on its own bus on the same virtual
channel, untouched. A third bus captures and decodes every command frame.

D-Bus: a real dbus-daemon; the media player is a process of its own
(tests/faults/media_player.py) that dies on `Play` before answering.

The dispatcher-level cases (bus-off, cannot open, service gone and back) are in
tests/vehicle/test_vehicle_bus.py and test_vehicle_dbus.py; here the whole daemon must say
why it could not act, log the typed code in `tool_result.error`, and act again once the car
or the service is back.
"""

from __future__ import annotations

import asyncio
import functools
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import can
import pytest
from can.interfaces.virtual import VirtualBus

import daemon.runtime.live
from daemon import events as ev
from tests.faults.harness import GUARD_S, CanCapture, Frame, Running, fault_config, running
from tests.hmi.conftest import BusDaemon
from vehicle_tools.config import CanConfig
from vehicle_tools.dbc import load_dbc
from vehicle_tools.sim.ecu import SimulatedEcu
from vehicle_tools.vehicle import open_vehicle

pytestmark = pytest.mark.slow
PLAYER = Path(__file__).with_name("media_player.py")


class Link:
    """The head unit's CAN link, which the test cuts and restores."""

    def __init__(self, up: bool) -> None:
        self.up = up
        self.opened = 0

    def factory(self, config: CanConfig) -> can.BusABC:
        if not self.up:
            raise can.CanInitializationError(f"socketcan {config.channel}: network is down")
        self.opened += 1
        return _LinkBus(self, channel=config.channel)


class _LinkBus(VirtualBus):
    def __init__(self, link: Link, channel: str) -> None:
        super().__init__(channel=channel)
        self._link = link

    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        if not self._link.up:
            raise can.CanOperationError("Failed to transmit: [Errno 100] Network is down")
        super().send(msg, timeout)


def results(run: Running, turn: int) -> list[tuple[str, bool, str | None]]:
    return [(r.name, r.ok, r.error) for r in run.results(turn)]


def test_can_bus_down_and_back(fast_start: None, tmp_path: Path,
                               monkeypatch: pytest.MonkeyPatch) -> None:
    config = fault_config(tmp_path, simulate=False)
    channel = config.vehicle.can.channel
    link = Link(up=False)  # down already when the daemon starts
    monkeypatch.setattr(daemon.runtime.live, "open_vehicle",
                        functools.partial(open_vehicle, bus_factory=link.factory))
    capture = CanCapture(channel)
    car_bus = can.Bus(interface="virtual", channel=channel)
    heard: dict[str, tuple[list[str], list[tuple[str, bool, str | None]], list[Frame]]] = {}

    async def drive() -> tuple[list[str], list[ev.ErrorEvent]]:
        async with SimulatedEcu(car_bus, load_dbc()), running(config) as run:
            async def turn(name: str, text: str) -> None:
                n = await run.text(text)
                heard[name] = (run.replies(n), results(run, n), capture.take())

            await turn("down_at_start", "set the fan to level two")
            link.up = True
            await turn("back", "set the fan to level two")
            link.up = False  # down in the middle of the drive
            await turn("down", "set the temperature to twenty degrees")
            link.up = True
            await turn("back_again", "set the temperature to twenty degrees")
            return run.daemon.degraded, run.errors()

    try:
        degraded, errors = asyncio.run(drive())
    finally:
        capture.close()
        car_bus.shutdown()
    [why] = degraded
    assert f"CAN bus {channel} is down" in why
    assert [(e.code, e.message) for e in errors] == [("degraded", why)]
    assert heard["down_at_start"] == (
        ["I can't reach the car's controls right now, so I couldn't change the fan."],
        [("set_fan", False, "bus_unavailable")], [])
    assert heard["down"] == (
        ["I can't reach the car's controls right now, so I couldn't change the temperature."],
        [("set_temperature", False, "bus_unavailable")], [])  # nothing went out
    replies, calls, frames = heard["back"]
    assert (replies, calls) == (["Okay. The fan is set to level 2."], [("set_fan", True, None)])
    assert [(m, v["FanLevelReq"]) for m, v, _ in frames] == [("CLIMATE_CMD", 2)]
    replies, calls, frames = heard["back_again"]
    assert replies == ["Okay. The temperature is set to 20 degrees."]
    assert calls == [("set_temperature", True, None)]
    assert [(m, v["TempTarget"], bad) for m, v, bad in frames] == [("CLIMATE_CMD", 20.0, {})]
    assert link.opened == 2  # reopened after each outage


@pytest.fixture
def dbus(tmp_path: Path) -> Iterator[BusDaemon]:
    bus = BusDaemon(tmp_path)
    yield bus
    bus.stop()


class Player:
    """tests/faults/media_player.py on the bus, as a process of its own."""

    def __init__(self, address: str, *args: str) -> None:
        self.proc = subprocess.Popen([sys.executable, str(PLAYER), address, *args],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline().strip()  # once its names are on the bus
        assert line == "READY", line

    def stop(self) -> int:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        code = self.proc.wait(GUARD_S)
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        return code


def test_media_player_vanishing_mid_call(fast_start: None, tmp_path: Path,
                                         dbus: BusDaemon) -> None:
    config = fault_config(tmp_path, dbus_address=dbus.address, dbus_services=False)
    players = [Player(dbus.address, "--crash-on-play")]
    heard: dict[str, tuple[list[str], list[tuple[str, bool, str | None]]]] = {}

    async def drive() -> tuple[list[str], list[ev.ErrorEvent], bool]:
        async with running(config) as run:
            async def turn(name: str, text: str) -> None:
                n = await run.text(text)
                heard[name] = (run.replies(n), results(run, n))

            await turn("mid_call", "play the music")  # the player dies handling Play
            await turn("gone", "pause the music")
            players.append(Player(dbus.address))  # the player is restarted
            await turn("back", "play the music")
            return run.daemon.degraded, run.errors(), run.alive

    try:
        degraded, errors, alive = asyncio.run(drive())
    finally:
        codes = [p.stop() for p in players]
    assert alive and degraded == [] and errors == []
    assert codes == [3, 0]  # the first player did die in the call
    # The bus answers a call whose recipient disconnected with NoReply: reported as a timeout.
    assert heard["mid_call"] == (
        ["Sorry, media didn't answer in time, so I couldn't control the music."],
        [("media_control", False, "timeout")])
    assert heard["gone"] == (
        ["Sorry, media isn't available right now, so I couldn't control the music."],
        [("media_control", False, "service_unavailable")])
    assert heard["back"] == (["Okay. Playing Bohemian Rhapsody by Queen."],
                             [("media_control", True, None)])  # as the new player reports
