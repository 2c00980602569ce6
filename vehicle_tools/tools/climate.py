"""Climate tools: target temperature per zone, fan level, A/C. Drives ``CLIMATE_CMD``
(multiplexed: one setting per frame, see cabin.dbc) and confirms from ``CLIMATE_STATUS``."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field, field_validator

from vehicle_tools.errors import ToolError
from vehicle_tools.language import ADJUST_TO, Complaint, Language, Range, Sentences, Values
from vehicle_tools.registry import CommandFrame, Report, SignalLink, Tool, ToolArgs
from vehicle_tools.state import VehicleState

TEMP_MIN_C = 16.0
"""Lowest target temperature a tool may request, degrees C."""
TEMP_MAX_C = 28.0
"""Highest target temperature a tool may request, degrees C."""
TEMP_STEP_C = 0.5
"""Resolution of the climate controller, degrees C; requests are rounded to it."""
FAN_MAX = 7
"""Highest blower level (0 = off)."""

Zone = Literal["driver", "passenger", "all"]
_ZONE_SIGNALS: Mapping[Zone, tuple[str, ...]] = MappingProxyType({
    "driver": ("TempDriver",), "passenger": ("TempPassenger",),
    "all": ("TempDriver", "TempPassenger")})


def _missing(what: str) -> ToolError:
    return ToolError("not_available", f"The car has not reported the {what} yet.",
                     f"{what}: no status reading")


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
            "(a|one) degree (warmer|hotter|more)",
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
            "(im|i am|its|it is|feeling) [absolutely|feeling|rather|very|a bit|a little|too|really"
            "|so|boiling] (hot|warm|boiling|baking|roasting|sweltering) [in here]",
        ), args={"celsius": -1.0}, relative="celsius"),
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


class SetFanArgs(ToolArgs):
    """Arguments of ``set_fan``."""

    level: int = Field(ge=0, le=FAN_MAX, description=f"blower level, 0 (off) to {FAN_MAX} (max)")


def _fan_report(args: SetFanArgs, state: VehicleState) -> Report:
    level = state.number("FanLevel")
    if level is None:
        raise _missing("fan level")
    return {"fan_level": int(level)}


def _fan_reply(args: SetFanArgs, report: Report) -> str:
    level = report["fan_level"]
    return "The fan is off." if level == 0 else f"The fan is set to level {level}."


_FAN = "(fan|fans|blower|ventilation|fan speed|air flow|airflow)"
_STEPS = "[(notch|notches|level|levels|step|steps|more)]"
"""Words after a fan step ("up two notches")."""
SET_FAN_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("too much", "too strong", "too loud", "too noisy", "too windy",
                        "blowing a gale", "blasting", "gale", "roaring", "like a jet engine",
                        "howling", "so loud", "really loud", "very loud"),
                  about=("wind", "air", "fan", "blower", "vents", "draft", "draught"),
                  means="turn the fan down"),
        Complaint(feel=("barely feel", "hardly feel", "cant feel", "not enough", "too weak",
                        "no air", "not much air", "more air"), about=("air", "fan", "wind", "vents",
                                                          "airflow", "breeze"),
                  means="turn the fan up"),
    ),
    sentences=(
        Sentences((  # "up"/"down" before a number needs "to" or "level": "fan up one" is a step
            f"[(set|turn|put|change|bump|crank|switch)] [the] {_FAN} [(to|at|on)] "
            "[level|speed] {level}",
            f"[(set|turn|put|change|bump|crank|switch)] [the] {_FAN} (up|down) "
            "(to|at|on) [level|speed] {level}",
            f"(set|turn|put|change|bump|crank) (up|down) [the] {_FAN} (to|at|on) [level|speed] "
            "{level}",
            f"{ADJUST_TO} [the] {_FAN} [level|speed] (to|at) [level|speed] {{level}}",
            f"{_FAN} [level|speed] [to] {{level}}",
            "[set] [the] speed [(to|at)] {level}",
            f"(could|can) [you] [(bump|turn|put|set)] the {_FAN} (go|up|down) to [level] {{level}}",
            "(could|can) the (fan|blower) go to [level] {level}",
        )),
        Sentences((
            f"(turn|switch|shut) [the] {_FAN} off", f"(turn|switch|shut) off [the] {_FAN}",
            f"off the {_FAN}", f"{_FAN} off",
            f"(stop|kill) [the] {_FAN} [altogether|completely|entirely]",
        ), args={"level": 0}),
        Sentences((f"[(set|turn|put)] [the] {_FAN} [down] [(to|at|on)] [the] (min|minimum|lowest)",
                   f"[the] (min|minimum|lowest) {_FAN}"), args={"level": 1}),
        Sentences((
            f"[(set|turn|put|crank)] [the] {_FAN} [up] [(to|at|on)] (max|maximum|full|highest|"
            "full blast|the max)",
            f"{_FAN} [to] (max|maximum|full|full blast|flat out|full bore)",
            f"(max|maximum|full) {_FAN}",
            f"[(turn|crank|put|bump)] [the] {_FAN} all the way up",
        ), args={"level": 7}),
        Sentences((f"(set|change) [the] {_FAN}",)),
        Sentences((
            f"(turn|bump|crank|put) [the] {_FAN} up [a bit|a notch]", f"{_FAN} up",
            "(a bit|a little|some) more air", "give (me|us) more air",
            f"(turn|bump|crank|put) up [the] {_FAN} [a bit|a notch]",
            f"(more|increase [the]) {_FAN}", "more air", f"{_FAN} one higher",
            f"[give (me|us)] (another|one more) notch (on|for) [the] {_FAN}",
        ), args={"level": 1}, relative="level"),
        Sentences((
            f"(turn|put) [the] {_FAN} down [a bit|a notch]",
            f"(turn|put) down [the] {_FAN} [a bit|a notch]",
            f"(less|decrease [the]|lower [the]|reduce [the]) {_FAN}",
            f"[the] {_FAN} is [way|far|much] too (loud|strong|noisy)", f"{_FAN} down",
            "less air", "too much (air|wind)", f"{_FAN} one lower",
            f"(one|a) notch less (on|for) [the] {_FAN}",
        ), args={"level": -1}, relative="level"),
        Sentences((
            f"[(turn|bump|crank|put|kick|knock)] [the] {_FAN} up [by] {{level}} {_STEPS}",
            f"(turn|bump|crank|put|kick|knock) up [the] {_FAN} [by] {{level}} {_STEPS}",
            f"(raise|increase) [the] {_FAN} [level|speed] by {{level}} {_STEPS}",
        ), relative="level"),
        Sentences((
            f"[(turn|put|knock|drop|bring)] [the] {_FAN} down [by] {{minus_level:level}} {_STEPS}",
            f"(turn|put|knock|drop|bring) down [the] {_FAN} [by] {{minus_level:level}} {_STEPS}",
            f"(lower|decrease|reduce) [the] {_FAN} [level|speed] by {{minus_level:level}} "
            f"{_STEPS}",
        ), relative="level"),
    ),
    lists={"minus_level": Values(tuple((str(n), -n) for n in range(1, FAN_MAX + 1)))},
    state_keys={"level": "FanLevel"},
    examples=(
              "set the fan to level three",
              "turn the fan up",
              "turn the fan off",
              "fan speed",
              "maximum"),
    model_examples=(("blower on four", {"level": 4}),),
    referent="the fan",
    ask={"level": "Which level?"},
)


SET_FAN: Tool[SetFanArgs] = Tool(
    name="set_fan",
    language=SET_FAN_LANGUAGE,
    topics=("fan", "blower", "ventilation", "airflow", "air flow", "breeze", "stuffy", "fresh air"),
    description=f"Set the climate blower (fan) level, 0 = off, {FAN_MAX} = maximum.",
    action="change the fan",
    usage=f"I can set the fan to a level from 0, which is off, to {FAN_MAX}.",
    args_model=SetFanArgs,
    commands=lambda a: (CommandFrame("CLIMATE_CMD", {
        "ClimateCmdItem": "FAN", "FanLevelReq": a.level}),),
    confirmed=lambda a, fresh: fresh.number("FanLevel") == a.level,
    report=_fan_report,
    reply=_fan_reply,
    links=(SignalLink("level", "CLIMATE_CMD", "FanLevelReq"),),
    reads=("FanLevel",),
)


class SetAcArgs(ToolArgs):
    """Arguments of ``set_ac``."""

    on: bool = Field(description="true to switch the air conditioning on, false for off")


def _on_off(on: bool) -> str:
    return "ON" if on else "OFF"


def _ac_report(args: SetAcArgs, state: VehicleState) -> Report:
    ac = state.text("AcOn")
    if ac is None:
        raise _missing("air conditioning state")
    return {"ac_on": ac == "ON"}


_AC = "(ac|a c|air conditioning|air conditioner|air con|aircon|climate control|cooling)"
SET_AC_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("humid", "muggy", "sticky", "clammy"), means="turn on the ac"),
    ),
    sentences=(
        Sentences((
            f"(turn|switch|put|flip) [the] {_AC} on", f"(turn|switch|put|flip) on [the] {_AC}",
            f"(start|enable|activate|use|open) [the] {_AC}", f"{_AC} on", f"on the {_AC}",
            f"(i|we) (need|want) [some|the] {_AC} [on]", f"[the] {_AC} back on",
            "[the] air on", f"get [the] {_AC} (going|on|running|started)",
        ), args={"on": True}),
        Sentences((
            f"(turn|switch|put|flip|shut) [the] {_AC} off",
            f"(turn|switch|flip|shut) off [the] {_AC}",
            f"(stop|disable|deactivate|kill|close) [the] {_AC}", f"{_AC} off", f"no [more] {_AC}",
            f"off the {_AC}", "[the] air off", f"(we|i) (dont|do not) need the {_AC} [anymore]",
        ), args={"on": False}),
    ),
    examples=("turn on the air conditioning", "switch the air con off", "a c"),
    model_examples=(("switch the AC on", {"on": True}), ("I'm sweating", {"on": True})),
    ask={"on": "On or off?"},
)


SET_AC: Tool[SetAcArgs] = Tool(
    name="set_ac",
    language=SET_AC_LANGUAGE,
    topics=("air conditioning", "air conditioner", "air con", "aircon", "ac", "a/c", "a c", "cool",
            "hot", "stuffy", "sweating", "muggy", "humid", "boiling", "climate"),
    description="Switch the air conditioning (A/C compressor) on or off.",
    action="switch the air conditioning",
    usage="I can switch the air conditioning on or off.",
    args_model=SetAcArgs,
    commands=lambda a: (CommandFrame("CLIMATE_CMD", {
        "ClimateCmdItem": "AC", "AcReq": _on_off(a.on)}),),
    confirmed=lambda a, fresh: fresh.text("AcOn") == _on_off(a.on),
    report=_ac_report,
    reply=lambda a, r: f"The air conditioning is {'on' if r['ac_on'] else 'off'}.",
    reads=("AcOn",),
)
