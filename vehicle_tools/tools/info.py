"""Vehicle information: answers from the live state decoded off the bus (``VEHICLE_STATUS``)."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Report, Tool, ToolArgs
from vehicle_tools.state import VehicleState

StatusItem = Literal["speed", "fuel", "range", "odometer", "gear"]

_SIGNALS: Mapping[StatusItem, tuple[str, str]] = MappingProxyType({
    # item: (status signal, report key with its unit)
    "speed": ("VehicleSpeed", "speed_kmh"),
    "fuel": ("FuelLevel", "fuel_pct"),
    "range": ("FuelRange", "range_km"),
    "odometer": ("Odometer", "odometer_km"),
    "gear": ("Gear", "gear"),
})
_GEARS: Mapping[str, str] = MappingProxyType(
    {"P": "park", "R": "reverse", "N": "neutral", "D": "drive"})
_SPOKEN_ITEM: Mapping[StatusItem, str] = MappingProxyType({
    "speed": "speed", "fuel": "fuel level", "range": "range", "odometer": "odometer reading",
    "gear": "gear"})


class VehicleStatusArgs(ToolArgs):
    """Arguments of ``get_vehicle_status``."""

    item: StatusItem = Field(description=(
        "what to report: speed (km/h), fuel (percent of the tank), range (km left on the "
        "fuel), odometer (km driven), gear (park, reverse, neutral, drive)"))


def _report(args: VehicleStatusArgs, state: VehicleState) -> Report:
    signal, key = _SIGNALS[args.item]
    value = state.get(signal)
    if value is None:
        raise ToolError("not_available",
                        f"The car has not reported its {_SPOKEN_ITEM[args.item]} just now.",
                        f"{signal}: no recent status reading")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return {key: value}


def _number(value: float | int | str | bool) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _reply(args: VehicleStatusArgs, report: Report) -> str:
    key = _SIGNALS[args.item][1]
    value = report[key]
    match args.item:
        case "speed":
            if value == 0:
                return "The car is not moving."
            return f"You are going {round(float(value))} kilometres per hour."
        case "fuel":
            return f"The tank is {_number(value)} percent full."
        case "range":
            return f"You have {_number(value)} kilometres of range."
        case "odometer":
            return f"The car has driven {_number(value)} kilometres."
        case "gear":
            return f"The car is in {_GEARS.get(str(value), str(value))}."


GET_VEHICLE_STATUS: Tool[VehicleStatusArgs] = Tool(
    name="get_vehicle_status",
    description="Tell the driver the current speed, fuel level, remaining range, odometer "
                "reading or gear, as reported by the car.",
    action="read that from the car",
    usage="I can tell you the speed, the fuel level, the range, the odometer or the gear.",
    args_model=VehicleStatusArgs,
    commands=lambda a: (),
    confirmed=lambda a, fresh: fresh.has(_SIGNALS[a.item][0]),
    report=_report,
    reply=_reply,
    reads=tuple(signal for signal, _ in _SIGNALS.values()),
    max_age_s=1.0,
)
