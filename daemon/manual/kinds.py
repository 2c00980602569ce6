"""What kind of answer a question wants, and which sentences look like that answer. Pure.

"what does the ABS light mean" wants the sentence that says what it means; "what should I
do" the first instruction; "how much does it hold" a number; "where is the jack" a place;
"how do I pair my phone" the steps, in order.
"""

from __future__ import annotations

import re
from typing import Literal

Kind = Literal["meaning", "action", "amount", "where", "howto", "other"]

_KINDS: tuple[tuple[Kind, re.Pattern[str]], ...] = (
    # a distance or a count asked for is an amount, even after a light or "can I still"
    ("amount", re.compile(r"\bhow (far|many|long|hard)\b", re.I)),
    ("action", re.compile(r"\bwhat (should|do|must|can) (i|we) do\b|\bwhat to do\b|"
                          r"\bwhat (should|must) (i|we) (be )?\w+ing\b|"
                          r"\b(what|so what)( happens)? (now|next)\b|\bnow what\b|"
                          r"\bwhat do i do (now|next)\b|"
                          r"\bis it (safe|ok|okay) to\b|"
                          r"\b(can|could|should) (i|we) still\b", re.I)),
    ("meaning", re.compile(r"\bmean(s|ing)?\b|\bwhat is (that|this|it)\b|\bwhy is\b.*\bon\b|"
                           r"\bwhat('?s| is| are)\b.*\b(light|symbol|lamp|warning|sign)\b|"
                           r"\b(light|symbol|lamp|warning)s?\b.*\b(is on|came on|comes on|"
                           r"(is|keeps) (flashing|blinking|flickering|beeping)|flashing|"
                           r"flickering|blinking|lit( up)?|won'?t (go|turn) (off|out|away)|"
                           r"stays on|(is )?showing|(popped|pops|came|comes) up|appeared|"
                           r"on (the|my) (dash|dashboard|display|screen|cluster))\b|"
                           r"^\W*(the )?\w+( \w+){0,2} (light|symbol|warning)s?\W*$",
                           re.I)),
    ("amount", re.compile(r"\bhow (much|many|fast|long|often|big|heavy|tight|far|old|tall|high|"
                          r"wide|low|slow|soon)\b|\b(capacity|limit|maximum|minimum)\b|"
                          r"\bwhen (is|are|should|do|does|will)\b|"
                          r"\bwhat (pressure|temperatures?|size|psi)\b|\bpressure should\b|"
                          r"\b(which|what) (battery|oil|fuel|petrol)\b|\bpsi\b", re.I)),
    ("where", re.compile(r"\bwhere\b|\bwhich side\b", re.I)),
    ("howto", re.compile(r"\bhow (do|can|should|would) (i|we|you)\b|\bhow to\b|"
                         r"\bhow does\b|\b(which|what) order\b|\bsteps\b", re.I)),
)

_ATTRIBUTE = re.compile(r"\b(speed|pressures?|capacity|weight|height|length|width|size|"
                        r"temperature|interval|type|spec|specification|grade)\b", re.I)
_SIGNAL = re.compile(r"\b(light|lamp|warning|symbol|sign|message|monitor\w*|sensors?)\b", re.I)
"""A terse question naming only a property ("wiper speed", "boot capacity") asks for its
value; not when it names a warning about the property ("low tyre pressure light")."""

_ASKED = re.compile(r"\b(mean(s|ing)?|what|what'?s|why|which|how|is that|is it)\b", re.I)
_FLASHING = re.compile(r"\b(flash|blink|flicker)(s|es|ed|ing)?\b", re.I)

_COUNT_ASKED = re.compile(
    r"\bhow many (?!(km|miles|months|years|litres|liters|kilomet\w*|kms)\b)", re.I)
_COUNT = re.compile(
    r"\b(\d+|two|three|four|five|six|seven|eight|nine|ten|twelve) (?!(km|mm|cm|kg|litres?|kPa|"
    r"psi|Ah|seconds?|minutes?|hours?|days?|months?|years?|to|and|or|of|the|for|in|on|at|"
    r"per)\b)[a-z]+\b")

_VALUES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (re.compile(r"\bhow far\b", re.I), re.compile(r"\d\s*(km|metres|miles)\b")),
    # a count ("how many phones", "how many speeds"): a number said with a noun ("5 phones")
    (_COUNT_ASKED, _COUNT),
    (re.compile(r"\bhow (fast|slow)\b|\bspeed\b|\bmph\b|\bkph\b", re.I),
     re.compile(r"km/h|\b(fast|slow)(er)?\b")),
    (re.compile(r"\bpressures?\b|\bpsi\b|\bkpa\b|\binflat", re.I),
     re.compile(r"\d\s*(kPa|psi)\b")),
    (re.compile(r"\bhow (heavy|much weight)\b|\bweigh(s|t)?\b|\btow", re.I),
     re.compile(r"\d\s*kg\b")),
    (re.compile(r"\bhow (tall|high|wide)\b|\b(height|width|length|size)\b",
                re.I),
     re.compile(r"\d\s*(mm|cm|metres|Ah)\b")),
    (re.compile(r"\bhow (much|many litres)\b.*\bhold|\bcapacity\b|\blitres\b", re.I),
     re.compile(r"\d\s*litres?\b")),
    (re.compile(r"\btemperatures?\b|\bhow (hot|warm|cold)\b|\b(warm|hott|cold)est\b|"
                r"\bdegrees\b", re.I),
     re.compile(r"°C|\b(warm|hot|cold)(est)?\b")),
    (re.compile(r"\bhow often\b|\binterval\b|\bhow many (km|miles|months|years)\b", re.I),
     re.compile(r"\bevery\b|\d\s*(km|months?|years?)\b")),
    (re.compile(r"\b(what|which) colou?rs?\b|\bcolou?rs?\b", re.I),
     re.compile(r"\b(red|orange|pink|blue|green|white|black|yellow|purple|grey)\b")),
    (re.compile(r"\b(type|spec|specification|grade|part number|kind of|sort of)\b|"
                r"\bwhat \w+ (does|do) (it|they|the \w+) (take|use|need)\b", re.I),
     re.compile(r"\b(?=[A-Z0-9-]*\d)(?=[A-Z0-9-]*[A-Z])[A-Z0-9][A-Z0-9-]{2,}\b|\b\d+ RON\b")),
    (re.compile(r"\bhow long\b", re.I),
     re.compile(r"\d\s*(seconds?|minutes?|hours?|days?|months?|years?|km|mm|cm|metres)\b")),
)
"""What a question about an amount names (its speed, pressure, weight, size, capacity,
temperature, interval, duration) -> what a sentence stating that value has (its unit, or the
words of the value: "three times for fast")."""

_IMPERATIVE = frozenset((
    "stop", "reduce", "check", "drive", "switch", "refuel", "have", "book", "press", "turn",
    "use", "pull", "push", "connect", "inflate", "replace", "refill", "close", "park",
    "loosen", "place", "open", "fit", "lift", "adjust", "hold", "set", "start", "wait",
    "never", "do", "keep", "put", "choose", "ease", "top", "let", "slide", "unlock", "call",
    "brake", "remove", "fill", "apply", "select", "type", "ask", "reset", "refit", "raise",
    "tighten", "prise", "wipe", "go", "avoid", "attach", "clear", "move", "tilt", "fold",
    "slow",
))
_THEN_DO = re.compile(r"(?:, so|;) ([a-z]+)")
"""An instruction after what happens ("The normal braking still works, but ..., so slow down
gently ..."): it answers "what should I do" / "is it safe to drive" too."""
_NUMBER = re.compile(r"\d")
_PLACE = re.compile(r"\b(under|behind|beside|next to|between|(?<!from the )inside|"
                    r"on the (left|right)|in the|above|below|on the edge|clipped)\b", re.I)
"""Where something is ("under the boot floor", "on the edge of the door"); "from the inside"
is a way of doing it, not a place."""


def kind_of(question: str) -> Kind:
    """The kind of answer ``question`` asks for (the first pattern that matches)."""
    for kind, pattern in _KINDS:
        if pattern.search(question):
            return kind
    if _ATTRIBUTE.search(question) and not _SIGNAL.search(question):
        return "amount"
    return "other"


_PURPOSE = re.compile(r",? \b(so|so that|because|for an?)\b .*$", re.I)
"""Why the driver asks, said after the question ("... for a narrow lane", "... so the wife
doesn't mess it up"): words of the driver's life, not of the topic."""


def without_purpose(question: str) -> str:
    """``question`` without a purpose or reason said after it (unchanged when it has none
    or starts with one)."""
    match = _PURPOSE.search(question)
    return question[:match.start()] if match and match.start() > 0 else question


def signalled(question: str) -> bool:
    """Whether ``question`` names a light, warning or symbol ("the tyre *light*")."""
    return _SIGNAL.search(question) is not None


def reported(question: str) -> bool:
    """Whether ``question`` reports a light or warning as on without asking what it is
    ("the tyre warning popped up", "abs light"): the driver sees it; what it means and what
    to do answer it."""
    return kind_of(question) == "meaning" and _ASKED.search(question) is None


def flashing(question: str) -> bool:
    """Whether ``question`` says the light flashes ("the engine lamp is blinking")."""
    return _FLASHING.search(question) is not None


def value_of(question: str) -> re.Pattern[str] | None:
    """What a sentence stating the value ``question`` asks for looks like ("how fast" ->
    "80 km/h"; "tyre pressure" -> "240 kPa"), or None when it names no such property."""
    for asked, value in _VALUES:
        if asked.search(question):
            return value
    return None


_WHICH_KIND = re.compile(r"\b(which|what) (kind|sort|type|make) of\b", re.I)


def which_kind(question: str) -> bool:
    """Whether ``question`` asks which kind of a thing ("what kind of battery goes in the
    key fob"): the sentence naming its type or code answers it (`value_of`), when one does."""
    return _WHICH_KIND.search(question) is not None


def uncounted(question: str, text: str) -> bool:
    """Whether ``question`` asks how many of a thing ("how many airbags") and ``text`` has no
    number at all ("level 1, 2 or 3" counts): it cannot answer it."""
    return _COUNT_ASKED.search(question) is not None and _ANY_NUMBER.search(text) is None


_ANY_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|twelve|"
                         r"single|both|each|every)\b", re.I)


def is_instruction(sentence: str) -> bool:
    """Whether ``sentence`` tells the driver what to do ("Stop as soon as ...", "If it
    flashes, drive slowly ...", "To pair a phone, switch on ...")."""
    lead_in = sentence.startswith(("If ", "When ", "To ", "After ", "Before ", "With ", "In ",
                                   "On ", "From ", "For ", "Above ", "Below "))
    words = re.findall(r"[A-Za-z']+", sentence.split(",", 1)[-1] if lead_in else sentence)
    return bool(words) and words[0].lower() in _IMPERATIVE


def fits(kind: Kind, sentence: str) -> bool:
    """Whether ``sentence`` has the shape of the answer ``kind`` wants."""
    match kind:
        case "meaning":
            return re.search(r"\bmeans?\b", sentence) is not None
        case "action":
            return is_instruction(sentence) or any(
                w.lower() in _IMPERATIVE for w in _THEN_DO.findall(sentence))
        case "howto":
            return is_instruction(sentence)
        case "amount":
            return _NUMBER.search(sentence) is not None
        case "where":
            return _PLACE.search(sentence) is not None
        case _:
            return False


def seen_light(question: str, kind: Kind, sentences: tuple[str, ...], best: int) -> str | None:
    """For a light the driver describes rather than asks about ("steam from the bonnet and
    the temperature warning", "the SRS light is staying on", "the red fella with a belt keeps
    dinging"), when the sentence found is the one naming the light (its colour and shape, the
    sentence before "It means ..."): what it means and what to do after it (or, with no
    instruction after it, the sentence after it), not what the driver already sees. None:
    not such a question (a question about how the light looks keeps the sentence naming
    it)."""
    meaning = best if best > 0 and fits("meaning", sentences[best]) else best + 1
    if kind != "other" or meaning >= len(sentences) or fits("meaning", sentences[meaning - 1]) or (
            not fits("meaning", sentences[meaning])) or _LOOKS.search(question):
        return None
    after = range(meaning + 1, len(sentences))
    then = next((i for i in after if fits("action", sentences[i])), meaning + 1)
    picked = [meaning] + ([then] if then < len(sentences) else [])
    return " ".join(sentences[i] for i in picked)


_LOOKS = re.compile(r"\blooks? like\b|\bcolou?rs?\b|\bshaped?\b", re.I)
"""A question about how a light looks ("what colour is the ...", "what does ... look like")."""
