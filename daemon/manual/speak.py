"""The spoken form of a manual answer: units and symbols spelled out for Piper. Pure."""

from __future__ import annotations

import re

_SPOKEN_UNITS = (
    (r"°C", " degrees"), (r"km/h", "kilometres per hour"), (r"kPa", "kilopascals"),
    (r"psi", "P S I"), (r"km", "kilometres"), (r"mm", "millimetres"), (r"cm", "centimetres"),
    (r"Nm", "newton metres"), (r"kg", "kilograms"), (r"Ah", "amp hours"),
)
_AFTER_NUMBER = [(re.compile(rf"(?<=\d)\s*{unit}(?![\w/])"), f" {word.strip()}")
                 for unit, word in _SPOKEN_UNITS]


def spoken(text: str) -> str:
    """``text`` as Piper should say it: "240 kPa (35 psi)" -> "240 kilopascals, or 35 P S I,";
    "0W-20" -> "0W 20"; units only after a number."""
    out = re.sub(r"\s*\(([^()]*\d[^()]*)\)", r", or \1,", text)
    for pattern, word in _AFTER_NUMBER:
        out = pattern.sub(word, out)
    out = re.sub(r"(\d)W-(\d)", r"\1W \2", out)
    out = re.sub(r",\s*([.;:!?])", r"\1", out)
    return re.sub(r"\s+", " ", out).strip()
