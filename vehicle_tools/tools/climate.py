"""Climate tools: fan level and A/C (the target temperature is in temperature.py). Drive
``CLIMATE_CMD`` (multiplexed: one setting per frame, see cabin.dbc) and confirm from
``CLIMATE_STATUS``."""

from __future__ import annotations

from pydantic import Field

from vehicle_tools.language import ADJUST_TO, Complaint, Language, Sentences, Values
from vehicle_tools.registry import CommandFrame, Report, SignalLink, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import missing as _missing

FAN_MAX = 7
"""Highest blower level (0 = off)."""


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
            f"(stop|kill|cut) [the] {_FAN} [altogether|completely|entirely]",
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


_AC = ("(ac|a c|air conditioning|air conditioner|air con|aircon|climate control|cooling|compressor|"
       "cold air|cool air)")
SET_AC_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("humid", "muggy", "sticky", "clammy"), means="turn on the ac"),
    ),
    sentences=(
        Sentences((
            f"(turn|switch|put|flip) [the] {_AC} on", f"(turn|switch|put|flip) on [the] {_AC}",
            f"(start|enable|activate|use|open) [the] {_AC}", f"{_AC} on", f"on the {_AC}",
            f"(i|we) (need|want) [some|the] {_AC} [(on|going|running)]", f"[the] {_AC} back on",
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
