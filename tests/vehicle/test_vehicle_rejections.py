"""Bad calls are refused with a typed, spoken answer, and nothing reaches the bus."""

from __future__ import annotations

import asyncio

import pytest

from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.vehicle import open_vehicle

BAD_ARGS = [
    ("set_temperature", {"celsius": 35}),
    ("set_temperature", {"celsius": 15.5}),
    ("set_temperature", {"celsius": 28.1}),
    ("set_temperature", {"celsius": -40}),
    ("set_temperature", {"celsius": float("nan")}),
    ("set_temperature", {"celsius": float("inf")}),
    ("set_temperature", {"celsius": "21"}),
    ("set_temperature", {"celsius": True}),
    ("set_temperature", {"celsius": None}),
    ("set_temperature", {"celsius": [21]}),
    ("set_temperature", {"celsius": 21, "zone": "rear"}),
    ("set_temperature", {"celsius": 21, "zone": "DRIVER"}),
    ("set_temperature", {"celsius": 21, "fan": 3}),
    ("set_temperature", {}),
    ("set_fan", {"level": 8}),
    ("set_fan", {"level": -1}),
    ("set_fan", {"level": 2.5}),
    ("set_fan", {"level": "3"}),
    ("set_fan", {"level": False}),
    ("set_ac", {"on": "yes"}),
    ("set_ac", {"on": 1}),
    ("set_ac", {}),
    ("set_window", {"window": "sunroof", "position_pct": 10}),
    ("set_window", {"window": "driver", "position_pct": 101}),
    ("set_window", {"window": "driver", "position_pct": -5}),
    ("set_window", {"window": "driver", "position_pct": 50.5}),
    ("set_window", {"window": "driver"}),
    ("set_window", {"position_pct": 10}),
    ("get_vehicle_status", {"item": "tyres"}),
    ("get_vehicle_status", {}),
]


def run_calls(config, calls: list[tuple[str, object]]) -> list[ToolResult]:
    async def scenario() -> list[ToolResult]:
        async with open_vehicle(config) as vehicle:
            return [await vehicle.dispatcher.call(name, args) for name, args in calls]  # type: ignore[arg-type]

    return asyncio.run(scenario())


@pytest.mark.parametrize(("name", "args"), BAD_ARGS)
def test_invalid_arguments_rejected_without_a_frame(make_config, capture, name, args) -> None:
    # The valid call afterwards proves the capture hears commands on this channel.
    bad, good = run_calls(make_config(), [(name, args), ("set_fan", {"level": 4})])
    assert not bad.ok
    assert bad.error_code == "invalid_arguments"
    assert bad.tool == name
    assert bad.args == {}
    assert bad.state == {}
    assert bad.reply.startswith("I can ")  # the tool's spoken usage
    assert bad.error_detail
    assert good.ok
    assert [f.values for f in capture.take()] == [{"ClimateCmdItem": "FAN", "FanLevelReq": 4}]


@pytest.mark.parametrize("args", [None, [1, 2], "celsius=21", 21])
def test_arguments_that_are_not_an_object(make_config, capture, args) -> None:
    [result] = run_calls(make_config(), [("set_temperature", args)])
    assert (result.ok, result.error_code) == (False, "invalid_arguments")
    assert capture.take() == []


@pytest.mark.parametrize("name", ["open_sunroof", "", "SET_TEMPERATURE", "set_temperature ",
                                  "__init__"])
def test_unknown_tool(make_config, capture, name) -> None:
    [result] = run_calls(make_config(), [(name, {"celsius": 21})])
    assert not result.ok
    assert result.error_code == "unknown_tool"
    assert result.tool == name
    assert result.reply == "Sorry, that is not something I can do in this car."
    assert "set_temperature" in (result.error_detail or "")
    assert capture.take() == []
