"""The simulated ECU: ignores frames outside the DBC limits instead of clamping them."""

from __future__ import annotations

import asyncio

import pytest

from vehicle_tools.vehicle import open_vehicle


@pytest.mark.parametrize(("message", "data"), [
    ("CLIMATE_CMD", bytes([0x00, 0x03, 0xFF])),  # TempTarget raw 255 = 143.5 degC
    ("CLIMATE_CMD", bytes([0x00, 0x03, 0x19])),  # TempTarget raw 25 = 28.5 degC (max 28)
    ("CLIMATE_CMD", bytes([0x00, 0x00, 0x0A])),  # TempZone 0: no zone
    ("CLIMATE_CMD", bytes([0x07, 0x03, 0x0A])),  # no such multiplexer value
    ("CLIMATE_CMD", bytes([0x00])),              # truncated
    ("WINDOW_CMD", bytes([0x05, 0x32])),         # WindowId 5 does not exist
    ("WINDOW_CMD", bytes([0x00, 0x7F])),         # 127 % open
])
def test_out_of_limit_commands_are_ignored(make_config, capture, db, message, data) -> None:
    windows = message == "WINDOW_CMD"
    # The follow-up command goes to the same ECU function, so its status must still encode;
    # frames reach the ECU in order, so once it is confirmed the bad frame has been handled.
    follow_up = (("set_window", {"window": "rear_right", "position_pct": 10}) if windows
                 else ("set_fan", {"level": 6}))

    async def scenario():
        async with open_vehicle(make_config()) as vehicle:
            capture.send(message, data, db)
            result = await vehicle.dispatcher.call(*follow_up)
            return result, vehicle.state

    result, state = asyncio.run(scenario())
    assert result.ok, result
    assert state.get("TempDriver") == 21.0
    assert state.get("TempPassenger") == 21.0
    positions = [state.get(f"WindowPos{w}") for w in ("Driver", "Passenger", "RearLeft")]
    assert positions == [0, 0, 0]
    assert state.get("WindowPosRearRight") == (10 if windows else 0)


def test_initial_state(make_config) -> None:
    async def scenario():
        async with open_vehicle(make_config()) as vehicle:
            await vehicle.dispatcher.call("get_vehicle_status", {"item": "gear"})
            await vehicle.dispatcher.call("set_fan", {"level": 2})
            await vehicle.dispatcher.call("set_window", {"window": "driver", "position_pct": 0})
            await vehicle.dispatcher.call("get_vehicle_status", {"item": "tire_pressure"})
            await vehicle.dispatcher.call("get_vehicle_status", {"item": "doors"})
            await vehicle.dispatcher.call("set_lights", {"light": "interior", "on": False})
            return vehicle.state.as_dict()

    state = asyncio.run(scenario())
    assert state == {
        "VehicleSpeed": 0.0, "Gear": "P", "FuelLevel": 63.0, "FuelRange": 412,
        "Odometer": 48213, "TempDriver": 21.0, "TempPassenger": 21.0, "FanLevel": 2,
        "AcOn": "ON", "WindowPosDriver": 0, "WindowPosPassenger": 0, "WindowPosRearLeft": 0,
        "WindowPosRearRight": 0, "WindowMotionDriver": "STOPPED",
        "WindowMotionPassenger": "STOPPED", "WindowMotionRearLeft": "STOPPED",
        "WindowMotionRearRight": "STOPPED", "SeatHeatDriver": 0, "SeatHeatPassenger": 0,
        "DefrostFront": "OFF", "DefrostRear": "OFF", "SunroofPos": 0, "SunroofMotion": "STOPPED",
        "DoorLocked": "LOCKED", "DoorOpenDriver": "CLOSED", "DoorOpenPassenger": "CLOSED",
        "DoorOpenRearLeft": "CLOSED", "DoorOpenRearRight": "CLOSED", "TrunkOpen": "CLOSED",
        "HeadlightMode": "AUTO", "FogLightsOn": "OFF", "InteriorLight": 0,
        "AmbientLight": "DAY", "TirePressureFL": 240, "TirePressureFR": 240, "TirePressureRL": 230,
        "TirePressureRR": 230}


def test_clean_shutdown_leaves_no_tasks(make_config) -> None:
    async def scenario():
        async with open_vehicle(make_config()) as vehicle:
            await vehicle.dispatcher.call("set_ac", {"on": False})
            names = {t.get_name() for t in asyncio.all_tasks()}
        left = {t.get_name() for t in asyncio.all_tasks()} - {asyncio.current_task().get_name()}
        return names, left

    names, left = asyncio.run(scenario())
    assert {"sim-ecu:CLIMATE_STATUS", "sim-ecu:WINDOW_STATUS", "sim-ecu:VEHICLE_STATUS",
            "sim-ecu:DOOR_STATUS", "sim-ecu:LIGHT_STATUS", "sim-ecu:TIRE_STATUS",
            "sim-ecu:windows"} <= names
    assert left == set()
