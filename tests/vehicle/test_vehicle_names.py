"""A contact is resolved against the phone book before anything is dialled
(vehicle_tools/names.py): the same name (or one that sounds the same) is called and named in the
reply, a near one is asked about first, anything else is said not to exist and the phone never
hears of it. Pure matching first, then the dispatcher against the simulated phone on a real
dbus-daemon."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Live, running_vehicle, vehicle_config

from vehicle_tools.names import match_name
from vehicle_tools.sim.dbus_services import CONTACTS

BOOK = ("Alice", "Bob Smith", "Mom", "Office")


@pytest.fixture
def live(dbus_daemon, channel, db) -> Iterator[Live]:  # type: ignore[no-untyped-def]
    with running_vehicle(vehicle_config(channel, dbus_address=dbus_daemon.address), db) as live:
        live.traffic()
        yield live


@pytest.mark.parametrize(("heard", "kind", "entry"), [
    ("Alice", "sure", "Alice"), ("alice", "sure", "Alice"), ("my mom", "sure", "Mom"),
    ("the office", "sure", "Office"), ("Bob", "sure", "Bob Smith"),  # the only Bob
    ("mum", "sure", "Mom"), ("Alis", "sure", "Alice"), ("Bob Smyth", "sure", "Bob Smith"),
    ("Rob Smith", "close", "Bob Smith"), ("Alex", "close", "Alice"),
    ("Allison", "close", "Alice"),
    ("phone", "none", ""), ("camera, John, turn", "none", ""), ("Margaret", "none", ""),
    ("Dave", "none", ""), ("", "none", ""),
])
def test_a_heard_name_against_the_phone_book(heard: str, kind: str, entry: str) -> None:
    match = match_name(heard, BOOK)
    assert (match.kind, match.entry) == (kind, entry)


def test_two_entries_equally_near_are_not_chosen_between() -> None:
    match = match_name("Jon", ("John Smith", "John Brown"))
    assert match.kind == "none"


def test_the_simulated_phone_book_is_the_one_tested() -> None:
    assert tuple(sorted(CONTACTS)) == tuple(sorted(BOOK))


def test_a_sound_alike_is_called_by_its_entry_name(live) -> None:
    result = live.call("call_contact", {"contact": "mum"})
    assert result.ok and result.reply == "Calling Mom."
    assert [(c.member, c.args, c.accepted) for c in live.dbus_calls()] == [
        ("Dial", ("Mom",), True)]


def test_a_name_not_in_the_book_never_reaches_the_phone(live) -> None:
    result = live.call("call_contact", {"contact": "phone"})
    assert (result.ok, result.error_code) == (False, "not_found")
    assert result.reply == "I couldn't find phone in your contacts."
    assert live.dbus_calls() == []


def test_a_near_name_is_asked_about_and_the_yes_calls_the_entry(live) -> None:
    asked = live.call("call_contact", {"contact": "Rob Smith"})
    assert (asked.error_code, asked.reply) == ("needs_confirmation", "Did you mean Bob Smith?")
    assert asked.args == {"contact": "Bob Smith"}  # what the yes confirms
    assert live.dbus_calls() == []
    # a confirmation given for the heard name is no answer to "Did you mean ...?"
    again = live.call("call_contact", {"contact": "Rob Smith"}, confirmed=True)
    assert again.error_code == "needs_confirmation" and live.dbus_calls() == []
    done = live.call("call_contact", asked.args, confirmed=True)
    assert done.ok and done.reply == "Calling Bob Smith."
    assert [c.args for c in live.dbus_calls()] == [("Bob Smith",)]
    # a no cancels before any name is looked up (the policy comes first: a declined or
    # refused call asks nothing more of any service)
    declined = live.call("call_contact", {"contact": "Alex"}, confirmed=False)
    assert declined.error_code == "cancelled" and declined.reply == "OK, I won't make the call."
    asked_alex = live.call("call_contact", {"contact": "Alex"})
    assert asked_alex.reply == "Did you mean Alice?"
    no = live.call("call_contact", asked_alex.args, confirmed=False)
    assert no.error_code == "cancelled" and live.dbus_calls() == []


def _decide(live: Live, texts: list[str]) -> tuple[list[str], list[tuple[str, dict]]]:
    from daemon import events as ev
    from daemon.conversation.decide import Decider, TurnInput
    from daemon.conversation.dialogue import Conversation
    from daemon.llm.types import CancelToken

    log = ev.EventLog()
    decider = Decider(live.dispatcher, log, lambda: 0.0, Conversation())

    async def run() -> list[str]:
        replies = []
        for turn, text in enumerate(texts, 1):
            pieces = [p async for p in decider.decide(TurnInput(turn, text, CancelToken()))]
            replies.append(" ".join(pieces))
        return replies

    replies = live.runner.run(run())
    return replies, [(e.name, e.args) for e in log.of_type(ev.ToolCall)]  # type: ignore[attr-defined]


@pytest.mark.parametrize("answer", ["yes", "no"])
def test_what_follows_a_place_asked_about_runs_after_the_answer(live: Live,
                                                                answer: str) -> None:
    """"navigate to heat row airport and turn on the AC": the map is not sure of the place, so
    "Did you mean Heathrow Airport?" first, nothing sent; the AC, not asked about, is not
    dropped: it runs after the answer, yes or no."""
    nav = live.vehicle.services.navigation
    replies, calls = _decide(live, ["navigate to heat row airport and turn on the AC", answer])
    assert replies[0] == "Did you mean Heathrow Airport?"
    assert "air conditioning" in replies[1].lower()
    assert calls[-1] == ("set_ac", {"on": True})
    frames, dbus_calls = live.traffic()
    assert [f.message for f in frames if f.message == "CLIMATE_CMD"] == ["CLIMATE_CMD"]
    routed = [c.args for c in dbus_calls if c.member == "SetDestination"]
    assert routed == ([("Heathrow Airport",)] if answer == "yes" else [])
    assert nav.Active is (answer == "yes")


def test_garbage_heard_as_a_destination_sets_no_route_and_says_so(live: Live) -> None:
    replies, _ = _decide(live, ["take me to camera john turn"])
    assert replies == ["I couldn't find camera john turn on the map."]
    _, dbus_calls = live.traffic()
    assert [c.member for c in dbus_calls] == ["Search"]
