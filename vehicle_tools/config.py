"""Vehicle settings: which CAN bus and DBC, which D-Bus, and whether to simulate the car
in-process."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from vehicle_tools.config_numbers import strict_numbers


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return strict_numbers(cls, value, info)  # `true` is not 1.0 (issue 23 item 10)


class CanConfig(_Section):
    """The CAN bus the head unit talks to the body ECU on."""

    interface: Literal["virtual", "socketcan"] = Field(
        default="virtual", description="python-can interface: virtual (in-process) or socketcan")
    channel: str = Field(default="cabin0", min_length=1,
                         description="bus channel: a virtual bus name or a socketcan device (can0)")
    dbc: str | None = Field(
        default=None, description="path of the DBC file; None = the packaged cabin.dbc")
    response_timeout_s: float = Field(
        default=0.5, gt=0.0, le=10.0,
        description="how long to wait for the status frame confirming a command, seconds")


class DbusConfig(_Section):
    """The D-Bus the media, navigation and phone services are reached on."""

    enabled: bool = Field(default=True, description="connect the D-Bus backend at all")
    bus: Literal["session", "system"] = Field(
        default="session", description="which bus: session (tests, demo) or system (a car)")
    address: str | None = Field(
        default=None, description=(
            "D-Bus address overriding the bus (unix:path=...); None = "
            "$DBUS_SESSION_BUS_ADDRESS / $DBUS_SYSTEM_BUS_ADDRESS or the standard socket"))
    call_timeout_s: float = Field(
        default=1.0, gt=0.0, le=30.0,
        description="how long a D-Bus call (or the service confirming it) may take, seconds")
    media_player: str = Field(
        default="org.mpris.MediaPlayer2.cabin", pattern=r"^org\.mpris\.MediaPlayer2\.\w+",
        description="bus name of the MPRIS media player to control")


class SimConfig(_Section):
    """The simulated car (only used when `VehicleConfig.simulate` is true)."""

    window_speed_pct_per_s: float = Field(
        default=25.0, ge=0.0, le=1000.0,
        description="window travel speed, percent of full travel per second; 0 = instant")
    dbus_services: bool = Field(
        default=True, description=(
            "also publish the simulated media (MPRIS), navigation and phone services on the "
            "configured D-Bus, when one is reachable"))
    drive_profile: str | None = Field(
        default=None, description=(
            "drive profile the simulated car follows (parked, city, highway, or a YAML file); "
            "None = stay parked"))


class VehicleConfig(_Section):
    """Everything `vehicle_tools.vehicle.open_vehicle` needs."""

    can: CanConfig = CanConfig()
    dbus: DbusConfig = DbusConfig()
    simulate: bool = Field(
        default=True, description=(
            "start the simulated body ECU in-process on the same bus (and the simulated D-Bus "
            "services, see `SimConfig.dbus_services`)"))
    sim: SimConfig = SimConfig()
