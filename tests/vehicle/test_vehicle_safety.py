"""The safety policy's pure parts, the drive profiles, and `cabin sim`."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from vehicle_tools.backends.can_bus import CanBackend
from vehicle_tools.config import CanConfig
from vehicle_tools.errors import ToolError
from vehicle_tools.safety import PolicyGate, RateLimit, ToolPolicy, driving_state
from vehicle_tools.sim.cli import SimOptions, add_sim_parser, options_from, run_sim
from vehicle_tools.sim.drive import BUILTIN_PROFILES, load_profile
from vehicle_tools.state import VehicleState


def reported(**values: float | str) -> VehicleState:
    return VehicleState().with_frame("VEHICLE_STATUS", values, 0.0)


@pytest.mark.parametrize(("values", "state"), [
    ({"Gear": "P", "VehicleSpeed": 0.0}, "parked"),
    ({"Gear": "D", "VehicleSpeed": 0.0}, "idling"),
    ({"Gear": "N", "VehicleSpeed": 0.5}, "idling"),
    ({"Gear": "D", "VehicleSpeed": 1.0}, "moving"),
    ({"Gear": "P", "VehicleSpeed": 7.0}, "moving"),  # rolling in P: the speed decides
    ({"Gear": "P"}, None),  # no speed reading: unknown, never guessed
    ({"VehicleSpeed": 0.0}, None),
])
def test_driving_state(values, state) -> None:
    assert driving_state(reported(**values)) == state


def test_rate_limit_on_a_fake_clock() -> None:
    now = [100.0]
    gate = PolicyGate(clock=lambda: now[0])
    policy = ToolPolicy(rate_limit=RateLimit(calls=2, per_s=10.0))
    for _ in range(2):
        gate.check_rate("t", "do it", policy)
        gate.record("t", policy)
    with pytest.raises(ToolError) as err:
        gate.check_rate("t", "do it", policy)
    assert err.value.code == "rate_limited"
    assert err.value.message == ("I've just done that. Please wait 10 seconds before asking me "
                                 "to do it again.")
    now[0] += 10.0
    gate.check_rate("t", "do it", policy)  # the window has passed
    gate.check_rate("other", "do it", policy)  # per tool


def test_drive_profile_is_a_pure_function_of_time() -> None:
    city = BUILTIN_PROFILES["city"]
    assert city.at(0.0) == ("P", 0.0)
    assert city.at(3.0 + 2.0 + 4.0) == ("D", 25.0)  # halfway up the ramp to 50 km/h
    assert city.at(3.0 + 2.0 + 8.0 + 1.0) == ("D", 50.0)
    assert city.at(city.duration_s + 0.5) == ("P", 0.0)  # loops


def test_profile_file_and_errors(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    path.write_text("segments:\n  - {duration_s: 2, gear: D, speed_kmh: 30}\n")
    assert load_profile(str(path)).at(5.0) == ("D", 30.0)
    path.write_text("segments:\n  - {duration_s: 2, gear: X, speed_kmh: 30}\n")
    with pytest.raises(ToolError) as err:
        load_profile(str(path))
    assert err.value.code == "invalid_arguments"


def test_the_simulated_car_drives(make_config, tmp_path: Path) -> None:
    from vehicle_tools.vehicle import open_vehicle

    profile = tmp_path / "quick.yaml"
    profile.write_text("segments:\n  - {duration_s: 0.3, gear: D, speed_kmh: 40}\n"
                       "  - {duration_s: 600, gear: D, speed_kmh: 40}\n")
    config = make_config(drive_profile=str(profile))

    async def scenario():
        async with open_vehicle(config) as vehicle:
            vehicle.ecu.car.locked = False
            fast = await vehicle.backend.wait_for_state(
                lambda s: (s.number("VehicleSpeed") or 0) > 20 and s.get("Gear") == "D", 30)
            locked = await vehicle.backend.wait_for_state(
                lambda s: s.get("DoorLocked") == "LOCKED", 5)
            unlock = await vehicle.dispatcher.call("unlock_doors", {}, confirmed=True)
            return fast, locked, unlock, vehicle.ecu.car.odometer_km

    fast, locked, unlock, odometer = asyncio.run(scenario())
    assert fast and locked  # doors lock themselves above 15 km/h
    assert unlock.error_code == "not_allowed"  # the bus says moving: no unlock
    assert odometer > 48213.0


def test_sim_parser_and_run(channel, db) -> None:
    parser = argparse.ArgumentParser()
    add_sim_parser(parser.add_subparsers())
    args = parser.parse_args(["sim", "--interface", "virtual", "--channel", channel,
                              "--window-speed", "0", "--profile", "city"])
    options = options_from(args)
    assert options == SimOptions(can=CanConfig(interface="virtual", channel=channel),
                                 window_speed_pct_per_s=0.0, profile="city")
    assert args.func.__name__ == "cmd_sim"

    async def scenario() -> bool:
        stop = asyncio.Event()
        sim = asyncio.create_task(run_sim(options, stop), name="test:sim")
        async with CanBackend(CanConfig(channel=channel), db) as head_unit:
            seen = await head_unit.wait_for_state(lambda s: s.has("Gear", "TirePressureFL"), 10)
        stop.set()
        await sim
        return seen

    assert asyncio.run(scenario())


def test_sim_stops_cleanly_on_sigterm(channel) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "vehicle_tools.sim", "--interface", "virtual", "--channel",
         channel, "--profile", "city"],
        stderr=subprocess.PIPE, text=True, env={**os.environ, "NOTIFY_SOCKET": ""})
    assert proc.stderr is not None
    for line in proc.stderr:
        if "simulator ready" in line:
            break
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(20) == 0
    proc.stderr.close()


def test_sim_reports_a_missing_device(channel) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "vehicle_tools.sim", "--interface", "socketcan", "--channel",
         "cabin-missing0"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert "error [bus_unavailable]" in result.stderr
