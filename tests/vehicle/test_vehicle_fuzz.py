"""Arbitrary names and JSON-ish arguments: never an exception, never a frame outside limits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import AsyncExitStack

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from vehicle_tools.dbc import limit_violations
from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.tools import default_registry
from vehicle_tools.vehicle import open_vehicle

NAMES = default_registry().names()
KEYS = ("celsius", "zone", "level", "on", "window", "position_pct", "item")
WORDS = ("driver", "passenger", "all", "rear_left", "rear_right", "speed", "fuel", "range",
         "odometer", "gear", "sunroof")
REFUSALS = {"unknown_tool", "invalid_arguments"}

json_scalars = (st.none() | st.booleans() | st.integers(-300, 300)
                | st.floats(allow_nan=True, allow_infinity=True) | st.floats(-5, 130)
                | st.text(max_size=12) | st.sampled_from(WORDS))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=5)
anything = st.tuples(
    st.sampled_from(NAMES) | st.text(max_size=24),
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values, max_size=3)
    | json_values)
# Well-formed calls with values around (and beyond) the limits: exercise the boundaries.
near_limits = st.one_of(
    st.tuples(st.just("set_temperature"), st.fixed_dictionaries(
        {"celsius": st.floats(14, 30) | st.integers(14, 30)},
        optional={"zone": st.sampled_from(WORDS)})),
    st.tuples(st.just("set_fan"), st.fixed_dictionaries({"level": st.integers(-2, 9)})),
    st.tuples(st.just("set_ac"), st.fixed_dictionaries({"on": st.booleans()})),
    st.tuples(st.just("set_window"), st.fixed_dictionaries(
        {"window": st.sampled_from(WORDS), "position_pct": st.integers(-5, 105)})),
    st.tuples(st.just("get_vehicle_status"),
              st.fixed_dictionaries({"item": st.sampled_from(WORDS)})),
)

Call = Callable[[object, object], tuple[ToolResult, list]]


@pytest.fixture
def live(make_config, capture) -> Iterator[Call]:
    """One event loop and one open vehicle for all the examples of a test."""
    with asyncio.Runner() as runner:
        stack = AsyncExitStack()
        vehicle = runner.run(stack.enter_async_context(open_vehicle(make_config())))

        def call(name: object, args: object) -> tuple[ToolResult, list]:
            result = runner.run(vehicle.dispatcher.call(name, args))  # type: ignore[arg-type]
            return result, capture.take()

        try:
            yield call
        finally:
            runner.run(stack.aclose())


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(call=anything | near_limits)
def test_dispatcher_survives_anything(live, db, call) -> None:
    name, args = call
    result, frames = live(name, args)
    event(f"ok={result.ok} code={result.error_code}")
    assert isinstance(result, ToolResult)
    assert result.reply and isinstance(result.reply, str)
    if result.ok:
        assert result.error_code is None and result.tool in NAMES
        assert len(frames) == (0 if name == "get_vehicle_status" else 1)
    else:
        assert result.error_code in REFUSALS, result
        assert frames == [], "a refused call sent a frame"
    for frame in frames:
        message = db.get_message_by_name(frame.message)
        assert limit_violations(message, frame.raw) == {}
        assert limit_violations(message, frame.values) == {}
