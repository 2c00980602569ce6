"""Spoken numbers to digits: "twenty two and a half" -> "22.5".

Recognisers write numbers either way ("21", "twenty-one", "21.5°C"); the intent parser works on
one form. Pure functions, no state.
"""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19,
}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
         "eighty": 80, "ninety": 90}
_DIGIT_WORDS = {**_UNITS, **_TENS}


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _read_integer(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Parse a spoken integer (0-999) starting at tokens[i]; returns (value, next index)."""
    value, j, seen = 0, i, False
    if j < len(tokens) and tokens[j] in ("a", "one") and j + 1 < len(tokens) \
            and tokens[j + 1] == "hundred":
        value, j, seen = 100, j + 2, True
        if j < len(tokens) and tokens[j] == "and":
            j += 1
    elif j + 1 < len(tokens) and tokens[j] in _UNITS and tokens[j + 1] == "hundred":
        value, j, seen = _UNITS[tokens[j]] * 100, j + 2, True
        if j < len(tokens) and tokens[j] == "and":
            j += 1
    if j < len(tokens) and tokens[j] in _TENS:
        value += _TENS[tokens[j]]
        j, seen = j + 1, True
        if j < len(tokens) and tokens[j] in _UNITS and 0 < _UNITS[tokens[j]] < 10:
            value += _UNITS[tokens[j]]
            j += 1
    elif j < len(tokens) and tokens[j] in _UNITS:
        value += _UNITS[tokens[j]]
        j, seen = j + 1, True
    if not seen:
        # "hundred and" consumed nothing further: back off to just the hundreds.
        return None
    return value, j


def _fraction(tokens: list[str], j: int) -> tuple[float, int]:
    """Parse "and a half" / "point five" after an integer; returns (fraction, next index)."""
    if tokens[j:j + 3] == ["and", "a", "half"]:
        return 0.5, j + 3
    if j + 1 < len(tokens) and tokens[j] == "point":
        digits = []
        k = j + 1
        while k < len(tokens) and tokens[k] in _UNITS and _UNITS[tokens[k]] < 10:
            digits.append(str(_UNITS[tokens[k]]))
            k += 1
        if digits:
            return float("0." + "".join(digits)), k
    return 0.0, j


def words_to_digits(text: str) -> str:
    """Replace spoken numbers in lower-case `text` by digits (e.g. "twenty one" -> "21")."""
    text = re.sub(r"(\d)\s*°\s*[cf]?\b", r"\1 degrees ", text)
    text = text.replace("%", " percent")
    text = re.sub(r"\b(\w+)-(\w+)\b", r"\1 \2", text)  # twenty-one -> twenty one
    tokens = text.split()
    out: list[str] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if re.fullmatch(r"\d+(\.\d+)?", tok):
            value = float(tok)
            frac, j = _fraction(tokens, i + 1)
            out.append(_fmt(value + frac))
            i = j
            continue
        parsed = _read_integer(tokens, i) if tok in _DIGIT_WORDS or tok == "a" else None
        if parsed is None or (tok == "oh" and len(out) == 0):
            out.append(tok)
            i += 1
            continue
        value_i, j = parsed
        frac, j = _fraction(tokens, j)
        out.append(_fmt(value_i + frac))
        i = j
    return " ".join(out)
