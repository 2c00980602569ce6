"""The simulated navigation's map and its search (``org.cabin.Navigation1.Search``). Pure.

A navigation service finds places; Cabin does not. Before a route starts, the dispatcher asks
the service's search what the heard destination is (`vehicle_tools.names.Directory` with
``search=True``), and the service answers with places, best first, each marked sure (it is
what was asked for) or not (only near it). This module is that search for the simulated car:

- the driver's saved places ("home", "work" or "the office");
- a kind of place ("the nearest gas station", "a charger", "somewhere to park"): the nearest
  one of that kind, sure;
- a street address on a street the map knows ("221 Baker Street"; "12 Elm St"), sure, as said;
  a street name spelled near one it knows ("12 Elm Streep"), not sure;
- a named place (a city, a station, an airport, a landmark): the same name, the only place
  whose name holds every word said ("Heathrow" -> "Heathrow Airport"), or one that sounds the
  same and is spelled nearly the same (`vehicle_tools.names.match_name`) is sure; names spelled
  near (rapidfuzz ratio >= `NEAR_SCORE`: "heat row airport") are offered, not sure;
- anything else (words a recogniser made of noise: "camera John turn") finds nothing.

The map is small and invented for the simulator, but it answers like a real search does:
the driver's words are looked up, never routed to as heard.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType

from rapidfuzz import fuzz, process

from vehicle_tools.names import match_name

MAX_RESULTS = 3
"""Places a search answers with, at most."""
NEAR_SCORE = 80.0
"""rapidfuzz WRatio (0-100) at or above which a named place is offered for a query."""

SAVED: Mapping[str, str] = MappingProxyType({
    "home": "Home", "my house": "Home", "my place": "Home", "work": "Work", "the office":
    "Work", "office": "Work", "my office": "Work", "my work": "Work", "mum's house":
    "Mum's house", "mums house": "Mum's house", "mum's": "Mum's house", "mom's house":
    "Mum's house", "moms house": "Mum's house"})
"""The driver's saved places: what is said -> the entry."""

KINDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Shell petrol station, Mill Road", ("gas station", "petrol station", "filling station",
                                        "fuel station", "gas", "petrol", "fuel", "garage for "
                                        "fuel", "service station")),
    ("Ionity charging station, Ring Road", ("charging station", "charger", "ev charger",
                                           "charging point", "charge point", "supercharger",
                                           "fast charger", "somewhere to charge")),
    ("Station Road car park", ("car park", "parking", "parking lot", "parking garage",
                               "parking space", "parking spot", "somewhere to park", "garage "
                               "to park")),
    ("St Mary's Hospital", ("hospital", "a and e", "a&e", "emergency room", "er")),
    ("Boots pharmacy, High Street", ("pharmacy", "chemist", "chemists", "drugstore",
                                     "drug store")),
    ("Tesco supermarket, London Road", ("supermarket", "grocery store", "groceries", "shops",
                                        "the shops", "food shop")),
    ("Starbucks, Market Square", ("coffee", "coffee shop", "cafe", "café", "starbucks")),
    ("The Red Lion restaurant, Church Street", ("restaurant", "somewhere to eat", "food",
                                                "place to eat", "pub")),
    ("Premier Inn, Station Road", ("hotel", "motel", "somewhere to stay", "place to stay")),
    ("Central Station", ("station", "train station", "railway station", "rail station")),
    ("Bus station, Victoria Road", ("bus station", "coach station", "bus stop")),
    ("Police station, Queen Street", ("police station", "police")),
    ("Kwik Fit garage, Park Road", ("garage", "mechanic", "tyre shop", "tire shop")),
    ("Cash machine, High Street", ("cash machine", "atm", "cashpoint", "bank")),
    ("Public toilets, Market Square", ("toilet", "toilets", "restroom", "bathroom")),
    ("Moto services, M1", ("services", "service area", "rest stop", "rest area",
                           "motorway services")),
    ("Riverside shopping centre", ("shopping centre", "shopping center", "mall")),
    ("Greenfield primary school", ("school", "the school", "the kids school")),
    ("Post office, Church Street", ("post office",)),
    ("Heathrow Airport", ("airport", "the airport")),
    ("Victoria Park", ("park",)),
    ("City library, Albert Street", ("library",)),
    ("Leisure centre gym, Park Road", ("gym", "leisure centre", "leisure center")),
    ("Brighton beach", ("beach", "seaside")),
    ("Town centre, Market Square", ("town centre", "town center", "city centre", "city center",
                                    "downtown", "centre of town", "center of town")),
)
"""Kinds of place: the nearest one -> the words that ask for the kind."""

PLACES: tuple[str, ...] = (
    # cities and towns
    "London", "Manchester", "Birmingham", "Leeds", "Liverpool", "Sheffield", "Bristol",
    "Newcastle", "Nottingham", "Leicester", "Coventry", "Bradford", "Cardiff", "Swansea",
    "Edinburgh", "Glasgow", "Aberdeen", "Dundee", "Inverness", "Belfast", "Dublin", "Cork",
    "Oxford", "Cambridge", "York", "Bath", "Brighton", "Southampton", "Portsmouth", "Plymouth",
    "Exeter", "Norwich", "Ipswich", "Reading", "Milton Keynes", "Northampton", "Peterborough",
    "Derby", "Stoke", "Wolverhampton", "Hull", "Sunderland", "Middlesbrough", "Durham",
    "Carlisle", "Lancaster", "Preston", "Blackpool", "Chester", "Shrewsbury", "Hereford",
    "Gloucester", "Cheltenham", "Swindon", "Salisbury", "Winchester", "Canterbury", "Dover",
    "Luton", "Watford", "Guildford", "Croydon", "Harrogate", "Scarborough", "Whitby",
    "Stratford-upon-Avon", "Windsor", "Paris", "Lyon", "Marseille", "Brussels", "Amsterdam",
    "Rotterdam", "The Hague", "Berlin", "Munich", "Hamburg", "Frankfurt", "Cologne", "Vienna",
    "Zurich", "Geneva", "Milan", "Rome", "Madrid", "Barcelona", "Lisbon", "Copenhagen",
    "Stockholm", "Oslo", "Prague", "Warsaw", "New York", "Boston", "Chicago", "Los Angeles",
    "San Francisco", "San Diego", "Seattle", "Portland", "Denver", "Austin", "Dallas",
    "Houston", "Miami", "Atlanta", "Washington", "Philadelphia", "Detroit", "Toronto",
    "Montreal", "Vancouver",
    # stations, airports, landmarks
    "King's Cross", "St Pancras", "Euston", "Paddington", "Waterloo", "Victoria Station",
    "Liverpool Street", "London Bridge", "Piccadilly", "Union Station", "Penn Station",
    "Grand Central", "Heathrow Airport", "Gatwick Airport", "Stansted Airport",
    "Manchester Airport", "JFK Airport", "LaGuardia Airport", "O'Hare Airport",
    "Big Ben", "Tower Bridge", "Tower of London", "Buckingham Palace", "Hyde Park",
    "Regent's Park", "Trafalgar Square", "Wembley Stadium", "Old Trafford", "Anfield",
    "Eiffel Tower", "Times Square", "Central Park", "Golden Gate Bridge", "Disneyland",
    "Stonehenge", "Edinburgh Castle", "Windsor Castle", "Brighton Pier", "Natural History "
    "Museum", "Science Museum", "British Museum", "the Louvre", "Statue of Liberty",
    "Empire State Building", "Niagara Falls", "Lake District", "Snowdon",
)
"""Named places the map knows."""

NAMED: tuple[str, ...] = PLACES + tuple(p for p, _ in KINDS if p not in PLACES)
"""Every place a name can find: the named places and the nearest place of each kind."""

STREETS: tuple[str, ...] = (
    "High", "Main", "Church", "Station", "Park", "Victoria", "King", "Kings", "Queen",
    "Queens", "Baker", "Oxford", "Elm", "Oak", "Maple", "Pine", "Cedar", "Birch", "Ash",
    "Mill", "London", "Market", "Bridge", "Green", "Manor", "School", "North", "South", "East",
    "West", "New", "Albert", "Regent", "George", "York", "Castle", "Hill", "Chapel",
    "Springfield", "Grove", "Windsor", "Cambridge", "Highfield", "Broad", "Downing", "Abbey",
    "First", "Second", "Third", "Fourth", "Fifth", "Washington", "Lincoln", "Jefferson",
    "Sunset", "Lake", "River", "Forest", "Cherry", "Walnut", "Willow", "Spring", "Valley",
    "Orchard", "Meadow", "Wellington", "Nelson", "Union", "Canal", "Water", "Garden", "Bond",
    "Fleet", "Carnaby", "Abbey", "Ring", "Harbour", "Quay", "Front", "Back", "Long", "Broadway",
    "Princes", "Charlotte", "Elizabeth", "Edward", "Albion", "Commercial", "Lime", "Rose",
    "Holly", "Beech", "Chestnut", "Hawthorn", "Poplar", "Sycamore", "Ivy", "Stanley",
    "Clarence", "Gordon", "Nelson", "Portland", "Richmond", "Western", "Eastern", "Coronation",
)
"""Street names the map knows (before the street's kind: "Baker" of "Baker Street")."""

_STREET_KINDS: Mapping[str, str] = MappingProxyType({
    "street": "Street", "st": "Street", "road": "Road", "rd": "Road", "avenue": "Avenue",
    "ave": "Avenue", "lane": "Lane", "drive": "Drive", "close": "Close", "way": "Way",
    "place": "Place", "square": "Square", "crescent": "Crescent", "terrace": "Terrace",
    "boulevard": "Boulevard", "court": "Court", "gardens": "Gardens", "parkway": "Parkway"})

_ADDRESS = re.compile(
    r"^(?:(?P<number>\d+[a-z]?|number \d+)\s+)?(?P<name>[a-z][a-z' -]*?)\s+"
    rf"(?P<kind>{'|'.join(_STREET_KINDS)})$")
_LEAD = re.compile(r"^(?:(?:the|a|an|my|our|some|nearest|closest|nearby|local|a nearby|the "
                   r"nearest|the closest|please)\s+)+")
_TAIL = re.compile(r"\s+(?:near me|nearby|near here|around here|close by|please|then|now)$")
_GENERIC = re.compile(r"\s+(?:station|railway station|train station|tube station|city|"
                      r"city centre|city center|town centre|town center|town|centre|center)$")
"""Words after a place's name that a search may do without when the rest is the name
("London Bridge station", "New York City")."""


def _plain(query: str) -> str:
    text = re.sub(r"[^\w\s'&-]", " ", query.lower())
    return " ".join(text.split())


def _kind(words: str) -> str | None:
    for place, said in KINDS:
        if words in said:
            return place
    return None


def _street(match: re.Match[str]) -> tuple[str, bool] | None:
    name = " ".join(w.capitalize() for w in match["name"].split())
    kind = _STREET_KINDS[match["kind"]]
    number = (match["number"] or "").replace("number ", "").upper()
    found = process.extractOne(name, STREETS, scorer=fuzz.ratio)
    if found is None or found[1] < NEAR_SCORE:
        return None
    street = f"{found[0]} {kind}"
    return f"{number} {street}".strip(), found[0].lower() == name.lower()


def _named(words: str) -> list[tuple[str, bool]]:
    match = match_name(words, PLACES)
    if match.kind == "sure":
        return [(match.entry, True)]
    bare = (words, _GENERIC.sub("", words))
    named = next((p for p in NAMED if _plain(p) in bare), None)
    if named is not None:
        return [(named, True)]
    near = process.extract(words, NAMED, scorer=fuzz.ratio, processor=_plain,
                           limit=MAX_RESULTS, score_cutoff=NEAR_SCORE)
    return [(name, False) for name, _, _ in near]


def search(query: str) -> list[tuple[str, bool]]:
    """The places ``query`` may name, best first (at most `MAX_RESULTS`), each with whether
    the map is sure it is the place asked for (see the module docstring); [] finds none."""
    said = _plain(query)
    words = _TAIL.sub("", _LEAD.sub("", said)).strip()
    saved = SAVED.get(said) or SAVED.get(words)
    if saved is not None:
        return [(saved, True)]
    kind = _kind(words) if words else None
    if kind is not None:
        return [(kind, True)]
    address = _ADDRESS.match(words)
    street = None if address is None else _street(address)
    if street is not None:
        return [street]
    return _named(words) if words else []
