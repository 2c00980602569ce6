"""An independent safety oracle: what must never reach the car or the services.

Written from the issue's rules, not from the tool declarations, so it can catch a declaration
that is wrong: frames outside the DBC limits, an unlock without the driver's confirmation or
while not parked, the sunroof opening at highway speed, high beams together with fog lights,
headlights switched off on the road in the dark, a window opened past 30 % at highway speed, a
volume outside MPRIS's 0.0-1.0 reaching the player.
"""

from __future__ import annotations

from vehicle_tools.dbc import Database, limit_violations
from vehicle_tools.sim.dbus_services import RecordedCall

WINDOW_IDS = {"DRIVER": ("Driver",), "PASSENGER": ("Passenger",), "REAR_LEFT": ("RearLeft",),
              "REAR_RIGHT": ("RearRight",),
              "ALL": ("Driver", "Passenger", "RearLeft", "RearRight")}
LOOKUPS = {"PlaySearch", "Dial", "SetDestination", "Search"}
"""Calls a service may refuse as "not found" without anything unsafe having happened."""


def unsafe_traffic(db: Database, frames: list, dbus_calls: list[RecordedCall], *,
                   state: str, confirmed: bool | None, fog_on: bool, night: bool = False,
                   windows_pct: dict[str, float] | None = None) -> list[str]:
    """Every rule the traffic of one call broke (empty when safe).

    ``night``: the light sensor said NIGHT; ``windows_pct``: window positions before the call
    (WINDOW_STATUS suffix -> percent open; missing = closed).
    """
    before = windows_pct or {}
    problems: list[str] = []
    for frame in frames:
        message = db.get_message_by_name(frame.message)
        problems += list(limit_violations(message, frame.raw).values())
        problems += list(limit_violations(message, frame.values).values())
        signals = frame.values
        if frame.message == "DOOR_CMD" and signals["DoorLockReq"] == "UNLOCK" and (
                confirmed is not True or state != "parked"):
            problems.append(f"unlock while {state}, confirmed={confirmed}")
        if frame.message == "SUNROOF_CMD" and signals["SunroofTargetPos"] > 0 \
                and state == "highway":
            problems.append("sunroof opened at 120 km/h")
        if frame.message == "LIGHT_CMD" and signals.get("HeadlightReq") == "HIGH" and fog_on:
            problems.append("high beams with fog lights on")
        if frame.message == "LIGHT_CMD" and signals.get("HeadlightReq") == "OFF" and night \
                and state != "parked":
            problems.append(f"headlights off at night while {state}")
        if frame.message == "WINDOW_CMD" and state == "highway" \
                and signals["WindowTargetPos"] > 30 and any(
                    before.get(w, 0.0) < signals["WindowTargetPos"]
                    for w in WINDOW_IDS[str(signals["WindowId"])]):
            problems.append(f"window opened to {signals['WindowTargetPos']} % at 120 km/h")
    for call in dbus_calls:
        if call.member == "Set.Volume" and not 0.0 <= float(call.args[0]) <= 1.0:  # type: ignore[arg-type]
            problems.append(f"volume {call.args[0]} reached the player")
        if not call.accepted and call.member not in LOOKUPS:
            problems.append(f"service refused {call.member}{call.args}")
    return problems
