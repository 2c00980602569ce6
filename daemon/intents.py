"""The fast path: common car commands parsed deterministically, no language model needed.

`parse` maps a transcript to a tool call (name + arguments, using the vehicle registry's tool
names) or None when the sentence is not one it knows. It never validates ranges: a request for
"45 degrees" comes out as 45 and the vehicle dispatcher refuses it with a spoken reason, so the
driver hears why instead of being silently clamped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from daemon.numbers import words_to_digits


@dataclass(frozen=True)
class ParsedIntent:
    """A tool call the fast path recognised.

    Attributes:
        name: tool name in the vehicle registry.
        args: arguments (already in the tool's units: degrees C, percent, fan level).
    """

    name: str
    args: dict[str, object] = field(default_factory=dict)


_NUMBER = r"(-?\d+(?:\.\d+)?)"


def normalize(text: str) -> str:
    """Lower-case, spoken numbers as digits, punctuation removed (decimal points kept)."""
    text = words_to_digits(text.lower())
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"[^\w\s.\-/']", " ", text).replace("'", "")
    return re.sub(r"\s+", " ", text).strip()


def _has(text: str, *words: str) -> bool:
    return any(re.search(rf"\b{w}\b", text) for w in words)


def _zone(text: str) -> str:
    if _has(text, "driver", "drivers", "my side"):
        return "driver"
    if _has(text, "passenger", "passengers"):
        return "passenger"
    return "all"


def _temperature(text: str) -> ParsedIntent | None:
    if not _has(text, "temperature", "temp", "degrees", "degree", "climate", "thermostat",
                "heat", "warmer", "cooler"):
        return None
    match = re.search(_NUMBER, text)
    if match is None:
        return None
    celsius = float(match.group(1))
    if _has(text, "fahrenheit"):
        celsius = round((celsius - 32.0) * 5.0 / 9.0 * 2.0) / 2.0
    return ParsedIntent("set_temperature", {"celsius": celsius, "zone": _zone(text)})


def _fan(text: str) -> ParsedIntent | None:
    if not _has(text, "fan", "fans", "blower", "ventilation"):
        # "speed 2": the fan is the only speed a driver sets by number (whisper hears "fan
        # speed two please" as "then speed two please")
        match = re.search(r"\bspeed (?:to |at )?(\d)\b(?! ?(?:km|kilomet|mph|mile|%|percent))",
                          text)
        return None if match is None else ParsedIntent("set_fan", {"level": int(match.group(1))})
    if _has(text, "off"):
        return ParsedIntent("set_fan", {"level": 0})
    if _has(text, "max", "maximum", "full", "highest"):
        return ParsedIntent("set_fan", {"level": 7})
    match = re.search(_NUMBER, text)
    if match is None:
        return None
    return ParsedIntent("set_fan", {"level": int(float(match.group(1)))})


def _ac(text: str) -> ParsedIntent | None:
    if not (_has(text, "ac", "a/c", "aircon") or "air conditioning" in text
            or "air conditioner" in text or re.search(r"\b(a c|air con)\b", text)):
        return None
    if _has(text, "off", "disable", "stop"):
        return ParsedIntent("set_ac", {"on": False})
    if _has(text, "on", "enable", "start"):
        return ParsedIntent("set_ac", {"on": True})
    return None


_WINDOWS = (
    ("rear_left", r"\b(rear|back) left\b|\bleft (rear|back)\b"),
    ("rear_right", r"\b(rear|back) right\b|\bright (rear|back)\b"),
    ("passenger", r"\bpassenger"),
    ("driver", r"\bdriver|\bmy window\b"),
)


def _window_position(text: str) -> int | None:
    if _has(text, "close", "shut", "up") and not _has(text, "open"):
        return 0
    if not _has(text, "open", "down", "lower", "crack"):
        return None
    match = re.search(_NUMBER + r" ?(percent|per cent)", text)
    if match is not None:
        return int(float(match.group(1)))
    return _fraction_pct(text)


def _fraction_pct(text: str) -> int:
    """How far open a window is asked to go, from words: "halfway" 50, "a quarter" 25 (a
    recogniser may hear "of quarter"), "two thirds" 67, "a bit" 20; else fully, percent."""
    if "half way" in text:
        return 50
    for words, pct in _FRACTIONS:
        if all(_has(text, *alternatives) for alternatives in words):
            return pct
    return 100


_FRACTIONS: tuple[tuple[tuple[tuple[str, ...], ...], int], ...] = (
    ((("halfway", "half"),), 50),
    ((("quarter", "quarters"), ("three", "3")), 75),
    ((("quarter",),), 25),
    ((("third", "thirds"), ("two", "2")), 67),
    ((("third",),), 33),
    ((("crack", "bit", "little", "slightly"),), 20),
)


def _window(text: str) -> ParsedIntent | None:
    if not _has(text, "window", "windows"):
        return None
    position = _window_position(text)
    if position is None:
        return None
    window = "all" if _has(text, "windows", "all", "every", "each") else None
    for name, pattern in _WINDOWS:
        if window is None and re.search(pattern, text):
            window = name
    return ParsedIntent("set_window", {"window": window or "driver", "position_pct": position})


_STATUS = (
    ("range", r"\brange\b|how far can i|how many (miles|kilometers|kilometres) (left|can)"),
    ("fuel", r"\b(fuel|gas|petrol|tank|diesel)\b"),
    # not "fan speed ..." nor "speed 2" (whisper hears "fan speed two" as "then speed two")
    ("speed", r"(?<!\bfan )(?<!\bblower )\bspeed\b(?! (?:to |at |of )?(?:\d|tube\b))"
              r"|how fast"),
    ("odometer", r"\b(odometer|mileage)\b"),
    ("gear", r"\bgear\b"),
)


def _status(text: str) -> ParsedIntent | None:
    for item, pattern in _STATUS:
        if re.search(pattern, text):
            return ParsedIntent("get_vehicle_status", {"item": item})
    return None


_MEDIA = (
    ("next", r"\b(next|skip)\b.*\b(song|track|one)?\b|\bskip\b"),
    ("previous", r"\b(previous|last) (song|track)\b|\bgo back\b"),
    ("pause", r"\b(pause|stop) (the )?(music|song|playback|media|radio)\b|^pause\b"),
    ("play", r"\b(play|resume|put on) (the |some )?(music|song|songs|playback|media|radio)\b"
             r"|^(play|resume)$"),
)


def _media(text: str) -> ParsedIntent | None:
    for action, pattern in _MEDIA:
        if re.search(pattern, text) and (action != "next" or _has(
                text, "song", "track", "skip", "next one")):
            return ParsedIntent("media_control", {"action": action})
    return None


def _navigation(text: str, original: str) -> ParsedIntent | None:
    match = re.search(r"\b(navigate|take me|drive me|directions|route me|go)\s+(to|towards)\s+"
                      rf"(?P<dest>.+?){_POLITE}$", text)
    if match is None or re.fullmatch(r"[\d.\s]+(percent|degrees?)?", match.group("dest")):
        return None  # "could the blower go to 3" is a setting, not a place
    # Keep the driver's own wording (case, digits) for the destination, not "please".
    destination = _words_of(original, match.group("dest"), len(text[match.end("dest"):].split()))
    # "the airport" -> "airport"; a capitalised article is part of a name ("The Hague")
    destination = re.sub(r"^(the|a|an)\s+", "", destination.strip(" ,."))
    return ParsedIntent("navigate_to", {"destination": destination})


# --- parsers for the tools added with the vehicle safety policy (issue 4) ------------------------
# Like the ones above they never validate ranges: "volume 999" comes out as 999 and the
# dispatcher refuses it with a spoken reason.


def _seat_heating(text: str) -> ParsedIntent | None:
    if not (_has(text, "seat", "seats") and re.search(r"\bheat(ed|ing|er|ers)?\b", text)):
        return None
    seat = "passenger" if _has(text, "passenger", "passengers") else (
        "all" if _has(text, "seats", "both", "all") else "driver")
    if _has(text, "off", "disable", "stop"):
        level = 0
    elif _has(text, "max", "maximum", "highest", "full"):
        level = 3
    elif (match := re.search(_NUMBER, text)) is not None:
        level = int(float(match.group(1)))
    else:
        level = 2
    return ParsedIntent("set_seat_heating", {"seat": seat, "level": level})


def _defrost(text: str) -> ParsedIntent | None:
    if not _has(text, "defrost", "demist", "defog", "defroster", "demister"):
        return None
    rear = _has(text, "rear", "back")
    front = _has(text, "front", "windscreen", "windshield")
    screen = "all" if (rear and front) or _has(text, "all", "both") else (
        "rear" if rear else "front")
    return ParsedIntent("set_defrost", {"screen": screen,
                                        "on": not _has(text, "off", "disable", "stop")})


def _sunroof(text: str) -> ParsedIntent | None:
    if not (_has(text, "sunroof", "moonroof") or "sun roof" in text):
        return None
    position = _window_position(text)
    if position is None:
        return None
    return ParsedIntent("set_sunroof", {"position_pct": position})


def _locks(text: str) -> ParsedIntent | None:
    if re.search(r"\b(are|is) (the |my )?(doors?|car) (locked|unlocked|open|closed)\b", text):
        return ParsedIntent("get_vehicle_status", {"item": "doors"})
    if not _has(text, "door", "doors", "car", "it"):
        return None
    if _has(text, "unlock"):
        return ParsedIntent("unlock_doors", {})
    if _has(text, "lock"):
        return ParsedIntent("lock_doors", {})
    return None


_LIGHTS = (
    ("high_beam", r"\b(high|full) beams?\b|\bbrights\b"),
    ("fog_lights", r"\bfog ?lights?\b|\bfog lamps?\b"),
    ("interior", r"\b(interior|dome|cabin|reading) lights?\b"),
    ("headlights", r"\bhead ?lights?\b|\blow beams?\b|\blights\b"),
)


def _lights(text: str) -> ParsedIntent | None:
    for light, pattern in _LIGHTS:
        if re.search(pattern, text):
            if _has(text, "off", "disable"):
                return ParsedIntent("set_lights", {"light": light, "on": False})
            if _has(text, "on", "enable"):
                return ParsedIntent("set_lights", {"light": light, "on": True})
            return None
    return None


def _assistant_voice(text: str) -> ParsedIntent | None:  # noqa: PLR0911 - one per phrasing
    if not (re.search(r"\b(speak|talk)\b", text) or re.search(
            r"\b(your|assistant|assistants) (voice|volume)\b", text)):
        return None
    if _has(text, "volume", "louder", "quieter", "softer"):
        value = _signed_number(text)
        if value is None:
            return None
        return ParsedIntent("set_assistant_voice", {"volume_pct": int(value)})
    match = re.search(_NUMBER + r" ?(times|x)\b", text)
    if match is not None:
        return ParsedIntent("set_assistant_voice", {"speed": float(match.group(1))})
    if _has(text, "slower", "slowly"):
        return ParsedIntent("set_assistant_voice", {"speed": 0.8})
    if _has(text, "faster", "quicker", "quickly"):
        return ParsedIntent("set_assistant_voice", {"speed": 1.25})
    return None


def _signed_number(text: str) -> float | None:
    """The first number in ``text``; "minus 5" / "negative 5" are -5 (never silently 5)."""
    match = re.search(r"\b(minus|negative) " + _NUMBER, text)
    if match is not None:
        return -abs(float(match.group(2)))
    match = re.search(_NUMBER, text)
    return None if match is None else float(match.group(1))


def _media_volume(text: str) -> ParsedIntent | None:
    if _has(text, "mute") and not _has(text, "unmute"):
        return ParsedIntent("set_media_volume", {"volume_pct": 0})
    if not _has(text, "volume"):
        return None
    value = _signed_number(text)
    if value is None:
        return None
    return ParsedIntent("set_media_volume", {"volume_pct": int(value)})


def _words_of(original: str, tail: str, drop: int = 0) -> str:
    """The words of the driver's own wording that correspond to ``tail`` (case kept), which
    ends `drop` words before the end ("phone Alice for me": "Alice", drop 2)."""
    words = original.strip().rstrip(".!?").split()
    if drop:
        words = words[:-drop]
    count = len(tail.split())
    return " ".join(words[-count:]).strip(" ,.") if len(words) >= count else tail


def _navigation_more(text: str) -> ParsedIntent | None:
    if re.search(r"\b(cancel|stop|end|clear)\b.*\b(navigation|route|guidance|directions)\b",
                 text):
        return ParsedIntent("cancel_navigation", {})
    if re.search(r"\beta\b|when (will|do) (we|i) (arrive|get there)|how (much )?longer\b|"
                 r"\barrival time\b|how long (until|till|to) (we|i)", text):
        return ParsedIntent("get_eta", {})
    return None


def _status_more(text: str) -> ParsedIntent | None:
    if re.search(r"\b(tire|tyre|tires|tyres)\b", text):
        return ParsedIntent("get_vehicle_status", {"item": "tire_pressure"})
    return None


_PARSERS: tuple[Callable[[str], ParsedIntent | None], ...] = (
    _seat_heating,  # before _temperature: "seat heating to 3" is not 3 degrees
    _assistant_voice,  # before _status: "speak at 1.5 times speed" is not a speed query
    _temperature, _fan, _ac, _window, _media, _status,
    _sunroof, _defrost, _locks, _lights, _media_volume, _navigation_more,
    _status_more)


_POLITE = r"(?: (?:for me|please|now))*"
"""Trailing words that are not part of a name or a search ("call Bob Smith, please")."""


def _free_text(text: str, original: str) -> ParsedIntent | None:
    """Calls and searches: the rest of the sentence is a name, kept in the driver's wording."""
    match = re.match(rf"^(please )?(call|phone|ring|dial) (?P<who>.+?){_POLITE}$", text)
    if match is not None:
        drop = len(text[match.end("who"):].split())
        return ParsedIntent("call_contact",
                            {"contact": _words_of(original, match.group("who"), drop)})
    match = re.match(rf"^(please )?play (?P<what>.+?){_POLITE}$", text)
    if match is not None:
        drop = len(text[match.end("what"):].split())
        return ParsedIntent("media_search",
                            {"query": _words_of(original, match.group("what"), drop)})
    return None


def parse(transcript: str) -> ParsedIntent | None:
    """The tool call `transcript` asks for, or None when the fast path does not know it."""
    text = normalize(transcript)
    if not text:
        return None
    nav = _navigation(text, transcript)
    if nav is not None:
        return nav
    for parser in _PARSERS:
        intent = parser(text)
        if intent is not None:
            return intent
    return _free_text(text, transcript)
