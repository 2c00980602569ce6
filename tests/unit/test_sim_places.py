"""The simulated navigation's search (vehicle_tools/sim/places.py): what it finds, and how sure."""

from __future__ import annotations

import pytest

from vehicle_tools.names import match_search
from vehicle_tools.sim.places import MAX_RESULTS, search


@pytest.mark.parametrize(("said", "place"), [
    ("home", "Home"), ("my place", "Home"), ("the office", "Work"), ("mums house", "Mum's house"),
    ("the nearest gas station", "Shell petrol station, Mill Road"),
    ("a nearby charger", "Ionity charging station, Ring Road"),
    ("somewhere to park near here", "Station Road car park"),
    ("the airport", "Heathrow Airport"), ("the station", "Central Station"),
    ("221 Baker Street", "221 Baker Street"), ("42 high st", "42 High Street"),
    ("number 10 downing street", "10 Downing Street"), ("Baker Street", "Baker Street"),
    ("Leeds", "Leeds"), ("The Hague", "The Hague"), ("kings cross", "King's Cross"),
    ("heathrow", "Heathrow Airport"),  # the only place holding every word said
    ("london bridge station", "London Bridge"), ("new york city", "New York"),
    ("central station", "Central Station"), ("the city centre", "Town centre, Market Square"),
])
def test_places_the_map_is_sure_of(said: str, place: str) -> None:
    assert search(said) == [(place, True)]


@pytest.mark.parametrize(("said", "place"), [
    ("heat row airport", "Heathrow Airport"), ("the throw airport", "Heathrow Airport"),
])
def test_a_name_spelled_near_a_place_is_offered_not_sure(said: str, place: str) -> None:
    found = search(said)
    assert found[0] == (place, False) and len(found) <= MAX_RESULTS
    assert all(not sure for _, sure in found)


@pytest.mark.parametrize("said", [
    "camera, John, turn", "the 12 volt battery", "x", "", "the nearest", "phone", "get my fish",
    "what was", "42 waddles treat", "city", "mill", "bristol airport",
])
def test_what_a_recogniser_makes_of_noise_finds_nothing(said: str) -> None:
    assert search(said) == []


def test_the_dispatcher_takes_the_first_sure_place_else_asks_about_the_first() -> None:
    assert match_search([("A", False), ("B", True)]).entry == "B"
    close = match_search([("A", False), ("B", False)])
    assert (close.kind, close.entry) == ("close", "A")
    assert match_search([]).kind == "none"
