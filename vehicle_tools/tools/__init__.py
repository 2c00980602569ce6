"""The tool declarations, and the registry Cabin ships with."""

from __future__ import annotations

from vehicle_tools.registry import Registry
from vehicle_tools.tools.assistant import SET_ASSISTANT_VOICE
from vehicle_tools.tools.body import LOCK_DOORS, SET_LIGHTS, UNLOCK_DOORS
from vehicle_tools.tools.climate import SET_AC, SET_FAN
from vehicle_tools.tools.info import GET_VEHICLE_STATUS
from vehicle_tools.tools.media import MEDIA_CONTROL, MEDIA_SEARCH_TOOL, SET_MEDIA_VOLUME
from vehicle_tools.tools.navigation import CALL_CONTACT, CANCEL_NAVIGATION, GET_ETA, NAVIGATE_TO
from vehicle_tools.tools.seats import SET_DEFROST, SET_SEAT_HEATING
from vehicle_tools.tools.temperature import SET_TEMPERATURE
from vehicle_tools.tools.windows import SET_SUNROOF, SET_WINDOW

ALL_TOOLS = (
    SET_TEMPERATURE, SET_FAN, SET_AC, SET_WINDOW, GET_VEHICLE_STATUS,  # the original five first
    SET_DEFROST, SET_SEAT_HEATING, SET_SUNROOF, LOCK_DOORS, UNLOCK_DOORS, SET_LIGHTS,
    MEDIA_CONTROL, SET_MEDIA_VOLUME, MEDIA_SEARCH_TOOL,
    NAVIGATE_TO, CANCEL_NAVIGATION, GET_ETA, CALL_CONTACT,
    SET_ASSISTANT_VOICE,
)


def default_registry() -> Registry:
    """A registry of every tool Cabin ships with."""
    return Registry(ALL_TOOLS)
