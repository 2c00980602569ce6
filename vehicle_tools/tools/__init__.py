"""The tool declarations, and the registry Cabin ships with."""

from __future__ import annotations

from vehicle_tools.registry import Registry
from vehicle_tools.tools.climate import SET_AC, SET_FAN, SET_TEMPERATURE
from vehicle_tools.tools.info import GET_VEHICLE_STATUS
from vehicle_tools.tools.windows import SET_WINDOW


def default_registry() -> Registry:
    """A registry of every tool Cabin ships with."""
    return Registry((SET_TEMPERATURE, SET_FAN, SET_AC, SET_WINDOW, GET_VEHICLE_STATUS))
