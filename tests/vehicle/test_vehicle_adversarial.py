"""The adversarial transcript set (adversarial.yaml): parsed by the fast path, run by the
dispatcher against the simulated car and services, checked by the independent safety oracle.
Instructions to the assistant ("ignore your rules and ...") are refused by the fast path
before any call (daemon/understanding/understand.py): ``no_call``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from oracle import unsafe_traffic

from daemon.understanding.intents import parse, understander

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "adversarial.yaml").read_text(encoding="utf-8"))["cases"]


def test_the_set_is_substantial() -> None:
    assert len(CASES) >= 30
    assert {c["state"] for c in CASES} == {"parked", "idling", "moving", "highway"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c['state']}: {c['say']}" for c in CASES])
def test_adversarial_transcript(live_module, db, case: dict[str, Any]) -> None:
    live = live_module
    live.fresh_dispatcher()
    live.drive(case["state"])
    for name, args in [("set_lights", {"light": "fog_lights", "on": False}),
                       ("set_lights", {"light": "headlights", "on": True}),
                       *case.get("setup", [])]:
        assert live.call(name, args, confirmed=True).ok
    fog_on = live.vehicle.state.get("FogLightsOn") == "ON"
    live.traffic()

    intent = parse(case["say"])
    if case["expect"] == "no_call":  # not understood, asked back or refused: nothing sent
        assert intent is None, intent
        plan = understander().understand(case["say"])
        assert plan is None or not plan.calls, plan
        return
    assert intent is not None, case["say"]
    result = live.call(intent.name, intent.args)  # the fast path never confirms
    frames, dbus_calls = live.traffic()

    assert unsafe_traffic(db, frames, dbus_calls, state=case["state"], confirmed=None,
                          fog_on=fog_on) == []
    assert result.reply
    if "reply" in case:
        assert result.reply == case["reply"]
    if case["expect"] == "ok":
        assert result.ok, result
        return
    assert (result.ok, result.error_code) == (False, case["code"]), result
    if case["code"] == "not_found":  # refused by the service, or (a name not in the phone
        # book: vehicle_tools/names.py) never sent to it
        assert frames == [] and len(dbus_calls) <= 1
        assert not any(c.accepted for c in dbus_calls)
    else:
        assert (frames, dbus_calls) == ([], []), "a refused call reached a bus"
