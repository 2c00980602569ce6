"""Helpers for the signed-number tests: an English number speller and a GBNF-to-regex reader.

The speller writes what a driver says (and what Vosk transcribes): 21 -> "twenty one",
-22.5 -> "minus twenty two and a half". The GBNF reader turns a rule of the model's output
grammar (daemon/llm/grammar.py) into a Python regular expression, so a test can ask whether the
grammar lets the model write a given line at all.
"""

from __future__ import annotations

import re

_UNITS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def spell_integer(n: int, *, hundred: str = "one") -> str:
    """0..999 in words ("one hundred and five"; ``hundred="a"``: "a hundred and five")."""
    assert 0 <= n <= 999, n
    if n < 20:
        return _UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        return _TENS[tens] + (f" {_UNITS[unit]}" if unit else "")
    hundreds, rest = divmod(n, 100)
    head = f"{hundred if hundreds == 1 else _UNITS[hundreds]} hundred"
    return head + (f" and {spell_integer(rest)}" if rest else "")


def spell(value: float, *, half: str = "and a half", hundred: str = "one") -> str:
    """A magnitude with at most a half in words: 22.5 -> "twenty two and a half" (``half=
    "point five"``: "twenty two point five"). The sign is the caller's."""
    whole = int(abs(value))
    text = spell_integer(whole, hundred=hundred)
    return f"{text} {half}" if abs(value) - whole == 0.5 else text


def signed_forms(value: float, *, half: str = "and a half", hundred: str = "one") -> list[str]:
    """Every way a driver may say `value` (negative: minus, negative, below zero, digits)."""
    words = spell(value, half=half, hundred=hundred)
    digits = f"{abs(value):g}"
    if value >= 0:
        return [words, digits]
    return [f"minus {words}", f"negative {words}", f"{words} below zero",
            f"{words} degrees below zero", f"minus {digits}", f"-{digits}", f"\u2212{digits}"]


_TOKEN = re.compile(r'\s+|"((?:[^"\\]|\\.)*)"|(\[(?:[^\]\\]|\\.)*\])|(\{\d+,\d+\}|[()|?*+])'
                    r"|([a-z0-9-]+)")
_ESCAPES = {"n": "\n", '"': '"', "\\": "\\"}


def gbnf_regex(grammar: str, rule: str) -> str:
    """The Python regex of `rule` in GBNF `grammar` (the subset build_grammar writes: quoted
    literals, character classes, groups, alternatives, ``? * +`` and ``{m,n}``)."""
    rules = dict(line.split(" ::= ", 1) for line in grammar.splitlines() if line.strip())

    def expand(name: str) -> str:
        out, pos, body = [], 0, rules[name]
        while pos < len(body):
            match = _TOKEN.match(body, pos)
            assert match is not None, f"cannot read {body[pos:]!r}"
            literal, char_class, operator, ref = match.groups()
            if literal is not None:
                text = re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], literal)
                out.append(re.escape(text))
            elif char_class is not None:
                out.append(char_class)
            elif operator is not None:
                out.append(operator if operator != "(" else "(?:")
            elif ref is not None:
                out.append(f"(?:{expand(ref)})")
            pos = match.end()
        return "".join(out)

    return expand(rule)


def grammar_allows(grammar: str, rule: str, text: str) -> bool:
    """Whether `rule` of `grammar` produces exactly `text`."""
    return re.fullmatch(gbnf_regex(grammar, rule), text) is not None
