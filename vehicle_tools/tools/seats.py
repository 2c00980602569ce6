"""Seat heating and screen defrost: ``CLIMATE_CMD`` items 3 and 4, confirmed from
``CLIMATE_STATUS``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.commands import CommandFrame
from vehicle_tools.language import ADJUST_TO, Complaint, Language, Sentences, values
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


_SEAT_HEAT = "(seat heating|seat heater|heated seat|seat warmer|seat heat)"
SET_SEAT_HEATING_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("cold", "freezing", "chilly", "frozen", "icy"),
                  about=("bum", "butt", "bottom", "backside", "my back", "seat", "my seat"),
                  means="turn my seat heater on"),
        Complaint(feel=("cold", "freezing", "chilly", "frozen", "icy"),
                  about=("her seat", "his seat", "her bum", "her back", "his back",
                         "passenger seat", "passengers seat", "wifes seat", "husbands seat",
                         "wifes bum", "wifes back", "husbands bum", "passengers bum",
                         "passengers back"),
                  means="turn the passenger seat heater on"),
        Complaint(feel=("too hot", "too warm", "burning", "roasting", "boiling"),
                  about=("bum", "butt", "bottom", "backside", "my back", "seat", "my seat"),
                  means="turn my seat heater to low"),
    ),
    sentences=(
        Sentences((
            f"[(set|turn|put|change|switch) [on|up]] [the] [{{seat}}] {_SEAT_HEAT} [(to|at|on)] "
            "[level] {level}",
            "(heat|warm) [up] [the] {seat} [seat] [(to|at)] [level] {level}",
            f"[(set|turn|put|change)] [the] {_SEAT_HEAT} [(on|for)] [the] {{seat}} [(to|at|on)] "
            "[level] {level}",
            "(set|turn|put) [the] heat[ing] [(on|for)] [the] {seat} [seat] [(to|at)] [level] "
            "{level}",
            f"{ADJUST_TO} [the] [{{seat}}] {_SEAT_HEAT} (to|at) [level] {{level}}",
            f"{_SEAT_HEAT} (on|to|at) [level] {{level}} [on] {{seat}} side",
            f"[(set|turn|put|switch)] [the] {_SEAT_HEAT} [(to|at|on)] [level] {{level}} (for|on) "
            "[the] {seat}",
            "[(set|turn|put|switch)] [the] {seat} seat (on|to|at) level {level}",  # its only level
            # a seat named, then a level ("her seat, three"); "seat" said: "the passenger one"
            # is no level 1
            "[(set|turn|put|switch)] [the] {seat} seat [heat|heating] [(on|to|at)] {level}",
        )),
        Sentences(("[(set|turn|put|switch)] (both|all) [the] [front] seats [heat|heating] "
                   "[(on|to|at)] {level}",), args={"seat": "all"}),
        Sentences((
            f"(turn|switch|put) [the] [{{seat}}] {_SEAT_HEAT} on",
            f"(turn|switch|put) on [the] [{{seat}}] {_SEAT_HEAT}",
            f"(turn|switch|put) [the] {_SEAT_HEAT} on (for|on) [the] {{seat}}",
            "heat [up] [the] {seat} seat", "heat [up] {seat}", "heat [the] {seat} seat up",
            "heat [up] the seat [up]",  # which one is asked
        ), args={"level": 2}),
        Sentences((
            f"(turn|switch|put) [the] [{{seat}}] {_SEAT_HEAT} (to|on) (max|maximum|high|highest|"
            "full)",
            f"[{{seat}}] {_SEAT_HEAT} (to|on) (max|maximum|high|highest|full)",
            "heat [up] [the] {seat} seat (to|on) (max|maximum|high|highest|full)",
            "{seat} seat [heat] [(to|on|at)] (the (max|maximum|highest)|"
            "(hot|high) as it goes)",
            "(max|maximum|full) heat on [the] {seat} seat",
        ), args={"level": 3}),
        Sentences((
            f"(turn|switch|put) [the] [{{seat}}] {_SEAT_HEAT} (to|on) (low|lowest|minimum)",
            f"[{{seat}}] {_SEAT_HEAT} (to|on) (low|lowest|minimum)",
            "heat [up] [the] {seat} seat (to|on|at) [the] (low|lowest|minimum)",
            "{seat} seat [heat] [(to|on|at)] the (lowest|minimum)",
        ), args={"level": 1}),
        Sentences((
            f"[(turn|switch|put)] [the] [{{seat}}] {_SEAT_HEAT} (to|on) (medium|mid|middle)",
        ), args={"level": 2}),
        Sentences((
            f"(turn|switch|shut) [the] [{{seat}}] {_SEAT_HEAT} off",
            f"(turn|switch|shut) off [the] [{{seat}}] {_SEAT_HEAT}",
            f"(turn|switch|shut) [the] {_SEAT_HEAT} off (for|on) [the] {{seat}}",
            f"[{{seat}}] {_SEAT_HEAT} off", f"{_SEAT_HEAT} off (for|on) [the] {{seat}}",
            "[(turn|switch|shut)] [the] {seat} (heat|heating) off",
            "(turn|switch|shut) off the (heat|heating) (on|for|in) [the] {seat}",
        ), args={"level": 0}),
        Sentences((
            "(turn|switch|shut) off [the|both] (heated seats|seat heaters|seat warmers)",
            "[(turn|switch|shut)] [the|both] (heated seats|seat heaters|seat warmers) off",
        ), args={"level": 0, "seat": "all"}),
        Sentences((
            "[(set|turn|put)] [the] (heated seats|seat heaters|seats) [(to|on)] (max|maximum|"
            "high|highest|full)",), args={"level": 3, "seat": "all"}),
        Sentences((  # both seats, in the plural, with a level ("heated seats on two")
            "[(set|turn|put|change|switch) [on|up]] [the|both] (heated seats|seat heaters|seat "
            "warmers) [(on|to|at)] [level] {level}",
            "(heat|warm) [up] (both|all) [the] [front] seats [(to|at)] [level] {level}",
            "(both|all) [the] [front] seats heated (on|to|at) [level] {level}",
        ), args={"seat": "all"}),
        Sentences(("(my|the) (back|bum|butt|bottom) is (cold|freezing)",
                   "warm [up] my seat [up]"),
                  args={"level": 2, "seat": "driver"}),
        Sentences(("(turn|switch|put) [the|both] (heated seats|seat heaters) on",
                   "(turn|switch|put) on [the|both] (heated seats|seat heaters)",
                   "(both|all) [the] [front] seats heated [on]",
                   "(heat|warm) [up] (both|all) [the] [front] seats"),
                  args={"level": 2, "seat": "all"}),
        Sentences(("(turn|switch|shut) [the] (heated seats|seat heaters) off",
                   "(turn|switch|shut) off [the] (heated seats|seat heaters)"),
                  args={"level": 0, "seat": "all"}),
    ),
    ask={"seat": "Which seat?", "level": "Which level?"},
    asked_unnamed=frozenset(("seat",)),
    wholes={"seat": ("all", frozenset(("driver", "passenger")))},
    model_examples=(("heat my seat to level 2", {"level": 2, "seat": "driver"}),),
)



SET_SEAT_HEATING: Tool[SetSeatHeatingArgs] = Tool(
    name="set_seat_heating",
    language=SET_SEAT_HEATING_LANGUAGE,
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


_SCREEN = "(defrost|defroster|demist|demister|defog|de fog|defogger|de ice|deicer)"
_SCREENS = "(defrosters|demisters|defoggers|deicers)"
"""Said in the plural with no screen named, both screens ("switch the demisters off")."""
SET_DEFROST_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("fogged", "fogging", "foggy", "misted", "misting", "misty", "mist",
                        "steamed", "steaming", "cant see", "frost", "frosted", "frosty",
                        "iced up", "icy"),
                  about=("windscreen", "windshield", "front glass", "front window", "glass",
                         "front screen"), means="defrost the windscreen"),
        Complaint(feel=("fogged", "fogging", "foggy", "misted", "misting", "misty", "mist",
                        "steamed", "steaming", "cant see"),
                  about=("rear window", "back window", "rear glass", "back glass",
                         "rear screen"), means="turn on the rear demister"),
    ),
    sentences=(  # the plural blocks first: of two equal readings the first is taken
        Sentences((f"(turn|switch|put) [the] [{{screen}}] {_SCREENS} on",
                   f"(turn|switch|put) on [the] [{{screen}}] {_SCREENS}",
                   f"[the] [{{screen}}] {_SCREENS} on",
                   f"(start|enable) [the] [{{screen}}] {_SCREENS}",
                   "(defrost|demist|defog|de ice) (everything|all [the] (screens|windows|glass)"
                   "|both screens)"),
                  args={"on": True, "screen": "all"}),
        Sentences((f"(turn|switch|shut) [the] [{{screen}}] {_SCREENS} off",
                   f"(turn|switch|shut) off [the] [{{screen}}] {_SCREENS}",
                   f"[the] [{{screen}}] {_SCREENS} off",
                   f"(stop|disable) [the] [{{screen}}] {_SCREENS}"),
                  args={"on": False, "screen": "all"}),
        Sentences((
            f"(turn|switch|put) [the] [{{screen}}] {_SCREEN} on",
            f"(turn|switch|put) on [the] [{{screen}}] {_SCREEN}",
            f"{_SCREEN} [the] [{{screen}}]", f"(start|enable) [the] [{{screen}}] {_SCREEN}",
            f"[{{screen}}] {_SCREEN} on", "(clear|unfog|demist|defrost) the {screen}",
            "(the|my) {screen} is [all|completely] (fogged|fogging|misted|steamed|frosted|iced) "
            "up",
            "i cant see out [of] the {screen}",
        ), args={"on": True}),
        Sentences((
            "(turn|switch|put) on [the] (rear|back) (window|windscreen|windshield|screen) "
            "(heater|heating)",
            "(turn|switch|put) [the] (rear|back) (window|windscreen|windshield|screen) "
            "(heater|heating) on",
            "[the] heated (rear|back) (window|screen|windscreen) on",
            "(heat|warm) [up] the (rear|back) (window|windscreen|windshield|screen)",
            "[the] (rear|back) (windscreen|windshield|screen) heat[ing] [on]",
        ), args={"on": True, "screen": "rear"}),
        Sentences((
            "(turn|switch|put) on [the] (windscreen|windshield|front screen) heater",
            "[(turn|switch|put)] [the] (windscreen|windshield|front screen) heater on",
            "(heat|warm) [up] the (windscreen|windshield|front screen)",
        ), args={"on": True, "screen": "front"}),
        Sentences((
            "(turn|switch|shut) off [the] (windscreen|windshield|front screen) heater",
            "[(turn|switch|shut)] [the] (windscreen|windshield|front screen) heater off",
        ), args={"on": False, "screen": "front"}),
        Sentences((
            "(turn|switch|shut) off [the] (rear|back) (window|windscreen|windshield|screen) "
            "(heater|heating)",
            "(turn|switch|shut) [the] (rear|back) (window|windscreen|windshield|screen) "
            "(heater|heating) off",
            "[the] heated (rear|back) (window|screen|windscreen) off",
            "[the] (rear|back) (windscreen|windshield|screen) heat[ing] off",
        ), args={"on": False, "screen": "rear"}),
        Sentences((
            f"(turn|switch|shut) [the] [{{screen}}] {_SCREEN} off",
            f"(turn|switch|shut) off [the] [{{screen}}] {_SCREEN}",
            f"(stop|disable) [the] [{{screen}}] {_SCREEN}", f"[{{screen}}] {_SCREEN} off",
        ), args={"on": False}),
    ),
    lists={"screen": values(
        ("(front|windscreen|windshield|front windscreen|front windshield|front window|front "
         "glass|front screen)",
         "front"),
        ("(rear|back|rear window|back window|rear windscreen|rear windshield|rear glass|back "
         "glass|rear screen)", "rear"),
        ("(all [the]|both [the]|[both [the]] front and (rear|back))", "all"))},
    model_examples=(("the windscreen is all fogged up", {"on": True, "screen": "front"}),),
    ask={"on": "On or off?"},
    wholes={"screen": ("all", frozenset(("front", "rear")))},
)


SET_DEFROST: Tool[SetDefrostArgs] = Tool(
    name="set_defrost",
    language=SET_DEFROST_LANGUAGE,
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
