"""Grounding: every number, unit and name of an answer must appear in its section.

Like the tool-call grounding of the language model (daemon/llm/grounding.py): an answer that
states "35 psi" must come from a section that says "35 psi". Extracted answers pass by
construction; the check guards the spoken rendering and any future condensing of a section.
Pure.
"""

from __future__ import annotations

import re

UNITS = ("kPa", "psi", "km/h", "km", "mm", "cm", "Nm", "kg", "°C", "Ah", "litres", "litre",
         "volt", "percent", "metres", "minutes", "seconds", "days", "months", "years", "year",
         "hours")
"""Units whose number must be stated with them in the section."""

_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
_NUMBER = re.compile(rf"(?<![\w.,])\d[\d,.]*(?:W-\d+)?(?:\s*(?:{_UNIT}))?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][A-Za-z0-9]*(?:[ -][A-Z][A-Za-z0-9]*)*")
_CODE = re.compile(r"\b[A-Z0-9]*[A-Z][A-Z0-9]*\d[A-Z0-9]*\b|\b[A-Z]{2,}\b")


def claims(answer: str) -> list[str]:
    """The checkable claims of ``answer``: numbers with their unit ("240 kPa", "15,000 km"),
    codes and acronyms ("CR2032", "ABS"), and names (capitalised words not starting a
    sentence: "Settings", "Add phone" -> "Add")."""
    found = [m.group(0).rstrip(",.") for m in _NUMBER.finditer(answer)]
    found += [m.group(0) for m in _CODE.finditer(answer)]
    for sentence in re.split(r"(?<=[.!?])\s+", answer):
        found += [m.group(0) for m in _NAME.finditer(sentence) if m.start() > 0]
    return list(dict.fromkeys(c.strip() for c in found if c.strip()))


def ungrounded(answer: str, section_text: str) -> list[str]:
    """The claims of ``answer`` that ``section_text`` does not state (empty: grounded).
    Numbers must appear with the same unit; names and codes word for word."""
    text = re.sub(r"\s+", " ", section_text)
    return [c for c in claims(answer)
            if re.search(rf"(?<![\w.,]){re.escape(c)}(?![\w])", text) is None]
