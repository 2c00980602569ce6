"""Vehicle information: answers from the live state decoded off the bus (``VEHICLE_STATUS``,
``TIRE_STATUS``, ``DOOR_STATUS``). Never guessed: a value the car has not recently reported is
answered with ``not_available``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.errors import ToolError
from vehicle_tools.language import Language, Sentences, Wonder, values
from vehicle_tools.registry import Report, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import number

_CAR = "[old] (car|ute|bakkie|truck|van|motor|thing)"

StatusItem = Literal["speed", "fuel", "range", "odometer", "gear", "tire_pressure", "doors"]

_TIRES = (("TirePressureFL", "front_left_kpa"), ("TirePressureFR", "front_right_kpa"),
          ("TirePressureRL", "rear_left_kpa"), ("TirePressureRR", "rear_right_kpa"))
_DOORS = (("DoorLocked", "locks"), ("DoorOpenDriver", "driver_door"),
          ("DoorOpenPassenger", "passenger_door"), ("DoorOpenRearLeft", "rear_left_door"),
          ("DoorOpenRearRight", "rear_right_door"), ("TrunkOpen", "trunk"))
_SIGNALS: Mapping[StatusItem, tuple[tuple[str, str], ...]] = MappingProxyType({
    # item: ((status signal, report key with its unit), ...)
    "speed": (("VehicleSpeed", "speed_kmh"),),
    "fuel": (("FuelLevel", "fuel_pct"),),
    "range": (("FuelRange", "range_km"),),
    "odometer": (("Odometer", "odometer_km"),),
    "gear": (("Gear", "gear"),),
    "tire_pressure": _TIRES,
    "doors": _DOORS,
})
_GEARS: Mapping[str, str] = MappingProxyType(
    {"P": "park", "R": "reverse", "N": "neutral", "D": "drive"})
_SPOKEN_ITEM: Mapping[StatusItem, str] = MappingProxyType({
    "speed": "speed", "fuel": "fuel level", "range": "range", "odometer": "odometer reading",
    "gear": "gear", "tire_pressure": "tyre pressures", "doors": "doors"})
_SPOKEN_DOOR: Mapping[str, str] = MappingProxyType({
    "driver_door": "the driver's door", "passenger_door": "the passenger's door",
    "rear_left_door": "the rear left door", "rear_right_door": "the rear right door",
    "trunk": "the trunk"})


class VehicleStatusArgs(ToolArgs):
    """Arguments of ``get_vehicle_status``."""

    item: StatusItem = Field(description=(
        "what to report: speed (km/h), fuel (percent of the tank), range (km left on the "
        "fuel), odometer (km driven), gear (park, reverse, neutral, drive), tire_pressure "
        "(kPa, each tyre), doors (locked or not, which doors are open)"))


def _signals(item: StatusItem) -> tuple[str, ...]:
    return tuple(signal for signal, _ in _SIGNALS[item])


def _report(args: VehicleStatusArgs, state: VehicleState) -> Report:
    report: Report = {}
    for signal, key in _SIGNALS[args.item]:
        value = state.get(signal)
        if value is None:
            raise ToolError("not_available",
                            f"The car has not reported its {_SPOKEN_ITEM[args.item]} just now.",
                            f"{signal}: no recent status reading")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        report[key] = value
    return report


def _doors_reply(report: Report) -> str:
    locked = "locked" if report["locks"] == "LOCKED" else "unlocked"
    open_ = [_SPOKEN_DOOR[k] for k in _SPOKEN_DOOR if report[k] == "OPEN"]
    if not open_:
        return f"The doors are closed and {locked}."
    listed = open_[0] if len(open_) == 1 else ", ".join(open_[:-1]) + " and " + open_[-1]
    return f"The car is {locked}, and {listed} {'is' if len(open_) == 1 else 'are'} open."


def _reply(args: VehicleStatusArgs, report: Report) -> str:  # noqa: PLR0911 - one per item
    value = report[_SIGNALS[args.item][0][1]]
    match args.item:
        case "speed":
            if value == 0:
                return "The car is not moving."
            return f"You are going {round(float(value))} kilometres per hour."
        case "fuel":
            return f"The tank is {number(value)} percent full."
        case "range":
            return f"You have {number(value)} kilometres of range."
        case "odometer":
            return f"The car has driven {number(value)} kilometres."
        case "gear":
            return f"The car is in {_GEARS.get(str(value), str(value))}."
        case "tire_pressure":
            values = ", ".join(number(report[key]) for _, key in _TIRES)
            return (f"The tyre pressures are {values} kilopascals, front left, front right, "
                    "rear left, rear right.")
        case "doors":
            return _doors_reply(report)


GET_VEHICLE_STATUS_LANGUAGE = Language(
    sentences=(
        Sentences(("(whats|what is|tell me|check) [the] [my|our] [current] (speed|current speed)",
                   "how fast (am i|are we) (going|driving|doing)", "(whats|what is) my speed",
                   "(what|which) speed (am i|are we) (doing|going|at)",
                   "[my|our] [current] speed (reading|check)", "[my|our] current speed",
                   "how fast (im|i am|were|we are) (going|driving|doing)",
                   f"how fast is (the|this) {_CAR} going"),
                  args={"item": "speed"}),
        Sentences(("(whats|what is|tell me|check) [the] [my] fuel [level]",
                   "how much (fuel|gas|petrol|diesel) (do i have|do we have|is left|have i got|"
                   "is in the tank|ive got|i have|weve got|we have|we got|have we got) [left]",
                   f"how much (fuel|gas|petrol|diesel) is in (this|the) {_CAR}",
                   "(have|has) (we|i) got enough (fuel|gas|petrol|diesel) [in the tank]",
                   "(is there|do (i|we) have) enough (fuel|gas|petrol|diesel) [in the tank]",
                   "(is|are) (the tank|we|i) (low|full|running low) [on (fuel|gas|petrol)]",
                   "how (full|empty) is the tank", "(fuel|gas|petrol) level",
                   "do (i|we) need (gas|fuel|petrol|to refuel)", "(fuel|petrol|gas|diesel)",
                   "how much (fuel|gas|petrol|diesel) ([is] left|remains|is remaining)",
                   "(am i|are we) (running|getting) low on (fuel|gas|petrol|diesel)",
                   "(fuel|gas|petrol|diesel) (status|check|situation|gauge|left)"),
                  args={"item": "fuel"}),
        Sentences(("(whats|what is|tell me|check) [the] [my] [remaining] range",
                   "(read|give) [me|us] [out] the [remaining] range",
                   "how far can (i|we) (go|drive|get) [on this tank|with this fuel|before i "
                   "need fuel]",
                   "how many (miles|kilometers|kilometres|km) (do i have|are) left [in the tank]",
                   "how many (miles|kilometers|kilometres|km) can (i|we) (go|drive)", "range",
                   "how far can (i|we) (go|drive|get) before (i|we) (need|have) to (fill up|refuel"
                   "|charge)",
                   "how much range (do i have|do we have|is left|have i got|have we got) [left]",
                   "how many (miles|kilometers|kilometres|km|ks|kays|k) (left|remain|to go) "
                   "[(before|till|until) (empty|i must refuel|i need fuel|we need fuel|i have to "
                   "refuel|i need to refuel)]",
                   "how many (miles|kilometers|kilometres|km|ks|kays) remain before (i|we) (must|"
                   "need to|have to) refuel",
                   "range (left|remaining|status|check) [in the tank]",
                   "how many (miles|kilometers|kilometres|km|ks|kays) (till|until|before) empty"),
                  args={"item": "range"}),
        Sentences(("(whats|what is|tell me|check) [the] [my] (odometer|mileage)[ reading]",
                   "(whats|what is) the (mileage|reading) on the (odometer|clock|car)",
                   "how many (miles|kilometers|kilometres|km) (does|has) (this|the) car (have|got|"
                   "done)", f"how many (miles|kilometers|kilometres|km) (this|the) {_CAR} has "
                   "(done|got|on it)",
                   "how many (miles|kilometers|kilometres|km) (are|is) on (this|the) car",
                   "how (far|many kilometres|many kilometers|many miles) has (this|the) car "
                   "(done|driven|gone)", "(odometer|mileage)",
                   "what (does|do) the (odometer|clock|mileage) (say|read|show)",
                   "what the (odometer|clock|mileage) (reads|shows)",  # not "says": "..., she says"
                   "whats the (odometer|clock) (say|read|show|saying|reading|showing)",
                   "how far (have i|have we|has it) (driven|gone|done) [(this|the) car] "
                   "[(in total|altogether|overall)]",
                   "(odometer|mileage|odo) (reading|check|status)",
                   "[the] (odometer|mileage) please",
                   "[the] total (miles|kilometers|kilometres|km|mileage) [on the (car|clock)]",
                   "[(whats|what is)] [the] (mileage|odometer [reading]) on (the|this) "
                   f"(clock|{_CAR})",
                   "how many (miles|kilometers|kilometres|km) (are|is) on the clock",
                   "(read|give) [me|us] [out] the (odometer|mileage) [reading]",
                   "[the] (miles|kilometers|kilometres|km) on the (clock|odometer|car)"),
                  args={"item": "odometer"}),
        Sentences(("(what|which) gear (am i|are we|is the car|is it) in",
                   "(what|which) gears (she|it) in",
                   "(whats|what is) [the] gear", "is (the car|it) in (park|drive|reverse|neutral)",
                   "are we in (park|drive|reverse|neutral)", "gear (check|status)",
                   "(what|which) gear [now|please]"),
                  args={"item": "gear"}),
        Sentences(("(whats|what is|tell me|check) [the] [my] (tire|tyre) pressure[s] [all round|"
                   f"all around|on (the|this) {_CAR}]",
                   "how are [the] [my] (tires|tyres)",
                   "[the] (tire|tyre) pressure[s] [all round|all around]",
                   "are [the] [my] (tires|tyres) (ok|okay|fine|inflated)",
                   "check [the] [my] (tires|tyres) [pressure]",
                   "[are] [the] [my] (tires|tyres) (ok|okay|fine|alright)"),
                  args={"item": "tire_pressure"}),
        Sentences(("[check] (are|is) [the|my] (doors|door|car) (locked|unlocked|open|closed|shut)",
                   "did i lock [the] (car|doors)", "is the (trunk|boot) (open|closed)",
                   "(is|are) (a|any|the) door[s] open",
                   "[check] (are|is) (all|any) [of] the doors (open|shut|closed|locked|unlocked)",
                   "are [the|my] doors [all] locked up [tight]",
                   "are all [of] the doors locked up [tight]",
                   "[the] (doors|door) (locked|unlocked|open|shut|closed) or (not|what)",
                   "check [if|that|whether] [the|my] (doors|door|car) (is|are) (locked|unlocked|"
                   "open|shut|closed)",
                   "did (i|we|the kids|someone|anyone|somebody|they|you) (shut|close|lock) [the] "
                   "[(back|rear|front)] doors [properly]"),
                  args={"item": "doors"}),
        Sentences((  # a reading named with the word for reading it ("door status")
            "[(whats|what is|check|tell me|give me|show me)] [the] [my] [current] "
            "{reading:item} (reading|status|check|situation|display)",
            "(check|checking|query|report|read) [the] [my] [current] [vehicle|car] "
            "{reading:item} [all round|all around]",),),
    ),
    examples=(
              "what is the range",
              "how much fuel is left",
              "how fast am i going",
              "odometer",
              "which gear am i in"),
    model_examples=(("how many kilometres are on the clock", {"item": "odometer"}),
                    ("how much gas have I got", {"item": "fuel"})),
    ask={"item": "Which reading: fuel, range, speed, tyre pressure, doors or odometer?"},
    lists={"reading": values(
        ("(speed|speedo|speedometer)", "speed"),
        ("(fuel|petrol|gas|diesel|tank|fuel tank) [gauge]", "fuel"),
        ("range", "range"),
        ("(odometer|odo|mileage|clock)", "odometer"),
        ("(gear|gearbox|transmission)", "gear"),
        ("(tire|tyre) pressure[s]", "tire_pressure"),
        ("(door|doors|door locks|locks)", "doors"))},
    wonders=(
        Wonder(("tyre", "tyres", "tire", "tires", "flat", "gone soft", "going soft",
                "puncture", "pulling to one side", "pulling left", "pulling right"),
               "check the tyre pressure"),
        Wonder(("door", "doors", "lock up", "locked up", "locked the car", "lock the car",
                "shut properly", "properly shut"), "are the doors locked"),
        Wonder(("in park", "in gear", "gear", "gearbox", "in reverse", "in neutral"),
               "what gear am i in"),
        Wonder(("fuel", "petrol", "diesel", "gas", "tank"), "whats the fuel level"),
        Wonder(("enough fuel", "enough in the tank", "enough petrol", "enough diesel",
                "enough gas", "reach the next", "make it to the next", "get back on"),
               "whats the range"),
        Wonder(("speeding", "how fast", "too fast", "over the limit", "the speed limit"),
               "how fast am i going"),
        Wonder(("mileage", "odometer", "miles are on", "kilometres are on", "kilometers are on",
                "miles on", "kilometres on", "has done", "have done"),
               "whats the odometer reading")),
)


GET_VEHICLE_STATUS: Tool[VehicleStatusArgs] = Tool(
    name="get_vehicle_status",
    language=GET_VEHICLE_STATUS_LANGUAGE,
    topics=("speed", "fast", "fuel", "gas", "petrol", "diesel", "tank", "range", "how far",
            "odometer", "mileage", "gear", "tire", "tyre", "pressure", "door", "locked", "miles",
            "kilometers", "kilometres", "status"),
    description="Tell the driver the current speed, fuel level, remaining range, odometer "
                "reading, gear, tyre pressures or door state, as reported by the car.",
    action="read that from the car",
    usage="I can tell you the speed, the fuel level, the range, the odometer, the gear, the "
          "tyre pressures or whether the doors are locked.",
    args_model=VehicleStatusArgs,
    commands=lambda a: (),
    confirmed=lambda a, fresh: fresh.has(*_signals(a.item)),
    report=_report,
    reply=_reply,
    reads=tuple(signal for pairs in _SIGNALS.values() for signal, _ in pairs),
    max_age_s=1.0,
)
