"""The target temperature per zone: ``CLIMATE_CMD`` item 1 (multiplexed: one setting per
frame, see cabin.dbc), confirmed from ``CLIMATE_STATUS``; Fahrenheit said is converted."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field, field_validator

from vehicle_tools.language import ADJUST_TO, Complaint, Language, Range, Sentences, Values
from vehicle_tools.registry import CommandFrame, Report, SignalLink, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import missing as _missing

TEMP_MIN_C = 16.0
"""Lowest target temperature a tool may request, degrees C."""
TEMP_MAX_C = 28.0
"""Highest target temperature a tool may request, degrees C."""
TEMP_STEP_C = 0.5
"""Resolution of the climate controller, degrees C; requests are rounded to it."""

Zone = Literal["driver", "passenger", "all"]
_ZONE_SIGNALS: Mapping[Zone, tuple[str, ...]] = MappingProxyType({
    "driver": ("TempDriver",), "passenger": ("TempPassenger",),
    "all": ("TempDriver", "TempPassenger")})


def _degrees(value: float) -> str:
    return f"{value:g}"


class SetTemperatureArgs(ToolArgs):
    """Arguments of ``set_temperature``."""

    celsius: float = Field(ge=TEMP_MIN_C, le=TEMP_MAX_C, description=(
        f"target cabin temperature in degrees Celsius, {TEMP_MIN_C:g} to {TEMP_MAX_C:g}; "
        f"rounded to the nearest {TEMP_STEP_C:g} degree"))
    zone: Zone = Field(default="all", description="which seat's zone: driver, passenger or all")

    @field_validator("celsius")
    @classmethod
    def _round_to_step(cls, value: float) -> float:
        return round(value / TEMP_STEP_C) * TEMP_STEP_C


def _temperature_confirmed(args: SetTemperatureArgs, fresh: VehicleState) -> bool:
    return all(fresh.number(s) == args.celsius for s in _ZONE_SIGNALS[args.zone])


def _temperature_report(args: SetTemperatureArgs, state: VehicleState) -> Report:
    driver, passenger = state.number("TempDriver"), state.number("TempPassenger")
    if driver is None or passenger is None:
        raise _missing("cabin temperature setting")
    return {"driver_temp_c": driver, "passenger_temp_c": passenger}


def _temperature_reply(args: SetTemperatureArgs, report: Report) -> str:
    driver, passenger = report["driver_temp_c"], report["passenger_temp_c"]
    if args.zone == "driver":
        return f"The driver's side is set to {_degrees(float(driver))} degrees."
    if args.zone == "passenger":
        return f"The passenger's side is set to {_degrees(float(passenger))} degrees."
    if driver == passenger:
        return f"The temperature is set to {_degrees(float(driver))} degrees."
    return (f"The driver's side is set to {_degrees(float(driver))} degrees and the passenger's "
            f"side to {_degrees(float(passenger))} degrees.")


_TEMPERATURE = "(temperature|temp|climate|thermostat|cabin)"
_TEMPERATURE_WORDS = "(temperature|temp|heat|heating|climate|thermostat|cabin)"
SET_TEMPERATURE_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("cold", "freezing", "chilly", "shivering", "frozen", "icy", "baltic",
                        "too cool", "cool in here", "like a fridge", "an icebox", "like ice",
                        "like a freezer", "like an igloo"), means="make it warmer"),
        Complaint(means="make it cooler", feel=(
            "hot", "too warm", "bit warm", "so warm", "very warm", "really warm", "warm in here",
            "is warm", "its warm", "getting warm", "boiling", "roasting", "baking", "sweltering",
            "sweating", "stuffy", "like an oven", "a sauna", "like a sauna", "like a furnace",
            "like a greenhouse")),
    ),
    sentences=(
        Sentences((
            f"[(set|change|put|turn|adjust)] [the] {_TEMPERATURE_WORDS} [{{zone}}] [to|at|on] "
            "{celsius} [degrees] [celsius] [{zone}]",
            f"[(set|change|put|turn|adjust)] [the] {{zone}} {_TEMPERATURE_WORDS} [to|at] "
            "{celsius} [degrees] [celsius]",
            "(make|set|put|keep) (it|things) [to|at] {celsius} [degrees] [celsius] [in here] "
            "[{zone}]",
            # a bare number beside a zone only when it can be a temperature: "the passenger
            # one" is no temperature of 1 degree
            "{warm:celsius} [degrees] {zone}",
            "{zone} [temperature|temp] [to|at] {warm:celsius} [degrees]",
            "{zone} (temperature|temp) [to|at] {celsius} [degrees]",
            "{zone} [to|at] {celsius} degrees",
            "(make|set|put) [the] {zone} [to|at] {celsius} [degrees] [celsius]",
            "(warm|heat) (it|things|the car|the cabin) up to {celsius} [degrees] [{zone}]",
            "cool (it|things|the car|the cabin) [down] to {celsius} [degrees] [{zone}]",
            "(turn|bring|put) [the] heater (up|down) to {warm:celsius} [degrees] [{zone}]",
            f"(turn|bring|put) [the] {_TEMPERATURE_WORDS} (up|down) to {{celsius}} [degrees] "
            "[{zone}]",
            f"{ADJUST_TO} [the] {_TEMPERATURE_WORDS} [{{zone}}] (to|at) {{celsius}} [degrees] "
            "[{zone}]",
            "{celsius} degrees [celsius] [{zone}]",
            "{zone} (up|down) to {celsius} degrees",
            "(set|make it) {celsius} degrees [celsius] [{zone}]",
            "(i (want|need|would like|like)|id like) it [at] {celsius} [degrees] [{zone}]",
        )),
        Sentences((f"[(turn|bring|put)] [the] {_TEMPERATURE} back [(up|down)] to {{celsius}} "
                   "[degrees] [{zone}]",)),  # its own block: a loose reading needs the word
        Sentences((f"(set|change|adjust) [the] {_TEMPERATURE_WORDS} [{{zone}}]",)),
        Sentences(("[(set|keep|put)] [the] (ac|aircon) (temperature|temp) [(to|at)] "
                   "{warm:celsius}",)),
        Sentences((
            f"[(set|change|put|turn|adjust)] [the] {_TEMPERATURE_WORDS} [{{zone}}] [to|at] "
            "{celsius} [degrees] fahrenheit [{zone}]",
            "(make|set) it [to|at] {celsius} [degrees] fahrenheit [{zone}]",
            "(cool|warm|heat) (it|things|the car) [(down|up)] to {celsius} [degrees] fahrenheit",
            "{celsius} degrees fahrenheit [{zone}]",
        ), fahrenheit=("celsius",)),
        Sentences((
            "[make it|make things] [a] [(bit|little|touch|tad|degree)] (warmer|hotter) [in here] "
            "[{zone}] [again]", "[a] [(bit|little|touch|tad)] more heat [{zone}]",
            "(up (a|one) degree|(a|one) more degree) [{zone}]",
            "(warm|heat) (it|things|the car|the cabin) up [a bit|a little|a touch|slightly] "
            "[{zone}]",
            f"(turn|bring|put) [the] {_TEMPERATURE_WORDS} up [a bit] [{{zone}}]",
            f"(raise|increase) [the] {_TEMPERATURE_WORDS} [a bit] [{{zone}}]",
            f"(turn|bring|put) up [the] {_TEMPERATURE_WORDS} [a bit] [{{zone}}]",
            "(a|one) degree (warmer|hotter|more)", "[(turn|bring|put)] [the] {zone} side up "
            "[a bit|(a|one) degree]", "{zone} up (a|one) degree",
            "(im|i am|its|it is|feeling) [absolutely|feeling|rather|very|a bit|a little|too|really"
            "|so|freezing] (cold|chilly|freezing|shivering) [in here]",
            "my (feet|hands) are (freezing|cold)",
        ), args={"celsius": 1.0}, relative="celsius"),
        Sentences((
            "[make it|make things] [a] [(bit|little|touch|tad|degree)] (cooler|colder) [in here] "
            "[{zone}] [again]", "down (a|one) degree [{zone}]",
            "cool (it|things|the car|the cabin) down [a bit|a little|a touch|slightly] [{zone}]",
            "(im|i am) (sweating|boiling|roasting|too hot)",
            f"(turn|bring|put) [the] {_TEMPERATURE_WORDS} down [a bit] [{{zone}}]",
            f"(lower|decrease|reduce) [the] {_TEMPERATURE_WORDS} [a bit] [{{zone}}]",
            f"(turn|bring|put) down [the] {_TEMPERATURE_WORDS} [a bit] [{{zone}}]",
            "(a|one) degree (cooler|colder|less)", "[make it] [a] little [more] (cool|cooler)",
            "[(turn|bring|put)] [the] {zone} side down [a bit|(a|one) degree]",
            "{zone} down (a|one) degree",
            "(im|i am|its|it is|feeling) [absolutely|feeling|rather|very|a bit|a little|too|really"
            "|so|boiling] (hot|warm|boiling|baking|roasting|sweltering) [in here]",
        ), args={"celsius": -1.0}, relative="celsius"),
        *(Sentences((f"[(turn|bring|put)] my side {way} [a bit|(a|one) degree]",),
                    args={"celsius": by, "zone": "driver"}, relative="celsius")
          for way, by in (("up", 1.0), ("down", -1.0))),  # "my" alone is no zone
        Sentences((
            "[make it|make things] {celsius} degree[s] (warmer|hotter|more) [{zone}]",
            "(up {celsius} degree[s]|{celsius} (warmer|hotter)|{celsius} more degree[s]) [{zone}]",
            f"(turn|bring|put) [the] {_TEMPERATURE_WORDS} up [by] {{celsius}} degree[s] [{{zone}}]",
            f"(raise|increase) [the] {_TEMPERATURE_WORDS} [by] {{celsius}} degree[s] [{{zone}}]",
            f"((turn|bring|put) [the] {_TEMPERATURE_WORDS} up|(raise|increase) [the] "
            f"{_TEMPERATURE_WORDS}) by {{celsius}} [{{zone}}]",
            f"[the] {_TEMPERATURE_WORDS} [{{zone}}] up [by] {{celsius}} [degree[s]] [{{zone}}]",
        ), relative="celsius"),
        Sentences((
            "[make it|make things] {minus_celsius:celsius} degree[s] (cooler|colder|less) [{zone}]",
            "(down {minus_celsius:celsius} degree[s]|{minus_celsius:celsius} (cooler|colder)) "
            "[{zone}]",
            f"(turn|bring|put) [the] {_TEMPERATURE_WORDS} down [by] {{minus_celsius:celsius}} "
            "degree[s] [{zone}]",
            f"(lower|decrease|reduce) [the] {_TEMPERATURE_WORDS} [by] {{minus_celsius:celsius}} "
            "degree[s] [{zone}]",
            f"((turn|bring|put) [the] {_TEMPERATURE_WORDS} down|(lower|decrease|reduce) [the] "
            f"{_TEMPERATURE_WORDS}) by {{minus_celsius:celsius}} [{{zone}}]",
            f"[the] {_TEMPERATURE_WORDS} [{{zone}}] down [by] {{minus_celsius:celsius}} "
            "[degree[s]] [{zone}]",
        ), relative="celsius"),
        *(Sentences((f"[make it] a couple [of] degrees {said}",), args={"celsius": by},
                    relative="celsius") for said, by in (("(cooler|colder)", -2.0),
                                                         ("(warmer|hotter)", 2.0))),
        *(Sentences((f"[{ADJUST_TO}] [the] {_TEMPERATURE} [{{zone}}] [to|at|on] [the] {ends} "
                     "[setting] [{zone}]", f"{ends} {_TEMPERATURE} [{{zone}}]"),
                    args={"celsius": end})  # "temperature to the minimum"
          for ends, end in (("(minimum|min|lowest|coldest)", TEMP_MIN_C),
                            ("(maximum|max|highest|hottest|warmest)", TEMP_MAX_C))),
    ),
    lists={"celsius": Range(-1000, 1000, tenths=True), "warm": Range(10, 95, halves=True),
           "minus_celsius": Values(tuple((str(n), -float(n)) for n in range(1, 11)))},
    ask={"celsius": "What temperature would you like?"},
    state_keys={"celsius": "TempDriver", "celsius:zone=passenger": "TempPassenger"},
    fahrenheit_above={"celsius": 40.0},
    examples=("set the temperature to twenty one degrees", "make it twenty two and a half degrees",
              "warm it up", "cool it down", "turn the temperature down to eighteen", "on my side",
              "driver side", "passenger side", "all zones", "fahrenheit", "celsius"),
    model_examples=(("could you set it to 23 degrees", {"celsius": 23}),
                    ("passenger side nineteen and a half please",
                     {"celsius": 19.5, "zone": "passenger"})),
)


SET_TEMPERATURE: Tool[SetTemperatureArgs] = Tool(
    name="set_temperature",
    language=SET_TEMPERATURE_LANGUAGE,
    topics=("temperature", "temp", "degree", "celsius", "fahrenheit", "warm", "cool", "cold", "hot",
            "heat", "chilly", "freezing", "thermostat", "climate"),
    description="Set the target cabin temperature, for the driver's zone, the passenger's zone "
                "or both.",
    action="change the temperature",
    usage=f"I can set the temperature from {TEMP_MIN_C:g} to {TEMP_MAX_C:g} degrees, for the "
          "driver, the passenger or both.",
    args_model=SetTemperatureArgs,
    commands=lambda a: (CommandFrame("CLIMATE_CMD", {
        "ClimateCmdItem": "TEMPERATURE", "TempZone": a.zone.upper(), "TempTarget": a.celsius}),),
    confirmed=_temperature_confirmed,
    report=_temperature_report,
    reply=_temperature_reply,
    links=(SignalLink("celsius", "CLIMATE_CMD", "TempTarget"),),
    reads=("TempDriver", "TempPassenger"),
)
