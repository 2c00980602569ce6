"""The CAN tools added with the safety policy, through the real CAN backend against the
simulated ECU: the frame on the wire (decoded with the DBC), the ECU's resulting state, and the
reply built from the status the car reports."""

from __future__ import annotations

import asyncio

import pytest

from vehicle_tools.vehicle import open_vehicle


def run(config, calls, *, before=None):
    async def scenario():
        async with open_vehicle(config) as vehicle:
            if before is not None:
                before(vehicle)
            results = [await vehicle.dispatcher.call(n, a, confirmed=c) for n, a, c in calls]
            return results, vehicle.ecu.car, vehicle.ecu.applied

    return asyncio.run(scenario())


@pytest.mark.parametrize(("name", "args", "sent", "reply", "check"), [
    ("set_seat_heating", {"seat": "all", "level": 3},
     {"ClimateCmdItem": "SEAT_HEAT", "SeatZone": "ALL", "SeatHeatReq": 3},
     "The seat heating is on level 3.", lambda car: car.seat_heat == {"Driver": 3,
                                                                       "Passenger": 3}),
    ("set_seat_heating", {"seat": "passenger", "level": 0},
     {"ClimateCmdItem": "SEAT_HEAT", "SeatZone": "PASSENGER", "SeatHeatReq": 0},
     "The passenger's seat heating is off.", lambda car: car.seat_heat["Passenger"] == 0),
    ("set_defrost", {"screen": "rear", "on": True},
     {"ClimateCmdItem": "DEFROST", "DefrostZone": "REAR", "DefrostReq": "ON"},
     "The rear window defrost is on.", lambda car: car.defrost == {"Front": False,
                                                                    "Rear": True}),
    ("set_sunroof", {"position_pct": 60}, {"SunroofTargetPos": 60},
     "The sunroof is 60 percent open.", lambda car: car.sunroof.position == 60),
    ("lock_doors", {}, {"DoorLockReq": "LOCK"}, "The doors are locked.",
     lambda car: car.locked),
    ("set_lights", {"light": "high_beam", "on": True},
     {"LightCmdItem": "HEADLIGHTS", "HeadlightReq": "HIGH"}, "The high beams are on.",
     lambda car: car.headlights == "HIGH"),
    ("set_lights", {"light": "fog_lights", "on": True}, {"LightCmdItem": "FOG", "FogReq": "ON"},
     "The fog lights are on.", lambda car: car.fog_on),
    ("set_lights", {"light": "interior", "on": True, "brightness_pct": 40},
     {"LightCmdItem": "INTERIOR", "InteriorReq": 40}, "The interior light is on.",
     lambda car: car.interior_pct == 40),
])
def test_can_tool(make_config, capture, name, args, sent, reply, check) -> None:  # noqa: PLR0917
    [result], car, applied = run(make_config(), [(name, args, None)])
    assert result.ok, result
    assert result.reply == reply
    [frame] = capture.take()
    assert frame.values == sent
    assert [a.message for a in applied] == [frame.message]
    assert check(car)


def test_unlock_parked_confirmed(make_config, capture) -> None:
    [asked, done], car, _ = run(make_config(), [("unlock_doors", {}, None),
                                                ("unlock_doors", {}, True)])
    assert asked.error_code == "needs_confirmation"
    assert done.ok and done.reply == "The doors are unlocked." and not car.locked
    assert [f.values for f in capture.take()] == [{"DoorLockReq": "UNLOCK"}]


def test_status_items(make_config) -> None:
    [tires, doors], _, _ = run(make_config(), [
        ("get_vehicle_status", {"item": "tire_pressure"}, None),
        ("get_vehicle_status", {"item": "doors"}, None)],
        before=lambda v: v.ecu.car.doors_open.update({"Trunk": True}))
    assert tires.state == {"front_left_kpa": 240, "front_right_kpa": 240,
                           "rear_left_kpa": 230, "rear_right_kpa": 230}
    assert tires.reply == ("The tyre pressures are 240, 240, 230, 230 kilopascals, front "
                           "left, front right, rear left, rear right.")
    assert doors.reply == "The car is locked, and the trunk is open."


def test_high_beams_refused_with_fog_lights(make_config, capture) -> None:
    results, car, _ = run(make_config(), [
        ("set_lights", {"light": "fog_lights", "on": True}, None),
        ("set_lights", {"light": "high_beam", "on": True}, None),
        ("set_lights", {"light": "fog_lights", "on": False}, None),
        ("set_lights", {"light": "high_beam", "on": True}, None),
        ("set_lights", {"light": "fog_lights", "on": True}, None)])
    assert [r.error_code for r in results] == [None, "not_allowed", None, None, "not_allowed"]
    assert results[1].reply == "I can't switch the high beams on while the fog lights are on."
    assert results[4].reply == "I can't switch the fog lights on while the high beams are on."
    assert [f.values.get("HeadlightReq", f.values.get("FogReq")) for f in capture.take()] == [
        "ON", "OFF", "HIGH"]
    assert car.headlights == "HIGH" and not car.fog_on


def test_sunroof_only_closes_at_highway_speed(make_config, capture) -> None:
    results, car, _ = run(make_config(), [
        ("set_sunroof", {"position_pct": 30}, None),
        ("set_sunroof", {"position_pct": 0}, None)],
        before=lambda v: (v.ecu.car.sunroof.__setattr__("position", 50.0),
                          v.ecu.car.sunroof.__setattr__("target", 50.0),
                          v.ecu.set_motion("D", 120.0)))
    assert results[0].error_code == "not_allowed"
    assert results[1].ok and car.sunroof.position == 0
    assert [f.values for f in capture.take()] == [{"SunroofTargetPos": 0}]


def test_rate_limited_unlock(make_config, capture) -> None:
    results, _, _ = run(make_config(), [("unlock_doors", {}, True)] * 4)
    assert [r.error_code for r in results] == [None, None, None, "rate_limited"]
    assert results[3].reply.startswith("I've just done that. Please wait")
    assert len(capture.take()) == 3


def test_no_gear_reading_means_no_unlock(make_config, capture) -> None:
    [result] = _without_ecu(make_config)
    assert (result.ok, result.error_code) == (False, "not_available")
    assert result.reply == ("I can't tell whether the car is parked right now, so I won't "
                            "unlock the doors.")
    assert capture.take() == []


def _without_ecu(make_config):
    async def scenario():
        async with open_vehicle(make_config(simulate=False, timeout_s=0.2)) as vehicle:
            return [await vehicle.dispatcher.call("unlock_doors", {}, confirmed=True)]

    return asyncio.run(scenario())
