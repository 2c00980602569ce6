"""Climate tools: target temperature per zone, fan level, A/C.

Drives ``CLIMATE_CMD`` (multiplexed: one setting per frame, see cabin.dbc) and confirms from
``CLIMATE_STATUS``.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field, field_validator

from vehicle_tools.errors import ToolError
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
    "driver": ("TempDriver",),
    "passenger": ("TempPassenger",),
    "all": ("TempDriver", "TempPassenger"),
})


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


SET_TEMPERATURE: Tool[SetTemperatureArgs] = Tool(
    name="set_temperature",
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


SET_FAN: Tool[SetFanArgs] = Tool(
    name="set_fan",
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


SET_AC: Tool[SetAcArgs] = Tool(
    name="set_ac",
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
