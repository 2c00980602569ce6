"""The car's command language: how drivers ask for each tool, declared next to the tool.

Every `vehicle_tools.registry.Tool` carries a `Language`: sentence templates in Home
Assistant's hassil template syntax (``(open|lower) [the] {window} window [{amount}]``: ``(a|b)``
alternatives, ``[x]`` optional words, ``{slot}`` a slot list, ``{list:arg}`` a list filling the
argument ``arg``), the fixed arguments each block of templates implies, and the questions to
ask when an argument was not said. The slot lists shared by several tools (numbers, windows,
seats, amounts, politeness) are declared here once; a tool adds its own in ``Language.lists``.

From these declarations come (derived, never kept by hand elsewhere):

- the fast-path matcher (daemon/understanding/), which understands an utterance only when a
  template covers all of it;
- the recogniser's biasing: the whisper prompt, hotwords and the Vosk word list;
- the endpointing's sense of "complete" (daemon/hearing/completeness.py);
- the language model's few-shot examples (``Language.model_examples``), and the spoken test
  corpus (tools/build_corpus.py).

This module is pure data: it imports nothing from hassil, so the vehicle layer stays free of
the daemon's parser (the daemon compiles these strings with hassil).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from vehicle_tools.courtesy import DOUBTFUL_ENDS, EDGE_WORDS, FOREIGN_NO, POLITE, TAGS, TITLE_ENDS

__all__ = ["DOUBTFUL_ENDS", "EDGE_WORDS", "FOREIGN_NO", "POLITE", "TAGS",  # from courtesy.py
           "TITLE_ENDS"]

ArgValue = str | int | float | bool
"""A fixed argument value a block of templates implies (``position_pct: 0`` for "close")."""


@dataclass(frozen=True)
class Values:
    """A closed slot list: spoken forms (hassil template text) -> the argument value.

    Attributes:
        values: (spoken template, value) pairs; the spoken side may use ``(a|b)`` and ``[x]``.
    """

    values: tuple[tuple[str, ArgValue], ...]

    def spoken(self) -> tuple[str, ...]:
        """The spoken templates, in declaration order."""
        return tuple(spoken for spoken, _ in self.values)


@dataclass(frozen=True)
class Range:
    """A numeric slot list, in the argument's unit.

    Attributes:
        low, high: the numbers a driver may SAY (wider than the tool accepts: "45 degrees" is
            understood and then refused by the dispatcher with the tool's spoken range).
        halves: whether x.5 is accepted.
        tenths: whether one decimal place is accepted (temperatures: "0.1 degrees" is
            understood, and refused by the tool).
    """

    low: int
    high: int
    halves: bool = False
    tenths: bool = False


@dataclass(frozen=True)
class FreeText:
    """A free-text slot (a destination, a contact, a search): any words, resolved before acting.

    Attributes:
        whole_ends: last words that make the text read as whole, for endpointing ("the nearest
            gas station", "my wife"): the turn may end after the short, closed-sentence wait.
        drop_article: a leading lower-case "the", "a" or "an" is not part of the value ("the
            airport" -> "airport"; "The Hague" keeps its capitalised article).
        fillers: leading lower-case phrases that are not part of the value ("something by" in
            "play something by Queen"); the longest that fits is dropped, once.
        not_alone: words that never make a value on their own ("the last song again" is no
            search): a value of only these words is no value, and another reading is taken.
        addressed: a form of address (`EDGE_WORDS`) at the end is the driver's, not part of
            the value ("ring Nuala for me pet" calls Nuala), unless it is all the value
            ("call Honey"). Names and places; not titles ("play Love").
        paused_tail: a short remark after a pause at the end (no word of the car's language:
            "call Siobhan, dead on", "play Celia Cruz, oye") is the driver's, not the value's:
            dropped, and the call asked about first (it may have been part of the name).
        keeps_tail: with ``paused_tail``, such a tail is kept, and the call still asked about
            first: places ("Main Street, Springfield" names a town; "the royal infirmary,
            stat" does not).
        purposes: verbs that, after "to", say why the driver wants the value and are no part
            of it ("ring Sione to say I'm coming", "take me to the shop to get milk"): the
            value ends before that "to".
    """

    whole_ends: frozenset[str] = frozenset()
    drop_article: bool = False
    fillers: tuple[str, ...] = ()
    not_alone: frozenset[str] = frozenset()
    addressed: bool = False
    paused_tail: bool = False
    keeps_tail: bool = False
    purposes: frozenset[str] = frozenset()


SlotList = Values | Range | FreeText


@dataclass(frozen=True)
class Sentences:
    """One block of templates and the fixed arguments they imply.

    Attributes:
        templates: hassil templates; every ``{slot}`` names a list (shared or the tool's own)
            and, unless written ``{list:arg}``, the argument it fills.
        args: arguments these templates imply without saying them ("close" -> position 0).
        relative: an argument these templates change relative to what the car reports
            (``"celsius"`` for "a bit warmer"): the value in ``args`` (or the slot) is a step
            added to the reported value, read from the state key in `Language.state_keys`.
        fahrenheit: arguments these templates carry in degrees Fahrenheit (converted to
            degrees C, rounded to 0.5, and said back).
    """

    templates: tuple[str, ...]
    args: Mapping[str, ArgValue] = field(default_factory=lambda: MappingProxyType({}))
    relative: str | None = None
    fahrenheit: tuple[str, ...] = ()


@dataclass(frozen=True)
class Complaint:
    """A way drivers say what is wrong instead of what to do ("my feet are freezing", "the
    music is much too loud"), and the command it means.

    Attributes:
        feel: phrases, in normalised words, that say what is wrong ("cold", "too loud",
            "cant hear").
        means: a sentence of the tool's own templates that does what the driver needs
            ("make it warmer"); a place said with the complaint ("on my side") is added to it.
        about: phrases one of which must be said too ("music", "song"); empty: the
            complaint is about the cabin, and gives way to one whose ``about`` is said.
    """

    feel: tuple[str, ...]
    means: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wonder:
    """What a driver unsure of something the car can read says about it ("I wonder if a
    tyre's gone soft", "not sure I put it in park"): read as the query, asked about first
    (daemon/understanding/wonder.py), only for a tool that reads the car.

    Attributes:
        said: phrases, in normalised words, that name the reading ("tyre", "in park").
        means: a sentence of the tool's own templates that reads it.
    """

    said: tuple[str, ...]
    means: str


@dataclass(frozen=True)
class Group:
    """Several targets named at once ("the back windows"): the request is read once for each
    member, and runs as one call per member, in order (daemon/understanding/groups.py).

    Attributes:
        said: phrases, in normalised words, that name the group ("back windows", "rear
            windows"); "the", "both" and "two" before them are understood.
        each: for each member, the words that name it alone in the tool's own templates
            ("the rear left window").
    """

    said: tuple[str, ...]
    each: tuple[str, ...]


@dataclass(frozen=True)
class Language:
    """How drivers ask for one tool.

    Attributes:
        sentences: the template blocks.
        lists: the tool's own slot lists, by name (shared ones come from `SHARED_LISTS`).
        ask: the one short question for each argument a request may leave out ("Which
            window?"); an argument the tool requires that is neither said, implied nor
            defaulted is asked with it, never guessed.
        state_keys: for relative changes, the reported state key of each argument
            (``celsius`` -> ``TempDriver``), read from the car's last report; a key
            ``arg:other=value`` overrides it when another argument has that value
            (``celsius:zone=passenger`` -> ``TempPassenger``).
        fahrenheit_above: a number said with no unit above this (in the argument's unit)
            only makes sense in degrees Fahrenheit ("make it 68" in a Celsius car): it is
            converted and the conversion is said back.
        examples: a few sentences for the recogniser's prompt (derived from the templates
            when empty).
        model_examples: what the language model is shown for this tool (its few-shot
            examples, daemon/llm/prompt.py): sentences, often ones no template covers ("I'm
            sweating"), each with the arguments of the one call it asks for. The first one
            also makes the examples of several commands in one sentence.
        complaints: what drivers say is wrong that this tool puts right (`Complaint`), read
            only when no template covers the sentence (daemon/understanding/complaint.py).
        asked_unnamed: arguments the fast path asks about (with ``ask``) when a request does
            not name them, although the tool's model has a default for other callers: "seat
            heater on" -> "Which seat?", like an unnamed window.
        groups: targets named together (`Group`: "the back windows" are the rear left and
            the rear right window).
        wonders: what a driver unsure of a reading says about it (`Wonder`).
        wholes: for an argument whose one value stands for every target (``screen="all"``
            is the front and the rear screen), that value and the targets: the same request
            said for each of them in a row runs as one call ("defrost the front and the
            back").
        referent: the words that name what the tool acts on in its own templates and in
            those of the tools acting on the same thing ("the music"), for "it" in a command
            after this tool's ("skip this song and turn it up": "turn the music up"); empty:
            "it" after this tool's command is not understood.
    """

    sentences: tuple[Sentences, ...]
    lists: Mapping[str, SlotList] = field(default_factory=lambda: MappingProxyType({}))
    ask: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    state_keys: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    fahrenheit_above: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    examples: tuple[str, ...] = ()
    model_examples: tuple[tuple[str, Mapping[str, ArgValue]], ...] = ()
    complaints: tuple[Complaint, ...] = ()
    asked_unnamed: frozenset[str] = frozenset()
    groups: tuple[Group, ...] = ()
    wonders: tuple[Wonder, ...] = ()
    wholes: Mapping[str, tuple[str, frozenset[str]]] = field(
        default_factory=lambda: MappingProxyType({}))
    referent: str = ""


def values(*pairs: tuple[str, ArgValue]) -> Values:
    """A `Values` list from (spoken, value) pairs."""
    return Values(tuple(pairs))


def same(*words: str) -> Values:
    """A `Values` list whose spoken forms are the values themselves (``rear_left`` is said
    "rear left")."""
    return Values(tuple((w.replace("_", " "), w) for w in words))


# --- shared slot lists ---------------------------------------------------------------------------

WINDOW = values(
    ("driver[s] [side]", "driver"), ("(my|mine)", "driver"),
    ("[front] passenger[s] [side]", "passenger"), ("front (left|right)", "passenger"),
    ("(rear|back) left", "rear_left"), ("left (rear|back)", "rear_left"),
    ("(rear|back) right", "rear_right"), ("right (rear|back)", "rear_right"),
    ("(her|his|hers)", "passenger"),
)
"""A window by its seat. (Front left is the driver's in a left-hand-drive car and is not
declared: a wrong guess would move the wrong window; "front left" is asked.)"""

ALL_WINDOWS = values(
    ("all [four] [of] [the] windows", "all"), ("every [single] window", "all"),
    ("each window", "all"), ("all [of] the window", "all"),  # whisper drops the plural
    ("[all] [the] windows", "all"), ("[the] windows all", "all"), ("all [four] [of] them", "all"),
)

PARTNER = ("(wife|husband|missus|missis|hubby|wifey|partner|other half|girlfriend|boyfriend|"
           "mate in the front|co driver|navigator)")
"""Who sits beside the driver, as drivers name them ("the missus is shivering", "my wife's
seat"): the passenger's seat and side; always with "the" or "my" ("... 68 degrees, partner"
is a form of address)."""

SEAT = values(
    ("driver[s] [seat]", "driver"), ("my [seat]", "driver"), ("me", "driver"),
    ("passenger[s] [seat]", "passenger"), ("[my] rider[s] [seat]", "passenger"),
    ("mine", "driver"), ("(her|his|hers) [seat]", "passenger"),
    ("my passenger[s] [seat]", "passenger"), ("[the|my] wife[s] [seat]", "passenger"),
    (f"(the|my) {PARTNER}[s] [seat]", "passenger"),
    ("(both|all) [the] [front] seats", "all"), ("[the] front seats", "all"),
    ("both [of us]", "all"),  # "warm up for both of us 22" is the temperature
)

ZONE = values(
    ("[on|for] [the] driver[s] side", "driver"), ("[on|for] my side", "driver"),
    ("[the] driver[s]", "driver"), ("[the] passenger[s]", "passenger"), ("for me", "driver"),
    ("[on|for] [the] passenger[s] side", "passenger"), ("for [the] passenger", "passenger"),
    ("for my rider", "passenger"), ("[on] [my] rider[s] side", "passenger"),
    ("[on|for] mine", "driver"), ("[on|for] (her|his) side", "passenger"),
    ("[on|for] (hers|his)", "passenger"), ("for (her|him)", "passenger"),
    ("(her|his|hers)", "passenger"),
    ("for my passenger", "passenger"),
    ("[on] [the|my] wifes side", "passenger"), ("[the] driver[s] zone", "driver"),
    (f"[on|for] (the|my) {PARTNER}[s] [side]", "passenger"),
    ("[the] passenger[s] zone", "passenger"),
    ("(everywhere|everyone|all zones|both zones|[on] both sides|for everyone)", "all"),
    ("for [the] both of us", "all"),
)

_ORDINALS = ("(a|one)", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_FRACTIONS = (
    ("[a|of] quarter of the way", 25), ("(a|one) quarter [open|down]", 25),
    *((f"{said} {part}{'s' * (n > 1)} [of the way]", round(100 * n / whole))
      for part, whole in (("third", 3), ("quarter", 4), ("fifth", 5), ("tenth", 10))
      for n, said in enumerate(_ORDINALS[:whole - 1], 1)),
)
FRACTION = values(*_FRACTIONS)
"""A part of the whole, in words (percent): a quarter, two thirds, seven tenths."""

AMOUNT = values(
    ("all the way [down|open]", 100), ("right (down|open)", 100), ("fully", 100),
    ("completely", 100), ("wide open", 100),
    ("(halfway|half way|half)", 50), ("(half|halfway) (open|down)", 50), *_FRACTIONS,
    ("a (crack|bit|little [bit]|touch|tad|small bit)", 20), ("slightly", 20), ("just a bit", 20),
)
"""How far open, in words (percent): halves, thirds, quarters, fifths and tenths."""

PERCENT = Range(-1000, 1000)
"""A percentage as said (the tool refuses what it cannot do, with its spoken range)."""
LEVEL = Range(-1000, 1000)
"""A level as said (fan, seat heating)."""
ON = values(("on", True), ("off", False))

SHARED_LISTS: Mapping[str, SlotList] = MappingProxyType({
    "window": WINDOW, "all_windows": ALL_WINDOWS, "seat": SEAT, "zone": ZONE,
    "amount": AMOUNT, "fraction": FRACTION, "percent": PERCENT, "level": LEVEL, "on": ON,
})
"""Slot lists every tool may use by name."""

ADJUST_TO = ("(set|turn|put|change|adjust|bring|drop|knock|take|lower|raise|reduce|increase|"
             "decrease) [(up|down)]")
"""Verbs that set a level when a value follows "to" or "at" ("reduce the fan to level one",
"bring the temperature down to 19"); templates that use it always say "to"/"at" before the
value: without it, "lower the fan 2" could be a step of two."""

CASUAL_VERBS: Mapping[str, str] = MappingProxyType({
    "pop": "put", "whack": "put", "stick": "put", "chuck": "put", "shove": "put", "bang": "put",
    "slap": "put", "throw": "put", "bump": "turn", "crank": "turn", "kick": "turn",
    "knock": "turn", "jack": "turn", "dial": "turn", "nudge": "turn", "notch": "turn",
    "flick": "switch", "flip": "switch", "pump": "turn",
})
"""Casual verbs read as the plain verb they stand for when the sentence as said is not covered
("whack the temp up to 23" -> "put the temp up to 23", "knock the temperature down a degree"):
only the first word of a command, and only when nothing else reads the sentence."""

COURTESY = ("please", "thank you")
"""Courtesy the recogniser is biased towards (daemon/hearing/biasing.py)."""

SPOKEN_NUMBERS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    "hundred", "half", "point", "and", "a", "minus", "negative", "below")
"""Spoken numbers (temperatures, fan levels, percentages), for the recogniser's biasing; with
their signs ("minus", "negative", "twenty below zero"): a sign outside a grammar recogniser's
words would be heard as [unk] and dropped, "negative twenty" becoming +20."""

SPLITTERS = ("and then", "and also", "and", "then", "also", "plus", "after that")
"""Words that join several commands in one utterance ("turn on the AC and close the windows")."""

CORRECTIONS = ("no", "sorry", "i mean", "i meant", "no i mean", "no sorry", "actually",
               "make that", "or rather", "wait", "no wait", "like", "say", "about", "around",
               "hmm", "uh", "er", "erm", "um", "nah", "nope", "oops", "scratch that",
               "hold on", "hang on", "rather", "correction", "forget that", "forget it",
               "ah forget that", "never mind that", "cancel that", "nein", "non", "belay that",
               "strike that", "my mistake", "my bad", "as you were", *FOREIGN_NO)
"""Words with which a driver corrects what was just said ("set it to 20, no, 22"), in the
driver's first language too ("..., nej, ...") and in radio or legal talk ("belay that"). A
word in the driver's first language that the language does not know may stand where "no" would
(daemon/understanding/understand.py, `_corrected_across`)."""

RETRACTIONS = ("never mind", "nevermind", "forget it", "forget that", "forget about it",
               "scratch that", "cancel that", "dont bother", "dont do that", "ignore that",
               "no dont", "no leave it", "just kidding", "only kidding", "im kidding", "kidding",
               "just joking", "only joking", "im joking", "not really", "psych")
"""What a driver says at the end of a request to take it back ("open the sunroof, never mind"):
nothing is done, and nothing is handed to the language model."""

DANGLING = frozenset((
    "to", "the", "a", "an", "at", "on", "in", "of", "and", "or", "my", "by", "for", "up", "down",
    "set", "turn", "make", "open", "close", "put", "change", "switch", "navigate", "take",
    "drive", "point", "level", "is", "it", "me", "towards", "with", "than", "your", "our",
    "this", "that", "minus", "negative"))
"""English words after which a command cannot be over ("set the temperature to"), for
endpointing."""

NEVER_LAST = frozenset((
    "to", "the", "a", "an", "at", "of", "and", "or", "my", "by", "for", "with", "than", "your",
    "our", "towards", "point", "level", "set", "make", "navigate"))
"""Dangling words that keep a turn open even when the recogniser punctuated after them: a
sentence does not end on "to" or "the"."""

OPEN_NUMBER = frozenset(("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                         "ninety", "hundred"))
"""Number words that are often followed by more of the number ("twenty" -> "twenty one")."""
