"""The API's pure parts: text validation, event -> signal mapping, errors, the bounded queue."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from daemon.errors import AsrError
from daemon.events import (
    AudioOut,
    ErrorEvent,
    Intent,
    Interrupted,
    PlaybackEnd,
    Ready,
    Reply,
    SpeechEnd,
    SpeechStart,
    ToolCall,
    ToolResultEvent,
    Transcript,
    Wake,
)
from daemon.hmi import MAX_TEXT_CHARS, AssistantBusyError, hmi_address
from daemon.hmi.api import (
    ERROR_BUSY,
    ERROR_FAILED,
    ERROR_INVALID_ARGUMENT,
    DbusReplyError,
    OutSignal,
    check_state,
    dbus_error_for,
    signal_for,
    validate_text,
)
from daemon.hmi.outbox import Outbox, PropertyUpdate
from daemon.runtime_config import HmiConfig


@pytest.mark.parametrize(("text", "expected"), [
    ("open the window", "open the window"),
    ("  set 21 degrees  ", "set 21 degrees"),
    ("Fahr nach München", "Fahr nach München"),
    ("x" * MAX_TEXT_CHARS, "x" * MAX_TEXT_CHARS),
])
def test_valid_text_is_stripped(text: str, expected: str) -> None:
    assert validate_text(text) == expected


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"), (" \u00a0 ", "empty"), ("x" * (MAX_TEXT_CHARS + 1), "501 characters"),
    ("a\nb", "U+000A"), ("\ttab", "U+0009"), ("nul\x00", "U+0000"), ("esc\x1b[2J", "U+001B"),
    ("del\x7f", "U+007F"), ("c1\x85", "U+0085"), (b"bytes", "string"), (None, "string"),
])
def test_invalid_text_names_the_reason(text: object, why: str) -> None:
    with pytest.raises(DbusReplyError) as caught:
        validate_text(text)
    assert caught.value.name == ERROR_INVALID_ARGUMENT
    assert why in caught.value.message
    if isinstance(text, str) and text.strip():
        assert text.strip() not in caught.value.message  # never echo the driver's text


def test_every_signalled_event_maps_to_its_signal() -> None:
    assert signal_for(Wake(t_ms=1, turn=2, model="hey_jarvis", score=0.7)) == \
        OutSignal("Wake", "us", (2, "hey_jarvis"))
    assert signal_for(Transcript(t_ms=1, turn=2, final=False, text="set", backend="vosk")) == \
        OutSignal("Transcript", "usb", (2, "set", False))
    assert signal_for(Reply(t_ms=1, turn=2, text="Done.")) == OutSignal("Reply", "us", (2, "Done."))
    call = signal_for(ToolCall(t_ms=1, turn=2, name="set_temperature",
                               args={"zone": "all", "celsius": 21.5}))
    assert call is not None and call.signature == "uss"
    assert json.loads(str(call.args[2])) == {"celsius": 21.5, "zone": "all"}
    assert call.args[2] == '{"celsius": 21.5, "zone": "all"}'  # sorted keys: stable for the HMI
    assert signal_for(ToolResultEvent(t_ms=1, turn=2, name="set_ac", ok=True)) == \
        OutSignal("ToolResult", "usbs", (2, "set_ac", True, ""))
    assert signal_for(ToolResultEvent(t_ms=1, turn=2, name="unlock_doors", ok=False,
                                      error="not_allowed")) == \
        OutSignal("ToolResult", "usbs", (2, "unlock_doors", False, "not_allowed"))
    assert signal_for(ErrorEvent(t_ms=1, code="asr_failed", message="boom")) == \
        OutSignal("Error", "uss", (0, "asr_failed", "boom"))
    assert signal_for(Interrupted(t_ms=1, turn=2, reason="wake", played_ms=250, total_ms=900,
                                  heard_text="It")) == OutSignal("Interrupted", "ud", (2, 250.0))


def test_internal_events_are_not_signalled() -> None:
    quiet = [Ready(t_ms=0, asr_backend="vosk", wake_words=("hey_jarvis",)),
             SpeechStart(t_ms=1, turn=1),
             SpeechEnd(t_ms=2, turn=1, reason="silence", last_speech_ms=1.5),
             Intent(t_ms=3, turn=1, source="fast_path", name="set_ac", args={"on": True}),
             AudioOut(t_ms=4, turn=1, latency_ms=300, duration_ms=800),
             PlaybackEnd(t_ms=5, turn=1, played_ms=800)]
    assert [signal_for(e) for e in quiet] == [None] * len(quiet)


def test_exceptions_map_to_documented_dbus_errors() -> None:
    busy = dbus_error_for(AssistantBusyError("confirming a command"))
    assert (busy.name, busy.message) == (ERROR_BUSY, "confirming a command")
    failed = dbus_error_for(AsrError("recogniser crashed"))
    assert (failed.name, failed.message) == (ERROR_FAILED, "asr_error: recogniser crashed")
    internal = dbus_error_for(KeyError("secret detail"))
    assert internal.name == ERROR_FAILED and "secret detail" not in internal.message


@pytest.mark.parametrize(("state", "turn"), [("sleeping", 1), ("idle", -1), ("idle", 2**32)])
def test_bad_states_are_refused(state: str, turn: int) -> None:
    with pytest.raises(ValueError, match="HMI"):
        check_state(state, turn)


def test_outbox_drops_the_oldest_and_counts() -> None:
    box = Outbox(3)
    wakes = [box.put(OutSignal("Reply", "us", (n, "x"))) for n in range(5)]
    assert wakes == [True, False, False, False, False]  # one drain scheduled at a time
    assert box.dropped == 2
    assert [item.args[0] for item in box.take_all() if isinstance(item, OutSignal)] == [2, 3, 4]
    assert box.put(PropertyUpdate({"State": "idle"})) is True  # drained: wake again


def test_config_refuses_bad_bus_names_and_resolves_the_address() -> None:
    for bad in ("Assistant1", "org..cabin", "org.1cabin", "org.cäbin"):
        with pytest.raises(ValidationError):
            HmiConfig(name=bad)
    assert hmi_address(HmiConfig(address="unix:path=/x")) == "unix:path=/x"
    assert hmi_address(HmiConfig(), {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/s"}) == \
        "unix:path=/s"
    assert hmi_address(HmiConfig(bus="system"), {"DBUS_SYSTEM_BUS_ADDRESS": "unix:path=/y"}) \
        == "unix:path=/y"
    assert hmi_address(HmiConfig(), {}) is None
