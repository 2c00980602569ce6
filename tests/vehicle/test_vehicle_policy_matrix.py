"""The policy matrix: every tool x every driving state x confirmation given / denied / absent.

The expectations are written out here, independently of the declarations in vehicle_tools, so
that changing a tool's policy without changing this table fails. Each cell runs through the real
dispatcher, the simulated ECU on a virtual CAN bus and the simulated services on a real session
bus, and checks the traffic as well as the answer: a refused call sends nothing.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from vehicle_tools.tools import default_registry

ALL = frozenset({"parked", "idling", "moving"})
STATES = ("parked", "idling", "moving")
CONFIRMATIONS = {"given": True, "denied": False, "absent": None}

# tool: (arguments, states it may run in, needs confirmation, spoken state refusal)
SPEC: dict[str, tuple[dict[str, object], frozenset[str], bool, str | None]] = {
    "set_temperature": ({"celsius": 22}, ALL, False, None),
    "set_fan": ({"level": 3}, ALL, False, None),
    "set_ac": ({"on": False}, ALL, False, None),
    "set_window": ({"window": "driver", "position_pct": 30}, ALL, False, None),
    "get_vehicle_status": ({"item": "fuel"}, ALL, False, None),
    "set_defrost": ({"screen": "rear", "on": True}, ALL, False, None),
    "set_seat_heating": ({"seat": "driver", "level": 2}, ALL, False, None),
    "set_sunroof": ({"position_pct": 40}, ALL, False, None),
    "lock_doors": ({}, ALL, False, None),
    "unlock_doors": ({}, frozenset({"parked"}), True,
                     "I can only unlock the doors when the car is parked."),
    "set_lights": ({"light": "interior", "on": True, "brightness_pct": 60}, ALL, False, None),
    "media_control": ({"action": "play"}, ALL, False, None),
    "set_media_volume": ({"volume_pct": 40}, ALL, False, None),
    "media_search": ({"query": "debussy"}, ALL, False, None),
    "navigate_to": ({"destination": "the airport"}, ALL, False, None),
    "cancel_navigation": ({}, ALL, False, None),
    "get_eta": ({}, ALL, False, None),
    "call_contact": ({"contact": "Alice"}, ALL, False, None),
    "set_assistant_voice": ({"speed": 1.2}, ALL, False, None),
}
REGISTRY = default_registry()
CELLS = [(state, name, confirmation) for state in STATES for name in SPEC
         for confirmation in CONFIRMATIONS]


def test_the_table_covers_every_tool() -> None:
    assert set(SPEC) == set(REGISTRY.names())


@pytest.mark.parametrize(("state", "name", "confirmation"), CELLS)
def test_policy_cell(live_module, state: str, name: str, confirmation: str) -> None:
    live = live_module
    live.drive(state)
    live.fresh_dispatcher()  # rate limits are tested on their own
    live.traffic()
    args, allowed, needs_confirmation, refusal = SPEC[name]
    tool = REGISTRY.get(name)

    result = live.call(name, args, confirmed=CONFIRMATIONS[confirmation])
    frames, dbus_calls = live.traffic()

    if confirmation == "denied":
        expected = "cancelled"
    elif state not in allowed:
        expected = "not_allowed"
    elif needs_confirmation and confirmation == "absent":
        expected = "needs_confirmation"
    else:
        expected = None
    assert result.error_code == expected, result
    assert result.reply
    if expected is not None:
        assert (frames, dbus_calls) == ([], []), "a refused call reached a bus"
        assert not result.ok
        if expected == "cancelled":
            assert result.reply == f"OK, I won't {tool.action}."
        elif expected == "not_allowed":
            assert result.reply == refusal
        else:
            assert result.reply == f"Do you want me to {tool.action}?"
        return
    assert result.ok, result
    sent = tool.commands(tool.validate(args))
    if tool.backend == "can":
        assert [f.message for f in frames] == [c.message for c in sent]  # type: ignore[union-attr]
        assert dbus_calls == []
    elif tool.backend == "dbus":
        assert frames == []
        # a free-text argument is looked up first (navigate_to: the map's Search), then sent
        commands = [c for c in dbus_calls if c.member != "Search"]
        assert len(commands) == len(sent) and all(c.accepted for c in commands)
        assert [c.member for c in dbus_calls if c.member == "Search"] == (
            ["Search"] if REGISTRY.get(name).directories.get("destination") else [])
    else:
        assert (frames, dbus_calls) == ([], [])


class Rule(NamedTuple):
    """A rule that depends on the car's state beyond parked/idling/moving: the light sensor and
    the speed (``highway`` = 120 km/h, ``moving`` = 50 km/h). Written out independently of the
    declarations."""

    tool: str
    args: dict[str, object]
    state: str
    ambient: str  # what the light sensor reports, DAY or NIGHT
    windows_before: int  # all four windows before the call, percent open
    refusal: str | None  # the spoken refusal; None: the call runs


DARK = "It's dark outside, so I can only switch the headlights off when the car is parked."
WIDE = "Above 80 kilometres per hour I can open the windows only up to 30 percent."
SUNROOF = "I can only open the sunroof below 100 kilometres per hour."
HEADLIGHTS_OFF = {"light": "headlights", "on": False}
STATE_RULES = [
    Rule("set_lights", HEADLIGHTS_OFF, "parked", "DAY", 0, None),
    Rule("set_lights", HEADLIGHTS_OFF, "parked", "NIGHT", 0, None),
    Rule("set_lights", HEADLIGHTS_OFF, "idling", "DAY", 0, None),
    Rule("set_lights", HEADLIGHTS_OFF, "idling", "NIGHT", 0, DARK),
    Rule("set_lights", HEADLIGHTS_OFF, "moving", "DAY", 0, None),
    Rule("set_lights", HEADLIGHTS_OFF, "moving", "NIGHT", 0, DARK),
    Rule("set_lights", HEADLIGHTS_OFF, "highway", "DAY", 0, None),
    Rule("set_lights", HEADLIGHTS_OFF, "highway", "NIGHT", 0, DARK),
    Rule("set_lights", {"light": "headlights", "on": True}, "highway", "NIGHT", 0, None),
    Rule("set_lights", {"light": "high_beam", "on": False}, "highway", "NIGHT", 0, None),
    Rule("set_lights", {"light": "interior", "on": False}, "highway", "NIGHT", 0, None),
    Rule("set_window", {"window": "all", "position_pct": 100}, "parked", "DAY", 0, None),
    Rule("set_window", {"window": "all", "position_pct": 100}, "idling", "DAY", 0, None),
    Rule("set_window", {"window": "all", "position_pct": 100}, "moving", "DAY", 0, None),
    Rule("set_window", {"window": "all", "position_pct": 100}, "highway", "DAY", 0, WIDE),
    Rule("set_window", {"window": "driver", "position_pct": 31}, "highway", "NIGHT", 0, WIDE),
    Rule("set_window", {"window": "all", "position_pct": 30}, "highway", "DAY", 0, None),
    Rule("set_window", {"window": "driver", "position_pct": 60}, "highway", "DAY", 100, None),
    Rule("set_window", {"window": "all", "position_pct": 0}, "highway", "DAY", 100, None),
    Rule("set_window", {"window": "rear_left", "position_pct": 100}, "highway", "DAY", 50, WIDE),
    Rule("set_sunroof", {"position_pct": 40}, "moving", "DAY", 0, None),
    Rule("set_sunroof", {"position_pct": 40}, "highway", "DAY", 0, SUNROOF),
    Rule("set_sunroof", {"position_pct": 0}, "highway", "DAY", 0, None),
]


@pytest.mark.parametrize("rule", STATE_RULES, ids=lambda r: (
    f"{r.tool}-{'-'.join(map(str, r.args.values()))}-{r.state}-{r.ambient}-{r.windows_before}"))
def test_state_rule(live_module, rule: Rule) -> None:
    live = live_module
    name, args, refusal = rule.tool, rule.args, rule.refusal
    live.drive("parked")
    live.fresh_dispatcher()
    assert live.call("set_window", {"window": "all", "position_pct": rule.windows_before}).ok
    live.drive(rule.state)
    live.light(rule.ambient)
    live.fresh_dispatcher()
    live.traffic()
    tool = REGISTRY.get(name)

    result = live.call(name, args)
    frames, dbus_calls = live.traffic()

    if refusal is not None:
        assert (result.error_code, result.reply) == ("not_allowed", refusal), result
        assert (frames, dbus_calls) == ([], []), "a refused call reached a bus"
        return
    assert result.ok, result
    sent = tool.commands(tool.validate(args))
    assert [(f.message, f.values) for f in frames] == [(c.message, dict(c.signals)) for c in sent]
    assert dbus_calls == []

