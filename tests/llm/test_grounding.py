"""Grounding and relevance: pure checks of planned calls against what the driver said."""

from __future__ import annotations

import pytest

from daemon.llm.grounding import question, ungrounded
from daemon.llm.relevance import candidates, cannot_do, check, clauses
from daemon.llm.schema import tool_specs
from daemon.llm.types import Message, PlannedCall
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()
TOOLS = tool_specs(REGISTRY)


def _call(name: str, **args: object) -> PlannedCall:
    return PlannedCall(name, args)


@pytest.mark.parametrize(("call", "text"), [
    (_call("set_temperature", celsius=21.0), "set the temperature to twenty one degrees"),
    (_call("set_temperature", celsius=22.5, zone="driver"),
     "make it twenty two and a half degrees on my side"),
    (_call("set_temperature", celsius=21.0, zone="all"), "21°C please"),
    (_call("set_temperature", celsius=21.0), "set it to 70 degrees fahrenheit"),
    (_call("set_fan", level=0), "turn the fan off"),
    (_call("set_fan", level=7), "fan to max"),
    (_call("set_window", window="rear_left", position_pct=50), "open the back left window halfway"),
    (_call("set_window", window="passenger", position_pct=100), "open the passenger window"),
    (_call("set_window", window="all", position_pct=0), "close all the windows"),
    (_call("set_ac", on=True), "it's stuffy in here"),
    (_call("set_ac", on=False), "switch the air con off"),
    (_call("navigate_to", destination="nearest gas station"),
     "navigate to the nearest gas station"),
    (_call("call_contact", contact="Anna"), "ring anna"),
    (_call("set_seat_heating", level=3, seat="driver"), "heat my seat on three"),
    (_call("get_vehicle_status", item="fuel"), "how much gas is left"),
    (_call("media_control", action="next"), "skip this song"),
])
def test_values_the_driver_said_are_grounded(call: PlannedCall, text: str) -> None:
    assert ungrounded(call, text, [], REGISTRY) == []


@pytest.mark.parametrize(("call", "text", "bad"), [
    (_call("set_temperature", celsius=22.0), "make it warmer", ["celsius"]),
    (_call("set_temperature", celsius=21.0, zone="passenger"), "set it to 21", ["zone"]),
    (_call("set_window", window="driver", position_pct=100), "open the window", ["window"]),
    (_call("set_window", window="driver", position_pct=30), "open my window", ["position_pct"]),
    (_call("set_fan", level=3), "change the fan speed", ["level"]),
    (_call("set_ac", on=False), "turn on the air conditioning", ["on"]),
    (_call("navigate_to", destination="airport"), "take me to the station", ["destination"]),
    (_call("navigate_to", destination="somewhere"), "navigate somewhere", ["destination"]),
    (_call("get_vehicle_status", item="range"), "what's the mileage on the odometer", ["item"]),
    (_call("set_fan", bogus=1), "fan to 1", ["bogus"]),
    (_call("no_such_tool", x=1), "x to 1", ["x"]),
    (_call("set_fan", level=10 ** 400), "fan to 1", ["level"]),
])
def test_invented_values_are_ungrounded(call: PlannedCall, text: str, bad: list[str]) -> None:
    assert ungrounded(call, text, [], REGISTRY) == bad


def test_history_grounds_a_follow_up() -> None:
    history = [Message("user", "open the window"), Message("assistant", "Which window?")]
    call = _call("set_window", window="passenger", position_pct=100)
    assert ungrounded(call, "the passenger one", history, REGISTRY) == []
    assert ungrounded(call, "the passenger one", [], REGISTRY) == ["position_pct"]


def test_a_default_value_needs_no_words() -> None:
    assert ungrounded(_call("set_temperature", celsius=19.0, zone="all"), "nineteen degrees",
                      [], TOOLS) == []


def test_questions_name_the_missing_value() -> None:
    assert question(_call("set_window"), "window") == "Which window?"
    assert question(_call("set_temperature"), "celsius") == "What temperature would you like?"


def test_relevance_declines_the_nearest_tool() -> None:
    assert not check("set_window", "turn on the windshield wipers", [], TOOLS).ok
    assert check("set_window", "turn on the windshield wipers", [], TOOLS).cannot == \
        "control the wipers"
    assert not check("set_temperature", "heat up the steering wheel", [], TOOLS).ok
    assert not check("unlock_doors", "open the trunk", [], TOOLS).ok
    assert check("set_ac", "it's stuffy in here", [], TOOLS).ok
    assert check("set_seat_heating", "warm up the driver seat", [], TOOLS).ok


def test_relevance_works_per_clause() -> None:
    text = "open the window and turn on the wipers"
    assert clauses(text) == [" open the window ", " turn on the wipers "]
    assert check("set_window", text, [], TOOLS).ok
    assert not check("set_defrost", text, [], TOOLS).ok
    assert cannot_do(text) == "control the wipers"


def test_follow_up_takes_its_topic_from_history() -> None:
    history = [Message("user", "open the window"), Message("assistant", "Which window?")]
    assert check("set_window", "the passenger one", history, TOOLS).ok
    assert not check("set_window", "the passenger one", [], TOOLS).ok


def test_candidates_come_from_topics() -> None:
    assert candidates("make it warmer", TOOLS) == ("set_temperature",)
    assert set(candidates("skip this song", TOOLS)) == {"media_control", "media_search"}
    assert candidates("turn on the wipers", TOOLS) == ()
