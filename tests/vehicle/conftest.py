"""Fixtures for the vehicle tests: a fresh virtual CAN channel per test, a capture bus, and a
real session dbus-daemon.

Every test gets its own channel name (a uuid) so simulators and captures never cross-talk.
The capture is a third python-can Bus on the channel: it hears every frame anybody sends and
decodes the head unit's command frames with cantools, so tests assert on what went on the wire.
The D-Bus side runs a real ``dbus-daemon --session`` (one per test session, or a private one for
tests that kill it); the simulated services record every call they receive.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import can
import pytest

from vehicle_tools.config import CanConfig, DbusConfig, SimConfig, VehicleConfig
from vehicle_tools.dbc import Database, decode_frame, load_dbc
from vehicle_tools.dispatcher import Dispatcher, ToolResult
from vehicle_tools.sim.dbus_services import RecordedCall
from vehicle_tools.state import SignalValue
from vehicle_tools.vehicle import Vehicle, open_vehicle

MOTION = {"parked": ("P", 0.0), "idling": ("D", 0.0), "moving": ("D", 50.0),
          "highway": ("D", 120.0)}
"""Driving states used by the tests: (gear, speed km/h) the simulated car is put in."""


@dataclass(frozen=True)
class Captured:
    """One command frame seen on the bus: its DBC message name, decoded values and raw signals."""

    message: str
    values: dict[str, SignalValue]
    raw: dict[str, SignalValue]
    data: bytes


class Capture:
    """A third Bus on the test channel; `take()` returns the command frames sent since last."""

    def __init__(self, channel: str, db: Database) -> None:
        self.bus = can.Bus(interface="virtual", channel=channel)
        self._commands = {m.frame_id: m for m in db.messages if "HU" in m.senders}

    def take(self) -> list[Captured]:
        frames = []
        while (msg := self.bus.recv(0)) is not None:
            message = self._commands.get(msg.arbitration_id)
            if message is None:
                continue
            data = bytes(msg.data)
            values = decode_frame(message, data)
            raw = decode_frame(message, data, choices=False)
            assert values is not None and raw is not None, f"undecodable {message.name} {data!r}"
            frames.append(Captured(message.name, values, raw, data))
        return frames

    def send(self, message: str, data: bytes, db: Database) -> None:
        """Put a raw frame on the bus, as a misbehaving head unit would."""
        frame_id = db.get_message_by_name(message).frame_id
        self.bus.send(can.Message(arbitration_id=frame_id, data=data, is_extended_id=False))


@pytest.fixture
def channel() -> str:
    return f"cabin-test-{uuid.uuid4()}"


@pytest.fixture(scope="session")
def db() -> Database:
    return load_dbc()


@pytest.fixture
def capture(channel: str, db: Database) -> Iterator[Capture]:
    cap = Capture(channel, db)
    yield cap
    cap.bus.shutdown()


class DbusDaemon:
    """A real ``dbus-daemon --session`` listening on a socket in ``directory``."""

    def __init__(self, directory: Path) -> None:
        exe = shutil.which("dbus-daemon")
        if exe is None:
            pytest.skip("dbus-daemon is not installed (apt-get install dbus; tools/setup.sh "
                        "installs it)")
        self._exe = exe
        self.address = f"unix:path={directory / 'bus'}"
        self._proc: subprocess.Popen[str] | None = None
        self.start()

    def start(self) -> None:
        self._proc = subprocess.Popen(
            [self._exe, "--session", "--nofork", "--nopidfile", "--print-address=1",
             f"--address={self.address}"], stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline().strip()  # printed once it is listening
        assert line.startswith(self.address), line

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            proc.wait(10)
            if proc.stdout is not None:
                proc.stdout.close()


@pytest.fixture(scope="session")
def dbus_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbusDaemon]:
    """One session bus for the whole test run (the services are published per vehicle)."""
    daemon = DbusDaemon(tmp_path_factory.mktemp("dbus"))
    yield daemon
    daemon.stop()


@pytest.fixture
def private_dbus(tmp_path: Path) -> Iterator[DbusDaemon]:
    """A session bus of this test's own, which it may stop and start again."""
    daemon = DbusDaemon(tmp_path)
    yield daemon
    daemon.stop()


@pytest.fixture
def make_config(channel: str, request: pytest.FixtureRequest) -> Callable[..., VehicleConfig]:
    """Build a config on the test channel; windows move instantly unless told otherwise.

    ``dbus=True`` uses the session `dbus_daemon` (simulated services published on it); a string
    is used as the D-Bus address; False (the default) disables D-Bus.
    """

    def make(*, simulate: bool = True, timeout_s: float = 2.0,
             window_speed: float = 0.0, interface: str = "virtual",
             channel_name: str | None = None, dbus: bool | str = False,
             dbus_timeout_s: float = 1.0, drive_profile: str | None = None) -> VehicleConfig:
        if dbus is True:
            dbus = request.getfixturevalue("dbus_daemon").address
        return VehicleConfig(
            can=CanConfig.model_validate({"interface": interface,
                                          "channel": channel_name or channel,
                                          "response_timeout_s": timeout_s}),
            dbus=DbusConfig(enabled=bool(dbus), address=dbus or None,
                            call_timeout_s=dbus_timeout_s),
            simulate=simulate,
            sim=SimConfig(window_speed_pct_per_s=window_speed, drive_profile=drive_profile))

    return make


def vehicle_config(channel: str, *, dbus_address: str | None = None, timeout_s: float = 2.0,
                   dbus_timeout_s: float = 1.0) -> VehicleConfig:
    """A simulated vehicle on ``channel`` (instant windows), with D-Bus at ``dbus_address``."""
    return VehicleConfig(
        can=CanConfig(channel=channel, response_timeout_s=timeout_s),
        dbus=DbusConfig(enabled=dbus_address is not None, address=dbus_address,
                        call_timeout_s=dbus_timeout_s),
        simulate=True, sim=SimConfig(window_speed_pct_per_s=0.0))


class Live:
    """One open, simulated vehicle on its own event loop, driven synchronously by a test."""

    def __init__(self, runner: asyncio.Runner, vehicle: Vehicle, capture: Capture) -> None:
        self.runner = runner
        self.vehicle = vehicle
        self.capture = capture
        self.dispatcher = vehicle.dispatcher

    def call(self, name: object, args: object, *, confirmed: bool | None = None) -> ToolResult:
        return self.runner.run(
            self.dispatcher.call(name, args, confirmed=confirmed))  # type: ignore[arg-type]

    def fresh_dispatcher(self) -> None:
        """A new dispatcher on the same backends: rate-limit history forgotten."""
        v = self.vehicle
        self.dispatcher = Dispatcher(v.registry, v.backend, dbus=v.dbus, local=v.settings)

    def drive(self, state: str) -> None:
        """Put the simulated car in a driving state and wait until the bus reports it."""
        assert self.vehicle.ecu is not None
        gear, speed = MOTION[state]
        self.vehicle.ecu.set_motion(gear, speed)

        async def reported() -> bool:
            return await self.vehicle.backend.wait_for_state(
                lambda s: s.get("Gear") == gear and s.number("VehicleSpeed") == speed, 5.0)

        assert self.runner.run(reported())

    def light(self, ambient: str) -> None:
        """Make the simulated light sensor say ``DAY`` or ``NIGHT``; wait until it is reported."""
        assert self.vehicle.ecu is not None
        self.vehicle.ecu.set_ambient_light(ambient)

        async def reported() -> bool:
            return await self.vehicle.backend.wait_for_state(
                lambda s: s.get("AmbientLight") == ambient, 5.0)

        assert self.runner.run(reported())

    def frames(self) -> list[Captured]:
        return self.capture.take()

    def dbus_calls(self) -> list[RecordedCall]:
        services = self.vehicle.services
        return [] if services is None else services.recorder.take()

    def traffic(self) -> tuple[list[Captured], list[RecordedCall]]:
        return self.frames(), self.dbus_calls()


@contextmanager
def running_vehicle(config: VehicleConfig, db: Database) -> Iterator[Live]:
    capture = Capture(config.can.channel, db)
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        vehicle = runner.run(stack.enter_async_context(open_vehicle(config)))
        try:
            yield Live(runner, vehicle, capture)
        finally:
            runner.run(stack.aclose())
            capture.bus.shutdown()


@pytest.fixture(scope="module")
def live_module(dbus_daemon: DbusDaemon, db: Database) -> Iterator[Live]:
    """One simulated vehicle with D-Bus services for a whole test module."""
    with running_vehicle(vehicle_config(f"cabin-test-{uuid.uuid4()}",
                                        dbus_address=dbus_daemon.address), db) as live:
        live.traffic()
        yield live
