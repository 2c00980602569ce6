"""Vehicle settings: which CAN bus, which DBC, and whether to simulate the car in-process."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


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


class SimConfig(_Section):
    """The simulated body ECU (only used when `VehicleConfig.simulate` is true)."""

    window_speed_pct_per_s: float = Field(
        default=25.0, ge=0.0, le=1000.0,
        description="window travel speed, percent of full travel per second; 0 = instant")


class VehicleConfig(_Section):
    """Everything `vehicle_tools.vehicle.open_vehicle` needs."""

    can: CanConfig = CanConfig()
    simulate: bool = Field(
        default=True, description="start the simulated body ECU in-process on the same bus")
    sim: SimConfig = SimConfig()
