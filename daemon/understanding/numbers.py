"""Spoken numbers to digits: "twenty two and a half" -> "22.5", "minus twenty" -> "-20".

Recognisers write numbers either way ("21", "twenty-one", "21.5°C", "-20", "minus 20"); the
intent parser, the language model's prompt and the grounding check work on one form: signed
digits. A sign is never dropped: "minus 20", "negative 20", "20 below zero", "-20" and "−20"
(U+2212) all become "-20", so whatever reads the digits reads the sign, and a request outside a
tool's range is refused with its spoken range instead of running as +20.

Pure functions, no state.
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

SIGN_WORDS = frozenset(("minus", "negative"))
"""Words that make the number after them negative ("minus 20", "negative twenty")."""
_BELOW_ZERO = (("below", "zero"), ("degrees", "below", "zero"), ("degree", "below", "zero"))
"""Words after a number that make it negative ("20 below zero", "20 degrees below zero")."""
_DIGITS = re.compile(r"-?\d+(\.\d+)?")
_DOZEN = re.compile(r"\b(?:(half) a|a|one) dozen\b")
_MINUS_SIGNS = str.maketrans({"\u2212": "-", "\ufe63": "-", "\uff0d": "-"})
"""Unicode minus signs a recogniser or a keyboard may write, as the ASCII hyphen-minus."""


def _fmt(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _and_more(tokens: list[str], j: int) -> int:
    """Past the "and" of "a hundred and five", but not of "a hundred and a half"."""
    more = j + 1 < len(tokens) and tokens[j] == "and" and tokens[j + 1] in _DIGIT_WORDS
    return j + 1 if more else j


def _read_integer(tokens: list[str], i: int) -> tuple[int, int] | None:
    """Parse a spoken integer (0-999 999) starting at tokens[i]; returns (value, next index).
    "a thousand" is 1000; "one fifty" (a hundreds digit said before the tens) is 150."""
    if tokens[i:i + 2] in (["a", "thousand"], ["one", "thousand"]):
        thousands: tuple[int, int] | None = (1, i + 1)
    else:
        thousands = _read_hundreds(tokens, i)
    if thousands is None or thousands[1] >= len(tokens) or tokens[thousands[1]] != "thousand":
        return thousands
    j = _and_more(tokens, thousands[1] + 1)
    rest = _read_hundreds(tokens, j) if j < len(tokens) and tokens[j] in _DIGIT_WORDS else None
    return (thousands[0] * 1000 + rest[0], rest[1]) if rest else (thousands[0] * 1000, j)


def _read_hundreds(tokens: list[str], i: int) -> tuple[int, int] | None:
    """A spoken integer from 0 to 999 at tokens[i]; (value, next index)."""
    value, j, seen = 0, i, False
    if j < len(tokens) and tokens[j] in ("a", "one") and j + 1 < len(tokens) \
            and tokens[j + 1] == "hundred":
        value, j, seen = 100, j + 2, True
        j = _and_more(tokens, j)
    elif j + 1 < len(tokens) and tokens[j] in _UNITS and tokens[j + 1] == "hundred":
        value, j, seen = _UNITS[tokens[j]] * 100, j + 2, True
        j = _and_more(tokens, j)
    elif j + 1 < len(tokens) and 0 < _UNITS.get(tokens[j], 0) < 10 and tokens[j + 1] in _TENS:
        value, j, seen = _UNITS[tokens[j]] * 100, j + 1, True  # "one fifty": 150
    if j < len(tokens) and tokens[j] in _TENS:
        value += _TENS[tokens[j]]
        j, seen = j + 1, True
        if j < len(tokens) and tokens[j] in _UNITS and 0 < _UNITS[tokens[j]] < 10:
            value += _UNITS[tokens[j]]
            j += 1
    elif j < len(tokens) and tokens[j] in _UNITS:
        value += _UNITS[tokens[j]]
        j, seen = j + 1, True
    return (value, j) if seen else None


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


def _read_magnitude(tokens: list[str], i: int, *, first: bool) -> tuple[float, int] | None:
    """A number in digits ("-20", "21.5") or words ("twenty two and a half") at tokens[i],
    with its fraction; returns (value, next index) or None. ``first``: tokens[i] starts the
    text (a leading "oh" is an exclamation there, not zero)."""
    tok = tokens[i] if i < len(tokens) else ""
    if _DIGITS.fullmatch(tok):
        value = float(tok)
        frac, j = _fraction(tokens, i + 1)
        return (value - frac if tok.startswith("-") else value + frac), j
    if tok == "point":  # "to point eight": 0.8
        frac, j = _fraction(tokens, i)
        return (frac, j) if j > i else None
    if tok not in _DIGIT_WORDS and tok != "a":
        return None
    parsed = _read_integer(tokens, i)
    if parsed is None or (tok == "oh" and first):
        return None
    value_i, j = parsed
    frac, j = _fraction(tokens, j)
    return value_i + frac, j


def _below_zero(tokens: list[str], j: int) -> tuple[bool, int, str | None]:
    """Whether "below zero" follows at tokens[j]; (negative, next index, unit word kept)."""
    for words in _BELOW_ZERO:
        if tuple(t.lower() for t in tokens[j:j + len(words)]) == words:
            return True, j + len(words), "degrees" if len(words) == 3 else None
    return False, j, None


def read_number(tokens: list[str], i: int, *,
                first: bool = False) -> tuple[float, int, str | None] | None:
    """The signed number starting at tokens[i] ("minus", "negative" or "-" before it, "below
    zero" after it), as (value, next index, unit word to keep after it), or None.

    A sign word with no number after it is not a number ("minus" alone stays a word)."""
    negative = i < len(tokens) and tokens[i].lower() in SIGN_WORDS
    read = _read_magnitude(tokens, i + 1 if negative else i, first=first and not negative)
    if read is None:
        return None
    value, j = read
    below, j, unit = _below_zero(tokens, j)
    if negative or below:
        value = -abs(value)  # "minus 20 below zero" is still below zero: never a sign flip
    return value, j, unit


def words_to_digits(text: str) -> str:
    """Replace spoken numbers in lower-case `text` by signed digits (e.g. "twenty one" -> "21",
    "minus five" -> "-5", "ten below zero" -> "-10", "20°F" -> "20 degrees fahrenheit")."""
    text = text.translate(_MINUS_SIGNS)
    text = re.sub(r"(\d)\s*°\s*f\b", r"\1 degrees fahrenheit ", text, flags=re.IGNORECASE)
    text = re.sub(r"(\d)\s*°\s*c?\b", r"\1 degrees ", text, flags=re.IGNORECASE)
    text = text.replace("%", " percent")
    text = re.sub(r"\b(\w+)-(\w+)\b", r"\1 \2", text)  # twenty-one -> twenty one
    text = _DOZEN.sub(lambda m: "6" if m[1] else "12", text)  # "half a dozen", "a dozen"
    tokens, trails = _split_trailing_punctuation(text.split())
    out: list[str] = []
    i = 0
    while i < len(tokens):
        # a number never runs on past punctuation ("twenty, two" is two numbers)
        end = next((k for k in range(i, len(tokens)) if trails[k]), len(tokens) - 1)
        read = read_number(tokens[:end + 1], i, first=not out)
        if read is None:
            out.append(tokens[i] + trails[i])
            i += 1
            continue
        value, i, unit = read
        out.append(_fmt(value) + ("" if unit is not None else trails[i - 1]))
        if unit is not None:
            out.append(unit + trails[i - 1])
    return " ".join(out)


_TRAILING = re.compile(r"^(.*?)([.,;:!?]*)$", re.DOTALL)


def _split_trailing_punctuation(tokens: list[str]) -> tuple[list[str], list[str]]:
    """Each token without, and with only, its trailing punctuation ("twenty." -> "twenty",
    "."), so a number at the end of a sentence is read ("minus 20." keeps its sign)."""
    cores, trails = [], []
    for token in tokens:
        match = _TRAILING.match(token)
        assert match is not None  # the pattern matches any string
        core, trail = match.group(1), match.group(2)
        if not core:  # punctuation alone ("..."): keep it as the token
            core, trail = token, ""
        cores.append(core)
        trails.append(trail)
    return cores, trails
