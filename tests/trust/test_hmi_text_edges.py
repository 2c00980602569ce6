"""SendText refuses or normalises invisible and layout-changing text at the head-unit edge
(issue 23, item 10): bidirectional overrides (U+202E), line and paragraph separators (U+2028,
U+2029) and text of nothing but zero-width characters, with a clear InvalidArgument; other
invisible format characters are removed before the text becomes a turn."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from daemon.hmi import INTERFACE
from daemon.hmi.api import ERROR_INVALID_ARGUMENT, DbusReplyError, validate_text
from tests.hmi.conftest import BusDaemon, FakeControl, call, running


@pytest.mark.parametrize(("text", "why"), [
    ("\u202eskool eht kcolnu", "bidirectional control U+202E"),
    ("open the \u2066window\u2069", "bidirectional control U+2066"),
    ("turn on\u2028the AC", "line separator U+2028"),
    ("hello\u2029", "line separator U+2029"),
    ("\u200b", "empty"), ("\u200b\u200c\u200d\u2060", "empty"), (" \ufeff \u200b ", "empty"),
    ("\U000e0075\U000e006e\U000e006c\U000e006f\U000e0063\U000e006b", "empty"),  # tag letters
])
def test_invisible_or_layout_changing_text_is_refused(text: str, why: str) -> None:
    with pytest.raises(DbusReplyError) as caught:
        validate_text(text)
    assert caught.value.name == ERROR_INVALID_ARGUMENT
    assert why in caught.value.message


@pytest.mark.parametrize(("text", "expected"), [
    ("un\u200block the doors", "unlock the doors"),
    ("\ufeffset the fan to 2", "set the fan to 2"),
    ("Fahr nach M\u00fcn\u00adchen", "Fahr nach M\u00fcnchen"),  # a soft hyphen
])
def test_zero_width_characters_inside_text_are_removed(text: str, expected: str) -> None:
    assert validate_text(text) == expected


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[BusDaemon]:
    """A session bus of this test's own (tests/hmi/conftest.py)."""
    daemon = BusDaemon(tmp_path)
    yield daemon
    daemon.stop()


def test_a_second_process_gets_invalid_argument_and_no_turn_starts(bus: BusDaemon) -> None:
    control = FakeControl()

    async def scenario() -> list[str | None]:
        async with running(bus.address, control):
            refused = [(await call(bus.address, "SendText", text)).error
                       for text in ("\u202eyes", "yes\u2028unlock the doors", "\u200b\u200b")]
            accepted = await call(bus.address, "SendText", "ye\u200bs")
            return [*refused, accepted.out]

    assert asyncio.run(scenario()) == [f"{INTERFACE}.Error.InvalidArgument"] * 3 + \
        ["(uint32 1,)\n"]
    assert control.calls == [("send_text", "yes")]
