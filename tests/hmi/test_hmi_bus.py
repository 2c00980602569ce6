"""The head-unit API on a real dbus-daemon, called and listened to from a second process."""

from __future__ import annotations

import asyncio
import logging
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from daemon.events import (
    AudioOut,
    ErrorEvent,
    Interrupted,
    Reply,
    SpeechStart,
    ToolCall,
    ToolResultEvent,
    Transcript,
    Wake,
)
from daemon.hmi import INTERFACE, INTERFACE_XML, OBJECT_PATH, HmiService
from daemon.hmi.api import MAX_TEXT_CHARS
from daemon.runtime_config import HmiConfig
from tests.hmi.conftest import (
    GUARD_S,
    Answer,
    BusDaemon,
    FakeControl,
    Listener,
    call,
    gdbus,
    name_has_owner,
    running,
)

PROPS = "org.freedesktop.DBus.Properties"


def test_methods_called_by_a_second_process_reach_the_assistant(bus: BusDaemon) -> None:
    control = FakeControl()

    async def scenario() -> list[str]:
        async with running(bus.address, control):
            return [(await call(bus.address, "SendText", "  turn on the AC ")).out,
                    (await call(bus.address, "PushToTalk")).out,
                    (await call(bus.address, "Cancel")).out]

    outs = asyncio.run(scenario())
    assert outs == ["(uint32 1,)\n", "(uint32 2,)\n", "(true,)\n"]
    assert control.calls == [("send_text", "turn on the AC"), ("push_to_talk", None),
                             ("cancel", None)]


def test_signals_and_property_changes_reach_a_second_process(bus: BusDaemon) -> None:
    control = FakeControl()

    async def scenario() -> list[dict[str, object]]:
        async with running(bus.address, control) as service:
            listener = await Listener.start(bus.address, stop_member="Error")
            events = [
                Wake(t_ms=10, turn=3, model="hey_jarvis", score=0.9),
                SpeechStart(t_ms=20, turn=3),  # not signalled
                Transcript(t_ms=30, turn=3, final=False, text="open the", backend="vosk"),
                Transcript(t_ms=31, turn=3, final=False, text="open the", backend="vosk"),
                Transcript(t_ms=40, turn=3, final=True, text="open the window",
                           backend="vosk"),
                ToolCall(t_ms=50, turn=3, name="set_window",
                         args={"window": "driver", "position_pct": 100}),
                ToolResultEvent(t_ms=60, turn=3, name="set_window", ok=False,
                                error="not_while_moving"),
                Reply(t_ms=70, turn=3, text="Not while driving."),
                AudioOut(t_ms=80, turn=3, latency_ms=5.0, duration_ms=900.0),  # not signalled
                Interrupted(t_ms=90, turn=3, reason="speech", played_ms=412.5,
                            total_ms=900.0, heard_text="Not"),
            ]
            service.publish(events[0])
            service.state_changed("listening", 3)
            for event in events[1:5]:
                service.publish(event)
            service.state_changed("thinking", 3)
            service.state_changed("thinking", 3)  # unchanged: no signal
            for event in events[5:]:
                service.publish(event)
            service.state_changed("idle", 3)
            service.publish(ErrorEvent(t_ms=99, turn=3, code="asr_error", message="lost"))
            return await listener.signals()

    got = [(s["interface"], s["member"], s["args"]) for s in asyncio.run(scenario())]
    assert got == [
        (INTERFACE, "Wake", [3, "hey_jarvis"]),
        (PROPS, "PropertiesChanged", [INTERFACE, {"State": "listening", "Turn": 3}, []]),
        (INTERFACE, "Transcript", [3, "open the", False]),
        (INTERFACE, "Transcript", [3, "open the window", True]),
        (PROPS, "PropertiesChanged", [INTERFACE, {"State": "thinking"}, []]),
        (INTERFACE, "ToolCall", [3, "set_window", '{"position_pct": 100, "window": "driver"}']),
        (INTERFACE, "ToolResult", [3, "set_window", False, "not_while_moving"]),
        (INTERFACE, "Reply", [3, "Not while driving."]),
        (INTERFACE, "Interrupted", [3, 412.5]),
        (PROPS, "PropertiesChanged", [INTERFACE, {"State": "idle"}, []]),
        (INTERFACE, "Error", [3, "asr_error", "lost"]),
    ]


def test_properties_read_back_and_refuse_writes(bus: BusDaemon) -> None:
    control = FakeControl()
    control.state, control.turn = "follow_up", 7

    async def scenario() -> tuple[str, str, str | None]:
        async with running(bus.address, control) as service:
            initial = await call(bus.address, "GetAll", INTERFACE, iface=PROPS)
            service.state_changed("speaking", 8)
            await call(bus.address, "Cancel")  # a round trip through the D-Bus thread
            after = await call(bus.address, "Get", INTERFACE, "State", iface=PROPS)
            write = await gdbus("call", "--address", bus.address, "--dest", INTERFACE,
                                "--object-path", OBJECT_PATH, "--method", f"{PROPS}.Set",
                                INTERFACE, "State", "<'idle'>")
            return initial.out, after.out, write.error

    initial, after, write_error = asyncio.run(scenario())
    assert initial == ("({'State': <'follow_up'>, 'Turn': <uint32 7>, "
                       "'Version': <'9.8.7'>},)\n")
    assert after == "(<'speaking'>,)\n"
    assert write_error is not None and "InvalidArgs" in write_error


@pytest.mark.parametrize("text", ["", "   ", "x" * (MAX_TEXT_CHARS + 1), "\x1b[2J hello",
                                  "open\nthe window", "tab\there", "bell\x07"])
def test_invalid_text_is_refused_with_invalid_argument(bus: BusDaemon, text: str) -> None:
    control = FakeControl()

    async def scenario() -> str | None:
        async with running(bus.address, control):
            return (await call(bus.address, "SendText", text)).error

    assert asyncio.run(scenario()) == f"{INTERFACE}.Error.InvalidArgument"
    assert control.calls == []


def test_longest_allowed_text_is_accepted(bus: BusDaemon) -> None:
    control = FakeControl()
    text = "é" * MAX_TEXT_CHARS  # characters, not bytes

    async def scenario() -> str:
        async with running(bus.address, control):
            return (await call(bus.address, "SendText", text)).out

    assert asyncio.run(scenario()) == "(uint32 1,)\n"
    assert control.calls == [("send_text", text)]


def test_a_hanging_assistant_answers_timeout_and_is_cancelled(bus: BusDaemon) -> None:
    control = FakeControl()
    control.hang = True

    async def scenario() -> tuple[str | None, str]:
        async with running(bus.address, control, call_timeout_s=0.3):
            hung = await call(bus.address, "SendText", "hello")  # gdbus waits up to 30 s
            control.release()
            after = await call(bus.address, "PushToTalk")
            return hung.error, after.out

    error, after = asyncio.run(scenario())
    assert error == f"{INTERFACE}.Error.Timeout"
    assert control.cancelled == ["send_text"]
    assert after == "(uint32 1,)\n"  # the service is not wedged; the timed-out turn never began


def test_stopping_answers_calls_in_flight(bus: BusDaemon) -> None:
    control = FakeControl()
    control.hang = True

    async def scenario() -> tuple[Answer, list[str]]:
        async with running(bus.address, control, call_timeout_s=20.0):
            pending = asyncio.create_task(call(bus.address, "PushToTalk"))
            await asyncio.wait_for(control.entered.wait(), GUARD_S)
        answer = await pending
        return answer, list(control.cancelled)  # before asyncio.run cancels what is left

    answer, cancelled = asyncio.run(scenario())
    assert answer.error == f"{INTERFACE}.Error.Failed"
    assert "the assistant is stopping" in answer.err
    assert cancelled == ["push_to_talk"]


def test_too_many_calls_in_flight_answer_busy(bus: BusDaemon) -> None:
    control = FakeControl()
    control.hang = True

    async def scenario() -> tuple[str | None, str]:
        async with running(bus.address, control, max_pending_calls=1):
            first = asyncio.create_task(call(bus.address, "SendText", "first"))
            await asyncio.wait_for(control.entered.wait(), GUARD_S)
            second = await call(bus.address, "PushToTalk")
            control.release()
            return second.error, (await first).out

    second_error, first_out = asyncio.run(scenario())
    assert second_error == f"{INTERFACE}.Error.Busy"
    assert first_out == "(uint32 1,)\n"
    assert control.calls == [("send_text", "first")]


def test_assistant_errors_become_dbus_errors(bus: BusDaemon) -> None:
    from daemon.errors import AsrError
    from daemon.hmi import AssistantBusyError

    control = FakeControl()

    async def scenario() -> list[Answer]:
        async with running(bus.address, control):
            control.fail = AssistantBusyError("a turn is being confirmed")
            busy = await call(bus.address, "PushToTalk")
            control.fail = AsrError("the recogniser crashed")
            failed = await call(bus.address, "SendText", "hi")
            return [busy, failed]

    busy, failed = asyncio.run(scenario())
    assert busy.error == f"{INTERFACE}.Error.Busy"
    assert failed.error == f"{INTERFACE}.Error.Failed"
    assert "asr_error: the recogniser crashed" in failed.err


Member = tuple[str, str, tuple[str, ...], tuple[tuple[str, ...], ...]]


def _attrs(element: ET.Element, *, skip: str = "") -> tuple[str, ...]:
    return tuple(f"{k}={v}" for k, v in sorted(element.attrib.items()) if k != skip)


def _members(node: ET.Element) -> list[Member]:
    """Every member of org.cabin.Assistant1 in `node`: kind, name, attributes, and its args
    and annotations in order."""
    iface = node.find(f"interface[@name='{INTERFACE}']")
    assert iface is not None
    return sorted((child.tag, child.get("name", ""), _attrs(child, skip="name"),
                   tuple((sub.tag, *_attrs(sub)) for sub in child)) for child in iface)


def test_introspection_returns_the_documented_interface(bus: BusDaemon) -> None:
    async def scenario() -> str:
        async with running(bus.address, FakeControl()):
            answer = await gdbus("introspect", "--xml", "--address", bus.address, "--dest",
                                 INTERFACE, "--object-path", OBJECT_PATH)
            assert answer.rc == 0, answer.err
            return answer.out

    live = _members(ET.fromstring(asyncio.run(scenario()).split("-->", 1)[1]))
    docs = Path(__file__).resolve().parents[2] / "docs" / "hmi.md"
    documented = re.search(r"```xml\n(<node>.*?</node>\n)```", docs.read_text(), re.S)
    assert documented is not None, "docs/hmi.md has no ```xml <node> block"
    assert documented.group(1) == INTERFACE_XML
    assert live == _members(ET.fromstring(INTERFACE_XML))
    assert len(live) == 3 + 3 + 8  # methods, properties, signals


def test_stopping_releases_the_name(bus: BusDaemon) -> None:
    async def scenario() -> tuple[bool, bool, bool]:
        async with running(bus.address, FakeControl()):
            owned = await name_has_owner(bus.address)
        released = await name_has_owner(bus.address)
        async with running(bus.address, FakeControl()):  # free for the next start
            again = await name_has_owner(bus.address)
        return owned, released, again

    assert asyncio.run(scenario()) == (True, False, True)


def test_disabled_api_does_not_touch_the_bus(bus: BusDaemon) -> None:
    async def scenario() -> tuple[bool, bool]:
        async with running(bus.address, FakeControl(), enabled=False) as service:
            service.publish(Reply(t_ms=1, turn=1, text="unheard"))
            service.state_changed("speaking", 1)
            return service.connected, await name_has_owner(bus.address)

    assert asyncio.run(scenario()) == (False, False)


def test_name_already_owned_is_a_clear_error(bus: BusDaemon) -> None:
    from daemon.hmi import HmiNameError

    async def scenario() -> None:
        async with running(bus.address, FakeControl()):
            with pytest.raises(HmiNameError) as caught:
                await HmiService(HmiConfig(address=bus.address), FakeControl()).start()
            assert caught.value.code == "hmi_name_taken"
            assert "org.cabin.Assistant1 is already owned" in caught.value.message
            assert "another Cabin is running" in caught.value.fix

    asyncio.run(scenario())


def test_bus_policy_refusing_the_name_is_a_clear_error(tmp_path: Path) -> None:
    from daemon.hmi import HmiNameError

    denying = BusDaemon(tmp_path, deny_own=INTERFACE)
    try:
        with pytest.raises(HmiNameError) as caught:
            asyncio.run(HmiService(HmiConfig(address=denying.address), FakeControl()).start())
    finally:
        denying.stop()
    assert caught.value.code == "hmi_name_denied"
    assert "AccessDenied" in caught.value.message
    assert "org.cabin.Assistant1.conf" in caught.value.fix


def test_no_bus_at_start_is_a_typed_error(tmp_path: Path) -> None:
    from daemon.hmi import HmiUnavailableError

    absent = HmiService(HmiConfig(address=f"unix:path={tmp_path / 'none'}"), FakeControl())
    with pytest.raises(HmiUnavailableError) as caught:
        asyncio.run(absent.start())
    assert caught.value.code == "hmi_bus_unavailable"
    assert str(tmp_path / "none") in caught.value.message
    assert "hmi.address" in caught.value.fix

    unset = HmiService(HmiConfig(bus="session"), FakeControl(), env={})  # nothing to find
    with pytest.raises(HmiUnavailableError) as caught:
        asyncio.run(unset.start())
    assert "no session D-Bus address" in caught.value.message
    assert "$DBUS_SESSION_BUS_ADDRESS" in caught.value.fix


def test_a_bus_restart_is_survived_and_the_name_owned_again(
        bus: BusDaemon, caplog: pytest.LogCaptureFixture) -> None:
    control = FakeControl()

    async def until(predicate: Callable[[], bool]) -> None:
        async with asyncio.timeout(GUARD_S):
            while not predicate():  # noqa: ASYNC110  # set on the D-Bus thread: polled
                await asyncio.sleep(0.02)

    def failed_reconnects() -> int:
        return sum("reconnect failed" in r.getMessage() for r in caplog.records)

    async def scenario() -> tuple[str, bool]:
        async with running(bus.address, control, reconnect_initial_s=0.05,
                           reconnect_max_s=0.2) as service:
            bus.stop()
            await until(lambda: not service.connected)
            service.publish(Reply(t_ms=1, turn=1, text="nobody hears this"))  # no crash
            service.state_changed("speaking", 1)
            await until(lambda: failed_reconnects() >= 2)  # backing off, still alive
            bus.start()
            await until(lambda: service.connected)
            state = await call(bus.address, "Get", INTERFACE, "State", iface=PROPS)
            return state.out, await name_has_owner(bus.address)

    caplog.set_level(logging.WARNING, logger="daemon.hmi")
    state, owned = asyncio.run(scenario())
    assert state == "(<'speaking'>,)\n"  # kept while disconnected
    assert owned
    assert any("connection lost" in r.getMessage() for r in caplog.records)
