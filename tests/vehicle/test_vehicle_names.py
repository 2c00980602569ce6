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
