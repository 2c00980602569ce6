"""Issue 23 item 4: policy from the car's state, declared per tool.

Pure checks of the two new rules through `PolicyGate` with hand-built bus snapshots (no bus):
headlights off on the road only in daylight (the light sensor, ``LIGHT_STATUS.AmbientLight``),
windows above 80 km/h at most 30 % open; and the light sensor in the DBC, the simulated car and
the drive profiles. The live matrix over the simulated car is in
tests/vehicle/test_vehicle_policy_matrix.py (``test_state_rule``).
"""

from __future__ import annotations

from typing import Any

import pytest

from vehicle_tools.dbc import load_dbc
from vehicle_tools.errors import ToolError
from vehicle_tools.safety import PolicyGate
from vehicle_tools.sim.car import SimCar
from vehicle_tools.sim.drive import BUILTIN_PROFILES, DriveProfile, load_profile
from vehicle_tools.state import VehicleState
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()
DARK = "It's dark outside, so I can only switch the headlights off when the car is parked."
WIDE = "Above 80 kilometres per hour I can open the windows only up to 30 percent."


def car(gear: str = "D", kmh: float = 120.0, light: str | None = "DAY",
        windows_pct: int = 0) -> VehicleState:
    """A snapshot as the bus would report it (``light=None``: the sensor never reported)."""
    state = VehicleState().with_frame("VEHICLE_STATUS", {"Gear": gear, "VehicleSpeed": kmh}, 0.0)
    lights: dict[str, Any] = {"HeadlightMode": "LOW", "FogLightsOn": "OFF", "InteriorLight": 0}
    if light is not None:
        lights["AmbientLight"] = light
    state = state.with_frame("LIGHT_STATUS", lights, 0.0)
    return state.with_frame("WINDOW_STATUS", {
        f"WindowPos{w}": windows_pct for w in ("Driver", "Passenger", "RearLeft", "RearRight")},
        0.0)


def check(name: str, args: dict[str, object], state: VehicleState) -> ToolError | None:
    """The gate's refusal of the call, or None when it may run."""
    tool, valid = REGISTRY.validate(name, args)
    try:
        PolicyGate().check_state(tool.name, tool.action, tool.policy, valid, state)
    except ToolError as err:
        return err
    return None


HEADLIGHTS_OFF = {"light": "headlights", "on": False}


def test_headlights_off_at_120_at_night_is_refused_with_the_reason() -> None:
    err = check("set_lights", HEADLIGHTS_OFF, car(kmh=120.0, light="NIGHT"))
    assert err is not None and (err.code, err.message) == ("not_allowed", DARK)


def test_headlights_off_in_daylight_or_parked_runs() -> None:
    assert check("set_lights", HEADLIGHTS_OFF, car(kmh=120.0, light="DAY")) is None
    assert check("set_lights", HEADLIGHTS_OFF, car(gear="P", kmh=0.0, light="NIGHT")) is None


def test_headlights_off_stopped_in_gear_at_night_is_refused() -> None:
    err = check("set_lights", HEADLIGHTS_OFF, car(gear="D", kmh=0.0, light="NIGHT"))
    assert err is not None and err.message == DARK


def test_a_silent_light_sensor_is_never_guessed() -> None:
    err = check("set_lights", HEADLIGHTS_OFF, car(kmh=50.0, light=None))
    assert err is not None and err.code == "not_available"
    # ...while the calls the rule does not concern do not need the sensor
    assert check("set_lights", {"light": "interior", "on": True}, car(light=None)) is None
    assert check("set_lights", {"light": "headlights", "on": True}, car(light=None)) is None


@pytest.mark.parametrize(("args", "kmh", "before", "refused"), [
    ({"window": "all", "position_pct": 100}, 120.0, 0, True),
    ({"window": "all", "position_pct": 100}, 81.0, 0, True),
    ({"window": "all", "position_pct": 100}, 80.0, 0, False),  # "above 80"
    ({"window": "all", "position_pct": 100}, 50.0, 0, False),
    ({"window": "driver", "position_pct": 31}, 120.0, 0, True),
    ({"window": "driver", "position_pct": 30}, 120.0, 0, False),
    ({"window": "all", "position_pct": 60}, 120.0, 100, False),  # closing part way
    ({"window": "all", "position_pct": 100}, 120.0, 100, False),  # already there
    ({"window": "all", "position_pct": 0}, 120.0, 100, False),
])
def test_windows_above_80_open_at_most_30_percent(args: dict[str, object], kmh: float,
                                                  before: int, refused: bool) -> None:
    err = check("set_window", args, car(kmh=kmh, windows_pct=before))
    if refused:
        assert err is not None and (err.code, err.message) == ("not_allowed", WIDE)
    else:
        assert err is None


def test_windows_wide_without_a_speed_reading_is_refused_but_a_small_gap_is_not() -> None:
    state = VehicleState().with_frame("WINDOW_STATUS", {"WindowPosDriver": 0}, 0.0)
    err = check("set_window", {"window": "driver", "position_pct": 100}, state)
    assert err is not None and err.code == "not_available"
    assert check("set_window", {"window": "driver", "position_pct": 20}, state) is None


def test_the_light_sensor_is_in_the_dbc() -> None:
    signal = load_dbc().get_message_by_name("LIGHT_STATUS").get_signal_by_name("AmbientLight")
    assert signal.choices is not None
    assert {str(v) for v in signal.choices.values()} == {"DAY", "NIGHT"}
    assert "HU" in signal.receivers


def test_the_simulated_car_reports_day_until_told_night() -> None:
    sim = SimCar()
    assert sim.status("LIGHT_STATUS")["AmbientLight"] == "DAY"
    sim.set_ambient_light("night")
    assert sim.status("LIGHT_STATUS")["AmbientLight"] == "NIGHT"
    with pytest.raises(ValueError, match="DAY"):
        sim.set_ambient_light("dusk")


def test_drive_profiles_carry_the_light() -> None:
    assert BUILTIN_PROFILES["highway"].light_at(30.0) == "day"
    assert BUILTIN_PROFILES["highway_night"].light_at(30.0) == "night"
    assert BUILTIN_PROFILES["highway_night"].at(30.0) == BUILTIN_PROFILES["highway"].at(30.0)
    tunnel = DriveProfile.model_validate({"loop": True, "segments": [
        {"duration_s": 10, "gear": "D", "speed_kmh": 80},
        {"duration_s": 5, "gear": "D", "speed_kmh": 80, "light": "night"}]})
    assert [tunnel.light_at(t) for t in (0.0, 9.9, 10.0, 14.9, 15.0)] == [
        "day", "day", "night", "night", "day"]


def test_a_profile_file_may_say_night(tmp_path) -> None:
    path = tmp_path / "night.yaml"
    path.write_text("light: night\nsegments:\n  - {duration_s: 5, gear: D, speed_kmh: 50}\n",
                    encoding="utf-8")
    assert load_profile(str(path)).light_at(1.0) == "night"
