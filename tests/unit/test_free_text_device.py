"""A free text is a name, a place or a title, not another tool's device or the driver's form of
address (daemon/understanding/free_text.py, `FreeText.addressed`)."""

from __future__ import annotations

import pytest

from daemon.eval.understanding_eval import DEFAULT_STATE
from daemon.understanding.intents import understander

U = understander()


def _calls(text: str) -> list[tuple[str, dict[str, object]]] | None:
    plan = U.understand(text, DEFAULT_STATE)
    return None if plan is None else [(c.tool, dict(c.args)) for c in plan.calls]


@pytest.mark.parametrize("text", [
    "put on the heater",  # was a media search for "the heater"
    "put on the demister for the windscreen",
    "play the defroster",
])
def test_a_device_of_another_tool_is_never_searched_for(text: str) -> None:
    calls = _calls(text)
    assert calls is None or all(tool != "media_search" for tool, _ in calls)


@pytest.mark.parametrize(("text", "query"), [
    ("play the Bluey theme song", "the Bluey theme song"),  # songs are the search's own
    ("play the beatles", "the beatles"),
    ("play love", "love"),  # a title keeps a word that is a form of address elsewhere
])
def test_a_title_stays_a_title(text: str, query: str) -> None:
    assert _calls(text) == [("media_search", {"query": query})]


@pytest.mark.parametrize(("text", "calls"), [
    ("would you ever ring nuala for me pet", [("call_contact", {"contact": "nuala"})]),
    ("call mom love", [("call_contact", {"contact": "mom"})]),
    ("call honey", [("call_contact", {"contact": "honey"})]),  # all of it: the name
    ("navigate to the mall please love", [("navigate_to", {"destination": "mall"})]),
])
def test_a_form_of_address_after_a_name_is_the_drivers(text: str, calls: list[object]) -> None:
    assert _calls(text) == calls
