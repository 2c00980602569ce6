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
        return None
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
            or "air conditioner" in text or re.search(r"\ba c\b", text)):
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
    if _has(text, "halfway", "half") or "half way" in text:
        return 50
    if _has(text, "crack", "bit", "little", "slightly"):
        return 20
    return 100


def _window(text: str) -> ParsedIntent | None:
    if not _has(text, "window", "windows"):
        return None
    position = _window_position(text)
    if position is None:
        return None
    window = "all" if _has(text, "windows", "all") else None
    for name, pattern in _WINDOWS:
        if window is None and re.search(pattern, text):
            window = name
    return ParsedIntent("set_window", {"window": window or "driver", "position_pct": position})


_STATUS = (
    ("range", r"\brange\b|how far can i|how many (miles|kilometers|kilometres) (left|can)"),
    ("fuel", r"\b(fuel|gas|petrol|tank|diesel)\b"),
    ("speed", r"\bspeed\b|how fast"),
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
    ("play", r"\b(play|resume) (the )?(music|song|playback|media|radio)\b|^(play|resume)$"),
)


def _media(text: str) -> ParsedIntent | None:
    for action, pattern in _MEDIA:
        if re.search(pattern, text) and (action != "next" or _has(
                text, "song", "track", "skip", "next one")):
            return ParsedIntent("media_control", {"action": action})
    return None


def _navigation(text: str, original: str) -> ParsedIntent | None:
    match = re.search(r"\b(navigate|take me|drive me|directions|route me|go)\s+(to|towards)\s+"
                      r"(?P<dest>.+)$", text)
    if match is None:
        return None
    # Keep the driver's own wording (case, digits) for the destination.
    words = original.strip().rstrip(".!?").split()
    dest_words = match.group("dest").split()
    destination = " ".join(words[-len(dest_words):]) if len(words) >= len(dest_words) \
        else match.group("dest")
    return ParsedIntent("navigate_to", {"destination": destination.strip(" ,.")})


_PARSERS: tuple[Callable[[str], ParsedIntent | None], ...] = (
    _temperature, _fan, _ac, _window, _media, _status)


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
    return None
