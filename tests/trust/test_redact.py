"""The one log helper (`vehicle_tools.redact`): which arguments are free text, derived from the
tools' argument models, and what a hidden line still tells."""

from __future__ import annotations

from typing import Literal

import pytest

from vehicle_tools.redact import Redactor, free_text_fields, is_free_text
from vehicle_tools.registry import ToolArgs
from vehicle_tools.tools import default_registry

QUIET = Redactor()


def test_free_text_fields_come_from_the_argument_models() -> None:
    free = {tool.name: free_text_fields(tool.args_model) for tool in default_registry()}
    assert free["navigate_to"] == {"destination"}
    assert free["call_contact"] == {"contact"}
    assert free["media_search"] == {"query"}
    assert free["set_temperature"] == frozenset()  # zone is a Literal, celsius a number
    assert free["set_window"] == frozenset()


@pytest.mark.parametrize(("annotation", "free"), [
    (str, True), (str | None, True), (list[str], True), (Literal["a", "b"], False),
    (Literal["a"] | None, False), (int, False), (float | None, False), (bool, False),
])
def test_is_free_text(annotation: object, free: bool) -> None:
    assert is_free_text(annotation) is free


class _Args(ToolArgs):
    place: str
    zone: Literal["driver", "all"]
    level: int


def test_args_hide_free_text_and_keep_enums_and_numbers() -> None:
    args = {"place": "Baker Street", "zone": "all", "level": 3}
    assert QUIET.args(args, _Args) == {"place": "<hidden: 2 words>", "zone": "all", "level": 3}
    assert QUIET.args(args) == {"place": "<hidden: 2 words>", "zone": "<hidden: 1 word>",
                                "level": 3}  # no model: every string
    assert Redactor(show_text=True).args(args, _Args) == args


def test_state_and_values_hide_every_string_deeply() -> None:
    state = {"contact": "Bob Smith", "eta_s": 600, "nested": {"title": ["Superstition"]}}
    assert QUIET.state(state) == {"contact": "<hidden: 2 words>", "eta_s": 600,
                                  "nested": {"title": ["<hidden: 1 word>"]}}
    assert QUIET.values(("Baker Street", 0.5)) == ["<hidden: 2 words>", 0.5]
    deep: object = "Baker"
    for _ in range(50):
        deep = [deep]
    assert "Baker" not in str(QUIET.values((deep,)))  # bounded, never a RecursionError


def test_detail_and_crash_scrub_the_private_values() -> None:
    detail = "navigate_to: service said 'no place called Baker Street'"
    assert "Baker" not in QUIET.detail(detail, private={"destination": "Baker Street"})
    assert QUIET.detail(detail, private={"destination": "x"}) == detail  # too short to scrub
    place = "Baker Street"
    try:
        raise ValueError(f"cannot route to {place}")
    except ValueError as exc:
        line = QUIET.crash(exc, private={"destination": "Baker Street"})
        shown = Redactor(show_text=True).crash(exc, private={"destination": "Baker Street"})
    assert "Traceback" in line and "ValueError" in line and "Baker" not in line
    assert "Baker Street" in shown
