"""Tool arguments under hostile input (what a language model might emit): NaN, infinities, huge
ints, numbers as strings, nested objects, extra keys, non-objects.

- `Tool.validate`: a valid argument model that obeys the tool's own JSON schema (checked here by
  an independent schema walker, on the raw input and on the normalised values), or a ToolError
  ``invalid_arguments`` with the tool's spoken usage and a bounded detail; nothing else.
- `Dispatcher.call` on a simulated car (real virtual CAN bus, real dbus-daemon, capture bus
  decoding every frame): bad arguments give ``invalid_arguments`` and reach no bus; good ones
  never ``invalid_arguments`` nor ``internal_error``; no frame outside the DBC limits, no unsafe
  traffic (the independent oracle of tests/vehicle).
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from tests.props.strategies import numbers, scalars, trees
from tests.vehicle.conftest import DbusDaemon, Live, running_vehicle, vehicle_config
from tests.vehicle.oracle import unsafe_traffic
from vehicle_tools.dbc import Database, limit_violations, load_dbc
from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.errors import ToolError
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()
NAMES = REGISTRY.names()
DETAIL_LIMIT = 2000
"""A rejection's log detail stays below this many characters whatever the input's size."""


def _schema(name: str) -> dict[str, Any]:
    return REGISTRY.get(name).args_model.model_json_schema()


PROPS = {name: _schema(name).get("properties", {}) for name in NAMES}
ARG_KEYS = sorted({k for props in PROPS.values() for k in props})


def _valid(prop: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values inside one property's declared limits."""
    options = [p for p in prop.get("anyOf", [prop]) if p.get("type") != "null"]
    strategies = []
    for p in options:
        kind = p.get("type")
        if "enum" in p:
            strategies.append(st.sampled_from(p["enum"]))
        elif kind == "integer":
            strategies.append(st.integers(p["minimum"], p["maximum"]))
        elif kind == "number":
            strategies.append(st.floats(p["minimum"], p["maximum"]))
        elif kind == "string":
            strategies.append(st.text(min_size=p.get("minLength", 0),
                                      max_size=p.get("maxLength", 50)))
        elif kind == "boolean":
            strategies.append(st.booleans())
    return st.one_of(*strategies)


def _hostile(prop: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """At and just beyond the limits, as a string, huge, NaN, nested: for one property."""
    options = [s for p in prop.get("anyOf", [prop]) for s in _hostile_one(p)]
    return st.one_of(*options, scalars, st.lists(scalars, max_size=2),
                     st.dictionaries(st.text(max_size=4), scalars, max_size=2))


def _hostile_one(prop: Mapping[str, Any]) -> list[st.SearchStrategy[Any]]:
    if "enum" in prop:
        values = prop["enum"]
        return [st.sampled_from([v.upper() for v in values]),
                st.sampled_from([f" {v}" for v in values])]
    kind = prop.get("type")
    if kind in ("number", "integer"):
        low, high = prop["minimum"], prop["maximum"]
        edges = [low, high, low - 1, high + 1, low - 1e-9, high + 1e-9, (low + high) / 2]
        return [st.sampled_from(edges), st.sampled_from(edges).map(str),
                st.just(10**5000), st.just(-(10**5000)), numbers]
    if kind == "string":
        longest = prop.get("maxLength", 50)
        return [st.text(min_size=longest + 1, max_size=longest + 3), st.just(""),
                st.just("x" * 100_000)]
    if kind == "boolean":
        return [st.sampled_from(["true", "false", 0, 1, "on"])]
    return [st.none()]


@st.composite
def calls(draw: st.DrawFn) -> tuple[str, Any]:
    """A tool name and arguments: valid, near-valid (one value hostile), or anything at all."""
    name = draw(st.sampled_from(NAMES))
    props = PROPS[name]
    required = set(_schema(name).get("required", []))
    valid = st.fixed_dictionaries({k: _valid(p) for k, p in props.items() if k in required},
                                  optional={k: _valid(p) for k, p in props.items()
                                            if k not in required})
    args = draw(valid)
    choice = draw(st.sampled_from(["valid", "one_hostile", "extra_key", "anything"]))
    if choice == "one_hostile" and props:
        key = draw(st.sampled_from(sorted(props)))
        args[key] = draw(_hostile(props[key]))
    elif choice == "extra_key":
        args[draw(st.sampled_from(ARG_KEYS) | st.text(max_size=8))] = draw(scalars)
    elif choice == "anything":
        args = draw(trees(st.sampled_from(ARG_KEYS) | st.text(max_size=6), 6))
    event(f"args: {choice}")
    return name, args


def _conforms(value: Any, prop: Mapping[str, Any]) -> bool:  # noqa: PLR0911 - one per type
    """Does `value` (a JSON value) satisfy one property of a JSON schema?"""
    if "anyOf" in prop:
        return any(_conforms(value, p) for p in prop["anyOf"])
    if "enum" in prop and value not in prop["enum"]:
        return False
    kind = prop.get("type")
    if kind == "null":
        return value is None
    if kind == "boolean":
        return isinstance(value, bool)
    if kind == "string":
        return isinstance(value, str) and prop.get("minLength", 0) <= len(value) \
            <= prop.get("maxLength", math.inf)
    if kind in ("number", "integer"):
        if isinstance(value, bool) or not isinstance(value, int | float):
            return False
        if kind == "integer" and not isinstance(value, int):
            return False
        return math.isfinite(value) and prop.get("minimum", -math.inf) <= value \
            <= prop.get("maximum", math.inf)
    return False


def _obeys_schema(args: Mapping[Any, Any], name: str) -> list[str]:
    """Every way `args` breaks the tool's JSON schema (empty when it obeys)."""
    schema, props = _schema(name), PROPS[name]
    problems = [f"unknown key {k!r}" for k in args if k not in props]
    problems += [f"missing {k}" for k in schema.get("required", []) if k not in args]
    problems += [f"{k}={args[k]!r:.60}" for k in props if k in args
                 and not _conforms(args[k], props[k])]
    return problems


@settings(max_examples=1500, deadline=None)
@given(call=calls() | st.tuples(st.sampled_from(NAMES), scalars | st.lists(scalars)))
def test_validate_gives_schema_valid_args_or_invalid_arguments(call: tuple[str, Any]) -> None:
    name, args = call
    tool = REGISTRY.get(name)
    try:
        valid = tool.validate(args)
    except ToolError as err:
        event("rejected")
        assert err.code == "invalid_arguments"
        assert err.message == tool.usage
        assert err.detail.startswith(f"{name}: ") and len(err.detail) < DETAIL_LIMIT
        return
    event("accepted")
    assert isinstance(valid, tool.args_model)
    assert _obeys_schema(args, name) == [], "accepted input breaking the tool's schema"
    assert _obeys_schema(valid.model_dump(mode="json", exclude_unset=False), name) == []


@settings(max_examples=300, deadline=None)
@given(name=st.text(max_size=30) | st.none() | st.integers() | st.just(10**5000),
       args=trees(st.text(max_size=6), 4))
def test_unknown_tools_are_refused_by_name(name: Any, args: Any) -> None:
    if name in NAMES:
        return
    with pytest.raises(ToolError) as err:
        REGISTRY.validate(name, args)
    assert err.value.code == "unknown_tool" and len(err.value.detail) < DETAIL_LIMIT


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Live, Database]]:
    """A simulated, parked car on its own CAN channel with D-Bus services on a private bus."""
    daemon = DbusDaemon(Path(tmp_path_factory.mktemp("props-dbus")))
    db = load_dbc()
    try:
        config = vehicle_config(f"cabin-props-{uuid.uuid4()}", dbus_address=daemon.address)
        with running_vehicle(config, db) as car:
            car.drive("parked")
            car.traffic()
            yield car, db
    finally:
        daemon.stop()


@settings(max_examples=250, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=calls())
def test_dispatcher_refuses_bad_args_before_any_bus(live: tuple[Live, Database],
                                                    call: tuple[str, Any]) -> None:
    car, db = live
    car.fresh_dispatcher()  # forget the rate limits of earlier examples
    name, args = call
    try:
        REGISTRY.validate(name, args)
        bad = False
    except ToolError:
        bad = True
    fog_on = car.vehicle.state.get("FogLightsOn") == "ON"
    result = car.call(name, args, confirmed=True)
    frames, dbus_calls = car.traffic()
    event(f"{'bad' if bad else 'good'}: {result.error_code}")

    assert isinstance(result, ToolResult) and result.reply
    for frame in frames:
        message = db.get_message_by_name(frame.message)
        assert limit_violations(message, frame.raw) == {}, frame
    assert unsafe_traffic(db, frames, dbus_calls, state="parked", confirmed=True,
                          fog_on=fog_on) == []
    if bad:
        assert result.error_code == "invalid_arguments", result
        assert (frames, dbus_calls) == ([], []), "rejected arguments reached a bus"
    else:
        assert result.error_code not in ("invalid_arguments", "internal_error"), result


def test_dispatcher_never_raises_even_for_a_5000_digit_tool_name() -> None:
    import asyncio

    from vehicle_tools.dispatcher import Dispatcher

    dispatcher = Dispatcher(REGISTRY, object())  # type: ignore[arg-type]  # never reached
    result = asyncio.run(dispatcher.call(10**5000, {}))  # type: ignore[arg-type]
    assert result.error_code == "unknown_tool"
