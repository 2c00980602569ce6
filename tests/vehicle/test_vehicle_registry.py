"""The registry: schemas for the LLM, lookup, validation, policy."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace

import pytest

from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Registry, ToolPolicy
from vehicle_tools.tools import default_registry
from vehicle_tools.tools.climate import SET_FAN
from vehicle_tools.vehicle import open_vehicle


def test_json_schemas_describe_every_tool_with_units() -> None:
    schemas = default_registry().json_schemas()
    assert [s["name"] for s in schemas] == [
        "set_temperature", "set_fan", "set_ac", "set_window", "get_vehicle_status",
        "set_defrost", "set_seat_heating", "set_sunroof", "lock_doors", "unlock_doors",
        "set_lights", "media_control", "set_media_volume", "media_search", "navigate_to",
        "cancel_navigation", "get_eta", "call_contact", "set_assistant_voice"]
    json.dumps(schemas)  # plain JSON, ready for an LLM prompt or grammar
    by_name = {s["name"]: s for s in schemas}
    temp = by_name["set_temperature"]["parameters"]
    assert temp["required"] == ["celsius"]
    assert temp["additionalProperties"] is False
    assert temp["properties"]["celsius"]["minimum"] == 16
    assert temp["properties"]["celsius"]["maximum"] == 28
    assert "Celsius" in temp["properties"]["celsius"]["description"]
    assert temp["properties"]["zone"]["enum"] == ["driver", "passenger", "all"]
    window = by_name["set_window"]["parameters"]["properties"]
    assert window["position_pct"]["maximum"] == 100
    assert "percent" in window["position_pct"]["description"]
    for schema in schemas:
        assert schema["description"]
        for prop in schema["parameters"]["properties"].values():
            assert prop.get("description"), schema["name"]


def test_lookup_and_validation() -> None:
    registry = default_registry()
    assert "set_fan" in registry and "nope" not in registry
    assert len(registry) == len(registry.names()) == 19
    tool, args = registry.validate("set_temperature", {"celsius": 22.74})
    assert tool.name == "set_temperature"
    assert args.model_dump() == {"celsius": 22.5, "zone": "all"}
    with pytest.raises(ToolError) as err:
        registry.get("nope")
    assert err.value.code == "unknown_tool"
    with pytest.raises(ToolError) as err:
        registry.validate("set_fan", {"level": 99})
    assert err.value.code == "invalid_arguments"
    assert "less than or equal to 7" in err.value.detail


def test_a_tool_is_declared_once() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        Registry([SET_FAN, SET_FAN])


def test_policy_parked_only_and_confirmation(make_config, capture) -> None:
    parked_only = replace(SET_FAN, policy=ToolPolicy(allowed_in=frozenset({"parked"})))
    confirm = replace(SET_FAN, name="set_fan_confirmed",
                      policy=ToolPolicy(needs_confirmation=True))

    async def scenario():
        async with open_vehicle(make_config(), registry=Registry([parked_only, confirm])) as v:
            assert v.ecu is not None
            parked = await v.dispatcher.call("set_fan", {"level": 3})
            asked = await v.dispatcher.call("set_fan_confirmed", {"level": 4})
            done = await v.dispatcher.call("set_fan_confirmed", {"level": 4}, confirmed=True)
            v.ecu.set_motion("D", 50.0)
            assert await v.backend.wait_for_state(lambda s: s.get("Gear") == "D", 30)
            driving = await v.dispatcher.call("set_fan", {"level": 5})
            return parked, asked, done, driving

    parked, asked, done, driving = asyncio.run(scenario())
    assert parked.ok
    assert (asked.ok, asked.error_code) == (False, "needs_confirmation")
    assert asked.reply == "Do you want me to change the fan?"
    assert done.ok
    assert (driving.ok, driving.error_code) == (False, "not_allowed")
    assert driving.reply == "I can only change the fan when the car is parked."
    levels = [f.values["FanLevelReq"] for f in capture.take()]
    assert levels == [3, 4]  # nothing sent for the refused calls
