"""Seat heating and screen defrost: ``CLIMATE_CMD`` items 3 and 4, confirmed from
``CLIMATE_STATUS``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.commands import CommandFrame
from vehicle_tools.registry import Report, SignalLink, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import missing, on_off

SEAT_HEAT_MAX = 3
"""Highest seat heating level (0 = off)."""

Seat = Literal["driver", "passenger", "all"]
_SEAT_SIGNALS: Mapping[Seat, tuple[str, ...]] = MappingProxyType({
    "driver": ("SeatHeatDriver",), "passenger": ("SeatHeatPassenger",),
    "all": ("SeatHeatDriver", "SeatHeatPassenger")})
_SPOKEN_SEAT: Mapping[Seat, str] = MappingProxyType({
    "driver": "The driver's seat heating", "passenger": "The passenger's seat heating",
    "all": "The seat heating"})


class SetSeatHeatingArgs(ToolArgs):
    """Arguments of ``set_seat_heating``."""

    seat: Seat = Field(default="driver", description="which front seat: driver, passenger, all")
    level: int = Field(ge=0, le=SEAT_HEAT_MAX, description=(
        f"seat heating level, 0 (off) to {SEAT_HEAT_MAX} (maximum)"))


def _seat_report(args: SetSeatHeatingArgs, state: VehicleState) -> Report:
    report: Report = {}
    for seat, key in (("SeatHeatDriver", "driver_seat_level"),
                      ("SeatHeatPassenger", "passenger_seat_level")):
        level = state.number(seat)
        if level is None:
            raise missing("seat heating")
        report[key] = int(level)
    return report


def _seat_reply(args: SetSeatHeatingArgs, report: Report) -> str:
    key = "passenger_seat_level" if args.seat == "passenger" else "driver_seat_level"
    level = report[key]
    subject = _SPOKEN_SEAT[args.seat]
    return f"{subject} is off." if level == 0 else f"{subject} is on level {level}."


SET_SEAT_HEATING: Tool[SetSeatHeatingArgs] = Tool(
    name="set_seat_heating",
    topics=("seat", "bum", "butt"),
    description=f"Set the front seat heating level, 0 = off, {SEAT_HEAT_MAX} = maximum, for "
                "the driver's seat, the passenger's seat or both.",
    action="change the seat heating",
    usage=f"I can set the seat heating from 0, which is off, to {SEAT_HEAT_MAX}, for the "
          "driver, the passenger or both.",
    args_model=SetSeatHeatingArgs,
    commands=lambda a: (CommandFrame("CLIMATE_CMD", {
        "ClimateCmdItem": "SEAT_HEAT", "SeatZone": a.seat.upper(), "SeatHeatReq": a.level}),),
    confirmed=lambda a, fresh: all(fresh.number(s) == a.level for s in _SEAT_SIGNALS[a.seat]),
    report=_seat_report,
    reply=_seat_reply,
    links=(SignalLink("level", "CLIMATE_CMD", "SeatHeatReq"),),
    reads=("SeatHeatDriver", "SeatHeatPassenger"),
)

Screen = Literal["front", "rear", "all"]
_SCREEN_SIGNALS: Mapping[Screen, tuple[str, ...]] = MappingProxyType({
    "front": ("DefrostFront",), "rear": ("DefrostRear",), "all": ("DefrostFront", "DefrostRear")})
_SPOKEN_SCREEN: Mapping[Screen, str] = MappingProxyType({
    "front": "The windscreen defrost", "rear": "The rear window defrost",
    "all": "Defrost, front and rear,"})


class SetDefrostArgs(ToolArgs):
    """Arguments of ``set_defrost``."""

    screen: Screen = Field(default="front", description=(
        "which screen: front (windscreen), rear (heated rear window) or all"))
    on: bool = Field(description="true to switch defrost on, false for off")


def _defrost_report(args: SetDefrostArgs, state: VehicleState) -> Report:
    front, rear = state.text("DefrostFront"), state.text("DefrostRear")
    if front is None or rear is None:
        raise missing("defrost state")
    return {"defrost_front_on": front == "ON", "defrost_rear_on": rear == "ON"}


def _defrost_reply(args: SetDefrostArgs, report: Report) -> str:
    on = report["defrost_rear_on"] if args.screen == "rear" else report["defrost_front_on"]
    return f"{_SPOKEN_SCREEN[args.screen]} is {'on' if on else 'off'}."


SET_DEFROST: Tool[SetDefrostArgs] = Tool(
    name="set_defrost",
    topics=("defrost", "demist", "defog", "fog up", "fogged", "foggy", "misted", "windscreen",
            "windshield", "rear window", "can't see", "cannot see"),
    description="Switch the windscreen (front) or rear window defrost on or off.",
    action="change the defrost",
    usage="I can switch the front or rear defrost, or both, on or off.",
    args_model=SetDefrostArgs,
    commands=lambda a: (CommandFrame("CLIMATE_CMD", {
        "ClimateCmdItem": "DEFROST", "DefrostZone": a.screen.upper(),
        "DefrostReq": on_off(a.on)}),),
    confirmed=lambda a, fresh: all(fresh.text(s) == on_off(a.on)
                                   for s in _SCREEN_SIGNALS[a.screen]),
    report=_defrost_report,
    reply=_defrost_reply,
    reads=("DefrostFront", "DefrostRear"),
)
