"""The tools' argument limits sit inside the DBC's signal limits (read from the DBC), and the
D-Bus tools' limits inside their properties' documented ranges."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest

from vehicle_tools.commands import CommandFrame, DbusCall, DbusSet, SettingChange
from vehicle_tools.dbc import load_dbc
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Tool
from vehicle_tools.tools import default_registry
from vehicle_tools.vehicle import open_vehicle

TOOLS = list(default_registry())
CAN_TOOLS = [t for t in TOOLS if t.backend == "can"]
# Documented ranges of the D-Bus properties and settings the tools write (MPRIS: Volume 0-1).
PROPERTY_RANGES = {"Volume": (0.0, 1.0), "voice.speed": (0.5, 2.0), "voice.volume_pct": (0, 100)}
# Free text sent to a service: its maximum length in characters.
TEXT_LIMITS = {"query": 100, "destination": 200, "contact": 60}


def properties(tool: Tool[Any]) -> dict[str, dict[str, Any]]:
    props = tool.args_model.model_json_schema()["properties"]
    # Optional numbers appear as anyOf [number, null]: look at the number.
    return {n: next((a for a in p["anyOf"] if a.get("type") != "null"), p) if "anyOf" in p else p
            for n, p in props.items()}


@pytest.mark.parametrize("tool", CAN_TOOLS, ids=lambda t: t.name)
def test_argument_limits_inside_dbc_limits(tool, db) -> None:
    props = properties(tool)
    for link in tool.links:
        signal = db.get_message_by_name(link.message).get_signal_by_name(link.signal)
        arg = props[link.argument]
        assert signal.minimum is not None and signal.maximum is not None, link
        assert "minimum" in arg and "maximum" in arg, f"{tool.name}.{link.argument} is unbounded"
        assert signal.minimum <= arg["minimum"] <= arg["maximum"] <= signal.maximum, (
            f"{tool.name}.{link.argument} [{arg['minimum']}, {arg['maximum']}] outside "
            f"{link.message}.{link.signal} [{signal.minimum}, {signal.maximum}]")


@pytest.mark.parametrize("tool", CAN_TOOLS, ids=lambda t: t.name)
def test_every_numeric_argument_of_a_command_is_linked(tool) -> None:
    numeric = {n for n, p in properties(tool).items() if p.get("type") in ("number", "integer")}
    assert numeric <= {link.argument for link in tool.links}


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_every_argument_is_bounded(tool) -> None:
    for name, prop in properties(tool).items():
        if prop.get("type") in ("number", "integer"):
            assert "minimum" in prop and "maximum" in prop, f"{tool.name}.{name}"
        elif prop.get("type") == "string" and "enum" not in prop:
            assert prop.get("maxLength") == TEXT_LIMITS[name], f"{tool.name}.{name}"
            assert prop.get("minLength") == 1, f"{tool.name}.{name}"
        else:
            assert "enum" in prop or prop.get("type") == "boolean", f"{tool.name}.{name}"


def corner_cases(prop: dict[str, Any]) -> list[object]:
    if "enum" in prop:
        return list(prop["enum"])
    if prop.get("type") == "boolean":
        return [False, True]
    if prop.get("type") == "string":
        return ["a", "x" * prop["maxLength"]]
    low, high = prop["minimum"], prop["maximum"]
    if prop["type"] == "integer":
        return [low, (low + high) // 2, high]
    return [low, low + 0.25, (low + high) / 2, high - 0.3, high]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_every_corner_of_the_argument_space_is_within_limits(tool, db) -> None:
    props = properties(tool)
    names = list(props)
    for combo in itertools.product(*(corner_cases(props[n]) for n in names)):
        valid = tool.validate(dict(zip(names, combo, strict=True)))
        for command in tool.commands(valid):
            match command:
                case CommandFrame():
                    assert tool.backend == "can"
                    db.encode_message(command.message, dict(command.signals), strict=True)
                case DbusSet():
                    assert tool.backend == "dbus"
                    low, high = PROPERTY_RANGES[command.prop]
                    assert low <= command.value <= high, (tool.name, command)
                case SettingChange():
                    assert tool.backend == "local"
                    low, high = PROPERTY_RANGES[command.key]
                    assert low <= command.value <= high, (tool.name, command)
                case DbusCall():
                    assert tool.backend == "dbus"


def test_every_read_signal_is_a_status_signal(db) -> None:
    status = {s.name for m in db.messages if "BCM" in m.senders for s in m.signals}
    for tool in CAN_TOOLS:
        assert set(tool.reads) <= status, tool.name
    for tool in TOOLS:
        if tool.backend == "dbus":
            assert all(r.split(".")[0] in ("media", "navigation", "phone") for r in tool.reads)
    default_registry().check_against(db)


def test_a_dbc_without_a_driven_signal_is_refused(tmp_path: Path, make_config) -> None:
    text = (Path(__file__).parents[2] / "vehicle_tools" / "dbc" / "cabin.dbc").read_text()
    broken = tmp_path / "broken.dbc"
    broken.write_text(text.replace("TempTarget", "TempGoal"))
    with pytest.raises(ToolError) as err:
        default_registry().check_against(load_dbc(str(broken)))
    assert err.value.code == "dbc_invalid"
    assert "TempTarget" in err.value.detail

    config = make_config().model_copy(
        update={"can": make_config().can.model_copy(update={"dbc": str(broken)})})

    async def scenario() -> None:
        async with open_vehicle(config):
            pass

    with pytest.raises(ToolError) as err:
        asyncio.run(scenario())
    assert err.value.code == "dbc_invalid"


def test_missing_dbc_file(tmp_path: Path) -> None:
    with pytest.raises(ToolError) as err:
        load_dbc(str(tmp_path / "nope.dbc"))
    assert err.value.code == "dbc_invalid"
