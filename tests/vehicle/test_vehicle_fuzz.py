"""Arbitrary names and JSON-ish arguments, in any driving state, confirmed or not: never an
exception, every rejection a typed error with a spoken reply, and zero frames or D-Bus calls
outside limits or policy (checked by the independent oracle)."""

from __future__ import annotations

from typing import Any, get_args

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from oracle import unsafe_traffic

from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.errors import ErrorCode
from vehicle_tools.tools import default_registry

REGISTRY = default_registry()
NAMES = REGISTRY.names()
CODES = set(get_args(ErrorCode)) - {"internal_error", "dbc_invalid"}
STATES = ("parked", "idling", "moving", "highway")
KEYS = sorted({k for t in REGISTRY for k in t.args_model.model_fields})
WORDS = ("driver", "passenger", "all", "rear_left", "rear_right", "speed", "fuel", "range",
         "odometer", "gear", "sunroof", "front", "rear", "high_beam", "fog_lights", "interior",
         "headlights", "play", "pause", "next", "Mom", "Alice", "queen", "doors", "tire_pressure")

json_scalars = (st.none() | st.booleans() | st.integers(-300, 300) | st.integers()
                | st.floats(allow_nan=True, allow_infinity=True) | st.floats(-5, 130)
                | st.text(max_size=12) | st.text(min_size=190, max_size=210)
                | st.sampled_from(WORDS))
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                max_size=3),
    max_leaves=5)
anything = st.tuples(
    st.sampled_from(NAMES) | st.text(max_size=24),
    st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=8), json_values, max_size=3)
    | json_values)


def _near(prop: dict[str, Any]) -> st.SearchStrategy[Any]:  # noqa: PLR0911 - one per type
    """Values around (and beyond) one schema property's limits."""
    if "anyOf" in prop:
        return st.one_of(*(_near(p) for p in prop["anyOf"]))
    if "enum" in prop:
        return st.sampled_from(prop["enum"]) | st.sampled_from(WORDS)
    kind = prop.get("type")
    if kind == "integer":
        low, high = prop["minimum"], prop["maximum"]
        return st.integers(low - 3, high + 3)
    if kind == "number":
        low, high = prop["minimum"], prop["maximum"]
        return st.floats(low - 2, high + 2) | st.integers(int(low) - 2, int(high) + 2)
    if kind == "string":
        return st.text(max_size=prop.get("maxLength", 20) + 5) | st.sampled_from(WORDS)
    if kind == "boolean":
        return st.booleans()
    return st.none()


def _well_formed(name: str) -> st.SearchStrategy[tuple[str, dict[str, Any]]]:
    props = REGISTRY.get(name).args_model.model_json_schema()["properties"]
    return st.tuples(st.just(name), st.fixed_dictionaries(
        {}, optional={k: _near(p) for k, p in props.items()}))


near_limits = st.one_of(*(_well_formed(n) for n in NAMES))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(call=anything | near_limits,
       where=st.tuples(st.sampled_from(STATES), st.sampled_from(["DAY", "NIGHT"])),
       confirmed=st.sampled_from([None, True, False]))
def test_dispatcher_survives_anything(live_module, db, call, where, confirmed) -> None:
    live = live_module
    state, ambient = where  # driving state, light sensor
    live.drive(state)
    live.light(ambient)
    fog_on = live.vehicle.state.get("FogLightsOn") == "ON"
    windows_pct = {k.removeprefix("WindowPos"): float(v)  # type: ignore[arg-type]
                   for k, v in live.vehicle.state.as_dict().items() if k.startswith("WindowPos")}
    live.traffic()
    name, args = call
    result = live.call(name, args, confirmed=confirmed)
    frames, dbus_calls = live.traffic()
    event(f"ok={result.ok} code={result.error_code}")

    assert isinstance(result, ToolResult)
    assert result.reply and isinstance(result.reply, str)
    assert unsafe_traffic(db, frames, dbus_calls, state=state, confirmed=confirmed,
                          fog_on=fog_on, night=ambient == "NIGHT",
                          windows_pct=windows_pct) == []
    if result.ok:
        assert result.error_code is None and result.tool in NAMES
        return
    assert result.error_code in CODES, result
    assert result.error_detail
    if result.error_code == "not_found":
        # refused by the service, or (a name not in the phone book) never sent to it
        assert frames == [] and len(dbus_calls) <= 1
        assert not any(c.accepted for c in dbus_calls)
    elif result.error_code not in ("no_confirmation", "timeout"):
        assert (frames, dbus_calls) == ([], []), f"a refused call reached a bus: {result}"
