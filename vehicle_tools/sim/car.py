"""The simulated car's state and how commands change it: pure, clock-free, no bus.

`SimCar.apply(message, values)` applies one decoded command frame (raw values, already checked
against the DBC limits by the ECU) and returns the status message it changed;
`SimCar.status(message)` builds a status message's signal values; `SimCar.advance(dt_s)` moves
windows and sunroof and, following the drive, speed, odometer and fuel.

Initial state: parked (gear P, 0 km/h), fuel 63 %, range 412 km, odometer 48213 km, both zones
21.0 degrees C, fan level 2, A/C on, seat heating and defrost off, all windows and the sunroof
closed, doors closed and locked, headlights on AUTO, fog and interior lights off, daylight
(the light sensor's ``AmbientLight`` reports DAY; `SimCar.set_ambient_light` or a drive
profile's ``light`` makes it NIGHT), tyres 240/240/230/230 kPa.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from vehicle_tools.state import SignalValue

logger = logging.getLogger(__name__)

WINDOW_IDS = ("Driver", "Passenger", "RearLeft", "RearRight")
"""WINDOW_CMD.WindowId raw value -> WINDOW_STATUS signal suffix; id 4 means all of them."""
ALL_WINDOWS = 4
HEADLIGHT_MODES = ("OFF", "AUTO", "LOW", "HIGH")
AMBIENT_LIGHTS = ("DAY", "NIGHT")
"""LIGHT_STATUS.AmbientLight values: what the light sensor says outside the car."""
AUTO_LOCK_KMH = 15.0
"""The doors lock by themselves at or above this speed, km/h."""
FUEL_PCT_PER_KM = 0.14
"""Fuel used per km driven, percent of the tank (7 l/100 km on a 50 l tank)."""
KM_PER_FUEL_PCT = 6.5
"""Range estimate per percent of fuel left, km."""


@dataclass
class Motor:
    """A window or sunroof motor: position and target, percent open."""

    position: float = 0.0
    target: float = 0.0

    @property
    def motion(self) -> str:
        """STOPPED, OPENING or CLOSING."""
        if self.target > self.position:
            return "OPENING"
        return "CLOSING" if self.target < self.position else "STOPPED"

    def advance(self, step_pct: float) -> None:
        """Move towards the target by at most ``step_pct`` percent."""
        if abs(self.target - self.position) <= step_pct:
            self.position = self.target
        elif self.target > self.position:
            self.position += step_pct
        else:
            self.position -= step_pct


@dataclass
class SimCar:
    """The simulated car's state, in DBC units (degrees C, km/h, %, km, kPa).

    Args:
        window_speed_pct_per_s: window and sunroof travel, percent per second; 0 = instant.
    """

    window_speed_pct_per_s: float = 25.0
    temp_driver_c: float = 21.0
    temp_passenger_c: float = 21.0
    fan_level: int = 2
    ac_on: bool = True
    seat_heat: dict[str, int] = field(default_factory=lambda: {"Driver": 0, "Passenger": 0})
    defrost: dict[str, bool] = field(default_factory=lambda: {"Front": False, "Rear": False})
    windows: dict[str, Motor] = field(default_factory=lambda: {n: Motor() for n in WINDOW_IDS})
    sunroof: Motor = field(default_factory=Motor)
    locked: bool = True
    doors_open: dict[str, bool] = field(default_factory=lambda: {
        n: False for n in (*WINDOW_IDS, "Trunk")})
    headlights: str = "AUTO"
    fog_on: bool = False
    interior_pct: int = 0
    ambient_light: str = "DAY"
    tires_kpa: dict[str, int] = field(default_factory=lambda: {
        "FL": 240, "FR": 240, "RL": 230, "RR": 230})
    speed_kmh: float = 0.0
    gear: str = "P"
    fuel_pct: float = 63.0
    range_km: int = 412
    odometer_km: float = 48213.0

    def apply(self, message: str, values: Mapping[str, SignalValue]) -> str | None:
        """Apply one command (raw values); return the status message it affects, or None."""
        handler = self._handlers().get(message)
        if handler is None:
            return None
        status, apply = handler
        apply(values)
        return status

    def _handlers(self) -> dict[str, tuple[str, Callable[[Mapping[str, SignalValue]], None]]]:
        return {"CLIMATE_CMD": ("CLIMATE_STATUS", self._climate),
                "WINDOW_CMD": ("WINDOW_STATUS", self._window),
                "SUNROOF_CMD": ("WINDOW_STATUS", self._sunroof),
                "DOOR_CMD": ("DOOR_STATUS", self._doors),
                "LIGHT_CMD": ("LIGHT_STATUS", self._lights)}

    def status(self, message: str) -> dict[str, SignalValue]:
        """The signal values of status ``message`` (VAL_ names for enumerations)."""
        builders: dict[str, Callable[[], dict[str, SignalValue]]] = {
            "CLIMATE_STATUS": self._climate_status, "WINDOW_STATUS": self._window_status,
            "VEHICLE_STATUS": self._vehicle_status, "DOOR_STATUS": self._door_status,
            "LIGHT_STATUS": self._light_status, "TIRE_STATUS": self._tire_status}
        return builders[message]()

    @staticmethod
    def status_messages() -> tuple[str, ...]:
        """Every status message the car reports."""
        return ("VEHICLE_STATUS", "CLIMATE_STATUS", "WINDOW_STATUS", "DOOR_STATUS",
                "LIGHT_STATUS", "TIRE_STATUS")

    def set_motion(self, gear: str, speed_kmh: float) -> None:
        """Put the car in ``gear`` (P, R, N, D) at ``speed_kmh`` km/h (auto-locks when fast)."""
        self.gear, self.speed_kmh = gear, speed_kmh
        if speed_kmh >= AUTO_LOCK_KMH:
            self.locked = True

    def set_ambient_light(self, light: str) -> None:
        """What the light sensor reports: ``DAY`` or ``NIGHT`` (case-insensitive).

        Raises:
            ValueError: any other value.
        """
        if light.upper() not in AMBIENT_LIGHTS:
            raise ValueError(f"ambient light must be one of {AMBIENT_LIGHTS}, not {light!r}")
        self.ambient_light = light.upper()

    def advance(self, dt_s: float) -> None:
        """Let ``dt_s`` seconds pass: motors travel, distance and fuel follow the speed."""
        step = self.window_speed_pct_per_s * dt_s
        for motor in (*self.windows.values(), self.sunroof):
            motor.advance(step)
        km = self.speed_kmh * dt_s / 3600.0
        if km <= 0:
            return
        self.odometer_km = min(999_999.0, self.odometer_km + km)
        self.fuel_pct = max(0.0, self.fuel_pct - km * FUEL_PCT_PER_KM)
        self.range_km = int(self.fuel_pct * KM_PER_FUEL_PCT)

    def _climate(self, values: Mapping[str, SignalValue]) -> None:
        match values["ClimateCmdItem"]:
            case 0:
                zones, target = int(values["TempZone"]), float(values["TempTarget"])
                if zones & 1:
                    self.temp_driver_c = target
                if zones & 2:
                    self.temp_passenger_c = target
            case 1:
                self.fan_level = int(values["FanLevelReq"])
            case 2:
                self.ac_on = bool(values["AcReq"])
            case 3:
                mask = int(values["DefrostZone"])
                for bit, screen in ((1, "Front"), (2, "Rear")):
                    if mask & bit:
                        self.defrost[screen] = bool(values["DefrostReq"])
            case 4:
                mask = int(values["SeatZone"])
                for bit, seat in ((1, "Driver"), (2, "Passenger")):
                    if mask & bit:
                        self.seat_heat[seat] = int(values["SeatHeatReq"])
            case other:
                logger.warning("ignoring CLIMATE_CMD with item %r", other)

    def _move(self, motor: Motor, target: float) -> None:
        motor.target = target
        if self.window_speed_pct_per_s <= 0:
            motor.position = target

    def _window(self, values: Mapping[str, SignalValue]) -> None:
        window_id, target = int(values["WindowId"]), float(values["WindowTargetPos"])
        names = WINDOW_IDS if window_id == ALL_WINDOWS else (WINDOW_IDS[window_id],)
        for name in names:
            self._move(self.windows[name], target)

    def _sunroof(self, values: Mapping[str, SignalValue]) -> None:
        self._move(self.sunroof, float(values["SunroofTargetPos"]))

    def _doors(self, values: Mapping[str, SignalValue]) -> None:
        self.locked = int(values["DoorLockReq"]) == 0

    def _lights(self, values: Mapping[str, SignalValue]) -> None:
        match values["LightCmdItem"]:
            case 0:
                self.headlights = HEADLIGHT_MODES[int(values["HeadlightReq"])]
            case 1:
                self.fog_on = bool(values["FogReq"])
            case 2:
                self.interior_pct = int(values["InteriorReq"])
            case other:
                logger.warning("ignoring LIGHT_CMD with item %r", other)

    def _climate_status(self) -> dict[str, SignalValue]:
        return {"TempDriver": self.temp_driver_c, "TempPassenger": self.temp_passenger_c,
                "FanLevel": self.fan_level, "AcOn": _on(self.ac_on),
                "SeatHeatDriver": self.seat_heat["Driver"],
                "SeatHeatPassenger": self.seat_heat["Passenger"],
                "DefrostFront": _on(self.defrost["Front"]),
                "DefrostRear": _on(self.defrost["Rear"])}

    def _window_status(self) -> dict[str, SignalValue]:
        status: dict[str, SignalValue] = {}
        for name, window in self.windows.items():
            status[f"WindowPos{name}"] = round(window.position)
            status[f"WindowMotion{name}"] = window.motion
        status["SunroofPos"] = round(self.sunroof.position)
        status["SunroofMotion"] = self.sunroof.motion
        return status

    def _vehicle_status(self) -> dict[str, SignalValue]:
        return {"VehicleSpeed": self.speed_kmh, "Gear": self.gear,
                "FuelLevel": round(self.fuel_pct * 2) / 2, "FuelRange": self.range_km,
                "Odometer": int(self.odometer_km)}

    def _door_status(self) -> dict[str, SignalValue]:
        status: dict[str, SignalValue] = {"DoorLocked": "LOCKED" if self.locked else "UNLOCKED"}
        for name, is_open in self.doors_open.items():
            key = "TrunkOpen" if name == "Trunk" else f"DoorOpen{name}"
            status[key] = "OPEN" if is_open else "CLOSED"
        return status

    def _light_status(self) -> dict[str, SignalValue]:
        return {"HeadlightMode": self.headlights, "FogLightsOn": _on(self.fog_on),
                "InteriorLight": self.interior_pct, "AmbientLight": self.ambient_light}

    def _tire_status(self) -> dict[str, SignalValue]:
        return {f"TirePressure{k}": v for k, v in self.tires_kpa.items()}


def _on(value: bool) -> str:
    return "ON" if value else "OFF"
