"""Fixtures for the vehicle tests: a fresh virtual CAN channel per test and a capture bus.

Every test gets its own channel name (a uuid) so simulators and captures never cross-talk.
The capture is a third python-can Bus on the channel: it hears every frame anybody sends and
decodes the head unit's command frames with cantools, so tests assert on what went on the wire.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import can
import pytest

from vehicle_tools.config import CanConfig, SimConfig, VehicleConfig
from vehicle_tools.dbc import Database, decode_frame, load_dbc
from vehicle_tools.state import SignalValue


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


@pytest.fixture
def make_config(channel: str) -> Callable[..., VehicleConfig]:
    """Build a config on the test channel; windows move instantly unless told otherwise."""

    def make(*, simulate: bool = True, timeout_s: float = 2.0,
             window_speed: float = 0.0, interface: str = "virtual",
             channel_name: str | None = None) -> VehicleConfig:
        return VehicleConfig(
            can=CanConfig.model_validate({"interface": interface,
                                          "channel": channel_name or channel,
                                          "response_timeout_s": timeout_s}),
            simulate=simulate,
            sim=SimConfig(window_speed_pct_per_s=window_speed))

    return make
