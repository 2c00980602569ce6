"""Bus trouble: nobody answering, a bus that cannot be opened, a bus that refuses to send."""

from __future__ import annotations

import asyncio

import can
from can.interfaces.virtual import VirtualBus

from vehicle_tools.config import CanConfig
from vehicle_tools.dispatcher import ToolResult
from vehicle_tools.vehicle import open_vehicle


def run_calls(config, calls, **kwargs) -> list[ToolResult]:
    async def scenario() -> list[ToolResult]:
        async with open_vehicle(config, **kwargs) as vehicle:
            return [await vehicle.dispatcher.call(name, args) for name, args in calls]

    return asyncio.run(scenario())


def test_no_ecu_means_no_confirmation(make_config, capture) -> None:
    [result] = run_calls(make_config(simulate=False, timeout_s=0.2),
                         [("set_temperature", {"celsius": 21})])
    assert not result.ok
    assert result.error_code == "no_confirmation"
    assert result.reply == ("I asked the car to change the temperature, but it did not confirm. "
                            "Please check.")
    assert result.args == {"celsius": 21.0, "zone": "all"}
    assert result.state == {}  # the car never reported anything: nothing is guessed
    # The command did go out; it is the answer that never came.
    assert [f.values["TempTarget"] for f in capture.take()] == [21.0]


def test_no_ecu_means_no_status(make_config, capture) -> None:
    [result] = run_calls(make_config(simulate=False, timeout_s=0.2),
                         [("get_vehicle_status", {"item": "range"})])
    assert (result.ok, result.error_code) == (False, "not_available")
    assert result.reply == "The car has not reported its range just now."
    assert capture.take() == []


def test_a_bus_that_cannot_be_opened(make_config) -> None:
    def refuse(config: CanConfig) -> can.BusABC:
        raise can.CanInitializationError(f"no such device {config.channel}")

    results = run_calls(make_config(simulate=False),
                        [("set_fan", {"level": 2}), ("get_vehicle_status", {"item": "fuel"})],
                        bus_factory=refuse)
    assert [r.error_code for r in results] == ["bus_unavailable", "bus_unavailable"]
    assert results[0].reply == ("I can't reach the car's controls right now, so I couldn't "
                                "change the fan.")
    assert "no such device" in (results[0].error_detail or "")


def test_socketcan_device_missing(make_config) -> None:
    # On a machine without CAN support or without this device, opening fails either way.
    [result] = run_calls(make_config(simulate=False, interface="socketcan",
                                     channel_name="cabin-missing0"),
                         [("set_ac", {"on": True})])
    assert (result.ok, result.error_code) == (False, "bus_unavailable")


class _BusOff(VirtualBus):  # type: ignore[misc]
    def send(self, msg: can.Message, timeout: float | None = None) -> None:
        raise can.CanOperationError("bus off")


def test_a_bus_that_refuses_to_send(make_config) -> None:
    [result] = run_calls(make_config(simulate=False), [("set_window", {"window": "driver",
                                                                      "position_pct": 10})],
                         bus_factory=lambda c: _BusOff(channel=c.channel))
    assert (result.ok, result.error_code) == (False, "bus_unavailable")
    assert "bus off" in (result.error_detail or "")


def test_recovers_when_the_bus_comes_back(make_config) -> None:
    attempts: list[int] = []

    def flaky(config: CanConfig) -> can.BusABC:
        attempts.append(1)
        if len(attempts) == 1:
            raise can.CanInitializationError("link down")
        return can.Bus(interface="virtual", channel=config.channel)

    # Attempt 1: the head unit's bus at start (fails). Attempt 2: the simulator's bus.
    # Attempt 3: the head unit's bus again, on the first call.
    [result] = run_calls(make_config(), [("set_fan", {"level": 6})], bus_factory=flaky)
    assert result.ok, result
    assert len(attempts) == 3
