"""The tools' argument limits sit inside the DBC's signal limits (read from the DBC)."""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

import pytest

from vehicle_tools.dbc import load_dbc
from vehicle_tools.errors import ToolError
from vehicle_tools.registry import Tool
from vehicle_tools.tools import default_registry
from vehicle_tools.vehicle import open_vehicle

TOOLS = list(default_registry())


def properties(tool: Tool[Any]) -> dict[str, dict[str, Any]]:
    return tool.args_model.model_json_schema()["properties"]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
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


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_every_numeric_argument_of_a_command_is_linked(tool) -> None:
    numeric = {n for n, p in properties(tool).items() if p.get("type") in ("number", "integer")}
    assert numeric <= {link.argument for link in tool.links}


def corner_cases(prop: dict[str, Any]) -> list[object]:
    if "enum" in prop:
        return list(prop["enum"])
    if prop.get("type") == "boolean":
        return [False, True]
    low, high = prop["minimum"], prop["maximum"]
    if prop["type"] == "integer":
        return [low, (low + high) // 2, high]
    return [low, low + 0.25, (low + high) / 2, high - 0.3, high]


@pytest.mark.parametrize("tool", TOOLS, ids=lambda t: t.name)
def test_every_corner_of_the_argument_space_encodes_strictly(tool, db) -> None:
    props = properties(tool)
    names = list(props)
    for combo in itertools.product(*(corner_cases(props[n]) for n in names)):
        valid = tool.validate(dict(zip(names, combo, strict=True)))
        for frame in tool.commands(valid):
            db.encode_message(frame.message, dict(frame.signals), strict=True)


def test_every_read_signal_is_a_status_signal(db) -> None:
    status = {s.name for m in db.messages if "BCM" in m.senders for s in m.signals}
    for tool in TOOLS:
        assert set(tool.reads) <= status, tool.name
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
