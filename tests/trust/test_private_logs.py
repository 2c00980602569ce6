"""Issue 23, item 2: with ``privacy.log_text`` off (the default) no log line carries the driver's
free text: destinations, contact names, search words, what the services report back (the track
playing) and transcripts.

Here the turn code itself (the Decider, as `cabin run` and `cabin replay` drive it) acts on
typed requests against the real dispatcher, the simulated car and the simulated D-Bus services on
a real dbus-daemon, with the daemon's event journal subscribed as `cabin run` subscribes it; every
log record at DEBUG is captured and searched. tests/trust/test_private_replay.py does the same
for a whole spoken session through `cabin replay`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Iterator

import pytest

from daemon import events as ev
from daemon.conversation.decide import Decider, TurnInput
from daemon.conversation.dialogue import Conversation
from daemon.llm.types import CancelToken
from daemon.retention.privacy import format_event, shows_text
from daemon.runtime_config import PrivacyConfig
from tests.trust.logcapture import SESSION, SPOKEN_FREE_TEXT, every_log_line, leaks
from tests.vehicle.conftest import DbusDaemon, vehicle_config
from vehicle_tools.vehicle import open_vehicle

_JOURNAL = logging.getLogger("daemon.events")


async def _session(address: str, privacy: PrivacyConfig, texts: tuple[str, ...],
                   ) -> list[ev.Event]:
    log = ev.EventLog()
    log.subscribe(lambda e: _JOURNAL.info("%s", format_event(e, privacy)))  # as cabin run
    config = vehicle_config(f"cabin-trust-{uuid.uuid4()}", dbus_address=address)
    async with open_vehicle(config, show_text=shows_text(privacy)) as vehicle:
        decider = Decider(vehicle.dispatcher, log, lambda: 0.0, Conversation())
        for turn, text in enumerate(texts, 1):
            log.emit(ev.Transcript(t_ms=0.0, turn=turn, final=True, text=text, backend="text"))
            async for piece in decider.decide(TurnInput(turn, text, CancelToken())):
                log.emit(ev.Reply(t_ms=0.0, turn=turn, text=piece))
    return log.events


def _run(daemon: DbusDaemon, privacy: PrivacyConfig,
         texts: tuple[str, ...] = SESSION) -> tuple[list[ev.Event], list[str]]:
    with every_log_line() as lines:
        events = asyncio.run(_session(daemon.address, privacy, texts))
    return events, lines


@pytest.fixture(scope="module")
def dbus_daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DbusDaemon]:
    """A real session dbus-daemon for this module (the simulated services publish on it)."""
    daemon = DbusDaemon(tmp_path_factory.mktemp("dbus"))
    yield daemon
    daemon.stop()


def test_navigation_call_and_media_search_leave_no_driver_text_in_any_log_line(
        dbus_daemon: DbusDaemon) -> None:
    assert PrivacyConfig().log_text is False  # the default this test is about
    events, lines = _run(dbus_daemon, PrivacyConfig())
    results = [e for e in events if isinstance(e, ev.ToolResultEvent)]
    assert [(r.name, r.ok) for r in results] == [
        ("navigate_to", True), ("call_contact", True), ("media_search", True)], results
    assert any("tool navigate_to" in line for line in lines), lines  # the calls were logged
    assert any("SetDestination" in line for line in lines), lines
    assert leaks(lines) == []


def test_with_log_text_on_the_same_session_logs_the_driver_text(
        dbus_daemon: DbusDaemon) -> None:
    _, lines = _run(dbus_daemon, PrivacyConfig(log_text=True))
    shown = "\n".join(leaks(lines))
    for word in ("Baker", "Smith", "Superstition", "Stevie"):
        assert word in shown, lines


def test_rejected_free_text_and_unknown_names_stay_out_of_the_log(
        dbus_daemon: DbusDaemon) -> None:
    """A destination the argument check refuses (a control character), a contact the phone does
    not know, a song the library lacks: the failure lines name the cause, not the text."""
    texts = ("call Zed Zebedee", "play Superstition by Stevie Wonder live")
    events, lines = _run(dbus_daemon, PrivacyConfig(), texts)
    errors = [e.error for e in events if isinstance(e, ev.ToolResultEvent)]
    assert errors == ["not_found", "not_found"], errors
    assert any("failed: not_found" in line for line in lines), lines
    assert leaks(lines, (*SPOKEN_FREE_TEXT, "Zed Zebedee")) == []


def test_the_dispatchers_failure_detail_hides_a_rejected_destination(
        dbus_daemon: DbusDaemon) -> None:
    async def call(show_text: bool) -> None:
        config = vehicle_config(f"cabin-trust-{uuid.uuid4()}", dbus_address=dbus_daemon.address)
        async with open_vehicle(config, show_text=show_text) as vehicle:
            result = await vehicle.dispatcher.call("navigate_to",
                                                   {"destination": "Baker Street\x07"})
            assert result.error_code == "invalid_arguments"
            wrong = await vehicle.dispatcher.call("navigate_to", {"destination": 12})
            assert wrong.error_code == "invalid_arguments"

    with every_log_line() as lines:
        asyncio.run(call(show_text=False))
    failed = [line for line in lines if "failed: invalid_arguments" in line]
    assert len(failed) == 2 and "(got 12)" in failed[1], lines  # numbers are not private
    assert leaks(lines) == []
    with every_log_line() as lines:
        asyncio.run(call(show_text=True))
    assert leaks(lines), lines
