"""Commands read around words the language does not know, through the Decider: a form of
address is dropped and the command runs; a command said with a story, or two without a joiner,
is asked about first and runs only after a yes (daemon/understanding/edges.py)."""

from __future__ import annotations

from tests.unit.test_dialogue import make, run_turns


def test_a_form_of_address_runs_at_once() -> None:
    decider, dispatcher, _ = make()
    run_turns(decider, ["fan on 4 bro"])
    assert [(c[0], c[1]) for c in dispatcher.calls] == [("set_fan", {"level": 4})]


def test_a_command_said_with_a_story_runs_after_a_yes() -> None:
    decider, dispatcher, _ = make()
    replies = run_turns(decider, ["we're in a dodgy area lock the doors"])
    assert dispatcher.calls == []  # asked, nothing sent
    assert replies[0].endswith("?")
    run_turns(decider, ["yes"])
    assert [(c[0], c[2]) for c in dispatcher.calls] == [("lock_doors", True)]


def test_two_commands_without_a_joiner_run_none_after_a_no() -> None:
    decider, dispatcher, _ = make()
    replies = run_turns(decider, ["windows up sunroof shut", "no"])
    assert replies[0].endswith("?") and "sunroof" in replies[0]
    assert all(confirmed is False for _, _, confirmed in dispatcher.calls)  # declined only
