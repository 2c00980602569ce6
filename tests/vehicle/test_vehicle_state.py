"""VehicleState: immutable snapshots, absent until reported."""

from __future__ import annotations

import dataclasses

import pytest

from vehicle_tools.state import VehicleState


def test_absent_until_reported() -> None:
    state = VehicleState()
    assert state.get("FuelRange") is None
    assert state.reading("FuelRange") is None
    assert state.number("FuelRange") is None
    assert not state.has("FuelRange")


def test_frames_make_new_snapshots() -> None:
    empty = VehicleState()
    one = empty.with_frame("VEHICLE_STATUS", {"FuelRange": 412, "Gear": "P"}, at=10.0)
    two = one.with_frame("VEHICLE_STATUS", {"FuelRange": 411}, at=10.1)
    assert empty.as_dict() == {}
    assert one.as_dict() == {"FuelRange": 412, "Gear": "P"}
    assert two.get("FuelRange") == 411
    reading = two.reading("FuelRange")
    assert reading is not None and reading.seen_at == 10.1 and reading.message == "VEHICLE_STATUS"
    assert two.text("Gear") == "P" and two.number("Gear") is None
    assert two.number("FuelRange") == 411.0 and two.text("FuelRange") is None
    assert two.since(10.05).as_dict() == {"FuelRange": 411}
    assert two.since(11.0).as_dict() == {}


def test_snapshots_cannot_be_changed() -> None:
    state = VehicleState().with_frame("X", {"A": 1}, at=0.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.readings = {}  # type: ignore[misc]
    with pytest.raises(TypeError):
        state.readings["A"] = state.readings["A"]  # type: ignore[index]
