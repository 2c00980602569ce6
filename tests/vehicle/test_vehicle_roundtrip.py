"""Every tool, through the real CAN backend, against the simulated ECU on a virtual bus."""

from __future__ import annotations

import asyncio

import pytest

from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.vehicle import open_vehicle


def call(config, name: str, args: dict[str, object]) -> ToolResult:
    async def scenario() -> ToolResult:
        async with open_vehicle(config) as vehicle:
            return await vehicle.dispatcher.call(name, args)

    return asyncio.run(scenario())


@pytest.mark.parametrize("case", [
    ({"celsius": 21},
     {"ClimateCmdItem": "TEMPERATURE", "TempZone": "ALL", "TempTarget": 21.0},
     {"driver_temp_c": 21.0, "passenger_temp_c": 21.0},
     "The temperature is set to 21 degrees."),
    ({"celsius": 23.5, "zone": "driver"},
     {"ClimateCmdItem": "TEMPERATURE", "TempZone": "DRIVER", "TempTarget": 23.5},
     {"driver_temp_c": 23.5, "passenger_temp_c": 21.0},
     "The driver's side is set to 23.5 degrees."),
    ({"celsius": 17.2, "zone": "passenger"},  # rounded to the controller's 0.5 degree step
     {"ClimateCmdItem": "TEMPERATURE", "TempZone": "PASSENGER", "TempTarget": 17.0},
     {"driver_temp_c": 21.0, "passenger_temp_c": 17.0},
     "The passenger's side is set to 17 degrees."),
    ({"celsius": 28},
     {"ClimateCmdItem": "TEMPERATURE", "TempZone": "ALL", "TempTarget": 28.0},
     {"driver_temp_c": 28.0, "passenger_temp_c": 28.0},
     "The temperature is set to 28 degrees."),
])
def test_set_temperature(make_config, capture, case) -> None:
    args, sent, state, reply = case
    result = call(make_config(), "set_temperature", args)
    assert result.ok, result
    assert result.state == state
    assert result.reply == reply
    assert result.error_code is None
    [frame] = capture.take()
    assert frame.message == "CLIMATE_CMD"
    assert frame.values == sent


@pytest.mark.parametrize(("level", "reply"), [
    (0, "The fan is off."), (5, "The fan is set to level 5."), (7, "The fan is set to level 7.")])
def test_set_fan(make_config, capture, level, reply) -> None:
    result = call(make_config(), "set_fan", {"level": level})
    assert (result.ok, result.state, result.reply) == (True, {"fan_level": level}, reply)
    assert [f.values for f in capture.take()] == [{"ClimateCmdItem": "FAN", "FanLevelReq": level}]


@pytest.mark.parametrize(("on", "word"), [(False, "off"), (True, "on")])
def test_set_ac(make_config, capture, on, word) -> None:
    result = call(make_config(), "set_ac", {"on": on})
    assert (result.ok, result.state) == (True, {"ac_on": on})
    assert result.reply == f"The air conditioning is {word}."
    assert [f.values for f in capture.take()] == [
        {"ClimateCmdItem": "AC", "AcReq": "ON" if on else "OFF"}]


@pytest.mark.parametrize(("window", "pct", "reply"), [
    ("driver", 40, "The driver's window is 40 percent open."),
    ("rear_left", 100, "The rear left window is fully open."),
    ("passenger", 0, "The passenger's window is closed."),
    ("all", 25, "All windows are 25 percent open."),
])
def test_set_window_instant(make_config, capture, window, pct, reply) -> None:
    result = call(make_config(window_speed=0.0), "set_window",
                  {"window": window, "position_pct": pct})
    assert result.ok, result
    assert result.reply == reply
    names = ["driver", "passenger", "rear_left", "rear_right"] if window == "all" else [window]
    assert result.state == {k: v for w in names
                            for k, v in ((f"{w}_pct", pct), (f"{w}_motion", "stopped"))}
    assert [f.values for f in capture.take()] == [
        {"WindowId": window.upper(), "WindowTargetPos": pct}]


def test_set_window_ramped_reports_motion_then_arrives(make_config, capture) -> None:
    async def scenario() -> tuple[ToolResult, ToolResult]:
        async with open_vehicle(make_config(window_speed=200.0)) as vehicle:
            first = await vehicle.dispatcher.call(
                "set_window", {"window": "driver", "position_pct": 100})
            # 30 s is a hang guard, not a speed assertion.
            assert await vehicle.backend.wait_for_state(
                lambda s: s.get("WindowPosDriver") == 100, timeout_s=30)
            second = await vehicle.dispatcher.call(
                "set_window", {"window": "driver", "position_pct": 100})
            return first, second

    first, second = asyncio.run(scenario())
    assert first.ok
    # Honest about the intermediate state: either still moving, or (on a slow machine) arrived.
    if first.state["driver_motion"] == "opening":
        assert first.reply == "Opening the driver's window."
        assert int(first.state["driver_pct"]) < 100
    else:
        assert first.reply == "The driver's window is fully open."
    assert second.ok
    assert second.state == {"driver_pct": 100, "driver_motion": "stopped"}
    assert second.reply == "The driver's window is fully open."
    assert len(capture.take()) == 2


@pytest.mark.parametrize(("item", "state", "reply"), [
    ("speed", {"speed_kmh": 0}, "The car is not moving."),
    ("fuel", {"fuel_pct": 63}, "The tank is 63 percent full."),
    ("range", {"range_km": 412}, "You have 412 kilometres of range."),
    ("odometer", {"odometer_km": 48213}, "The car has driven 48213 kilometres."),
    ("gear", {"gear": "P"}, "The car is in park."),
])
def test_get_vehicle_status(make_config, capture, item, state, reply) -> None:
    result = call(make_config(), "get_vehicle_status", {"item": item})
    assert (result.ok, result.state, result.reply) == (True, state, reply)
    assert capture.take() == []  # a query sends nothing


def test_status_follows_the_car_not_the_request(make_config) -> None:
    async def scenario() -> ToolResult:
        async with open_vehicle(make_config()) as vehicle:
            assert vehicle.ecu is not None
            vehicle.ecu.set_motion("D", 87.5)
            assert await vehicle.backend.wait_for_state(lambda s: s.get("Gear") == "D", 30)
            return await vehicle.dispatcher.call("get_vehicle_status", {"item": "speed"})

    result = asyncio.run(scenario())
    assert result.state == {"speed_kmh": 87.5}
    assert result.reply == "You are going 88 kilometres per hour."


def test_one_vehicle_many_calls(make_config, capture) -> None:
    async def scenario() -> list[ToolResult]:
        async with open_vehicle(make_config()) as vehicle:
            return [await vehicle.dispatcher.call(n, a) for n, a in [
                ("set_temperature", {"celsius": 19.5, "zone": "driver"}),
                ("set_temperature", {"celsius": 24, "zone": "passenger"}),
                ("set_fan", {"level": 3}),
            ]]

    results = asyncio.run(scenario())
    assert all(r.ok for r in results)
    assert results[1].state == {"driver_temp_c": 19.5, "passenger_temp_c": 24.0}
    assert len(capture.take()) == 3
