"""Corrections said in one breath ("set it to 20, no, 22", "fog lamps on, sorry, high beam",
"back left window up, sorry, back right"): which sentences the correcting words could make of
the command before them, and whether such a sentence corrects it only where those words say.

Pure functions over words and `Parse` values; `daemon/understanding/matcher.py` parses the
candidates. A candidate that changes a target (window, zone, seat, light...) the correcting
words do not name, or a number they do not say, is never taken: a default must never replace
what the driver named.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterable, Iterator, Mapping

from daemon.understanding.parse import Parse
from daemon.understanding.refining import AMOUNT_WORDS, without_enough
from daemon.understanding.refining import NUMBER as _NUMBER
from daemon.understanding.text import normalize
from vehicle_tools.courtesy import FOREIGN_NO
from vehicle_tools.language import CORRECTIONS, EDGE_WORDS, POLITE, FreeText, SlotList, Values

MAX_SPAN = 3
"""At most this many words before the correction are replaced by the correcting words."""

PRONOUN = re.compile(r"^(make|set|put|turn|change|have|keep|leave) (it|that|this)\b")
"""After a correction word, a command about "it" corrects the one before ("..., make it 3")."""

_MARKER = re.compile(r"^(?:" + "|".join(re.escape(c) for c in sorted(
    (*CORRECTIONS, "oh wait", "oh no", "oh"), key=len, reverse=True)) + r")\b\s*")
_POINTERS = frozenset(("the", "one", "1", "ones", "side"))
"""Words that point at a target without naming it ("no, the rear one")."""


def strip_markers(text: str) -> str:
    """``text`` without the correction words it starts with ("sorry i mean 3" -> "3")."""
    while (shorter := _MARKER.sub("", text)) != text:
        text = shorter
    return text


def without_denial(before: list[str], after: list[str]) -> list[str]:
    """The correcting words without the words they deny, when those were said before ("call
    Khalid, sorry, not Khalid, Fatima" -> "fatima"; "20, no, not 20, 22" -> "22"): "not" and
    the longest run of words after it that was said, in that order, before it."""
    if len(after) < 3 or after[0] != "not":
        return after
    said = " " + " ".join(before) + " "
    run = max((k for k in range(1, len(after) - 1)
               if f" {' '.join(after[1:1 + k])} " in said), default=0)
    return after[1 + run:] if run else after


def corrections_of(before: list[str], after: list[str]) -> Iterator[list[str]]:
    """Candidate sentences for "<before>, no, <after>", most likely first:

    1. a lone number (or "make it <number>") replaces the last number said ("24 on my side,
       no, 23" -> "23 on my side");
    2. the correcting words (without "make it") replace as many words at the end as they
       have (or more, or fewer): "open the driver window, no, the passenger window", "play
       Vivaldi, no, make it Mozart";
    3. the correcting words, without "make it" and pointers ("the rear one" -> "rear"),
       replace up to `MAX_SPAN` words anywhere: "fog lamps on, sorry, high beam" -> "high beam
       on", "AC on, no, leave it off" -> "AC off".
    """
    if len(after) > 1 and after[1] in ("it", "them") and before:  # "close the sunroof,
        yield after[:1] + before[1:] + after[2:]  # sorry, open it halfway": its thing
    numbers = [i for i, w in enumerate(before) if _NUMBER.fullmatch(w)]
    new = [w for w in after if _NUMBER.fullmatch(w)]
    if len(new) == 1 and numbers and (len(after) == 1 or PRONOUN.match(" ".join(after))):
        yield before[:numbers[-1]] + new + before[numbers[-1] + 1:]
    said = after[2:] if len(after) > 2 and PRONOUN.match(" ".join(after)) else after
    for drop in sorted(range(len(before)), key=lambda k: (abs(k - len(said)), k)):
        kept = before[:len(before) - drop]  # "navigate to Krakow, no, to Katowice": one "to"
        yield kept + (said[1:] if kept and len(said) > 1 and kept[-1] == said[0] else said)
    core = list(after)
    if PRONOUN.match(" ".join(core)):
        core = core[2:]
    while core and core[0] in _POINTERS:
        core = core[1:]
    while core and core[-1] in _POINTERS:
        core = core[:-1]
    if not core:
        return
    spans = [(i, j) for i in range(len(before))
             for j in range(i + 1, min(len(before), i + MAX_SPAN) + 1)]
    spans.sort(key=lambda s: (abs((s[1] - s[0]) - len(core)), -s[1]))
    for i, j in spans:
        yield before[:i] + core + before[j:]
    if after[-1] in ("one", "ones"):  # "lights on, no, the fog ones": "fog lights on"
        for i in range(len(before)):
            yield before[:i] + core + before[i:]
        return
    if any(_NUMBER.fullmatch(w) or w in AMOUNT_WORDS for w in core):
        return
    for i, j in spans:  # "close all the windows, no, just the back right": a target said
        yield before[:i] + core + ["one"] + before[j:]  # without its noun


def refines(first: Parse, candidate: Parse, after: list[str],
            lists: Mapping[str, SlotList]) -> bool:
    """Whether ``candidate`` corrects ``first`` only where the correcting words say so: the
    same tool; every target (window, zone, seat...) kept unless those words name the new one
    ("the driver window, no, the passenger one"); every number kept unless they say the new
    one (or an amount: "no, all the way") or replace the word that implies it ("speak faster,
    no, slower"); the same command again only when they say its number. ``lists``: every
    slot list by name (the grammar's)."""
    said = set(after)
    if candidate.tool != first.tool:
        return False
    if candidate.args == first.args:  # "crack my window a bit ... like twenty percent" says
        return any(isinstance(v, int | float) and not isinstance(v, bool)  # its number again;
                   and _say(v) in said for v in candidate.args.values())  # "..., no, please"
        # changes nothing and is no correction
    if targets(first) and targets(candidate) == targets(first) and said & _TARGET_NOUNS & set(
            first.text.split()) and not any(_named(v, lists.get(k), after)
                                            for k, v in targets(first).items()):
        return False  # "my side 23, the side 21": a side named again, not heard ("her side")
    swapped = said & (set(candidate.text.split()) - set(first.text.split())) - POLITE_WORDS
    # (a courtesy swapped in changes nothing: "turn off the seat heating, thanks" is no "on")
    named = after + first.text.split() if after[-1] in ("one", "ones") else after  # "lights
    # on, no, the fog ones": the fog lights
    return all(_target_kept_or_named(key, value, candidate.args.get(key), lists.get(key),
                                     named) for key, value in targets(first).items()) \
        and all(_value_said(new, first.args.get(key), said) or (
                    bool(swapped) and key not in candidate.said)  # "fan up, no, down": the
                for key, new in candidate.args.items())  # word that sets it was replaced


_TARGET_NOUNS = frozenset(("side", "window", "seat", "zone"))
"""Nouns of a target: said again after a command, they name a target that must be heard."""


def _target_kept_or_named(key: str, old: str, new: object, slot: object,
                          after: list[str]) -> bool:
    """Whether a target (``key``) is kept, or changed to one the correcting words name; a new
    name (free text) must be made of those words ("play jazz, no, the radio" is no search for
    "jazz the radio"), whatever else the candidate kept."""
    if new == old:
        return True
    if isinstance(slot, FreeText):  # in the order said ("st marys, no, st thomass" is no
        return f" {normalize(str(new))} " in f" {' '.join(after)} "  # "st st thomass")
    return _named(new, slot, after)


def _value_said(new: object, old: object, said: set[str]) -> bool:
    """Whether a number or on/off is kept, or changed to what the correcting words say."""
    if isinstance(new, bool):
        return new == old or bool(said & _SWITCH_WORDS)
    if isinstance(new, int | float):
        return new == old or bool(said & {_say(new)} or said & AMOUNT_WORDS)
    return True


_SWITCH_WORDS = frozenset(("on", "off", "enable", "disable", "start", "stop"))


def targets(parse: Parse) -> dict[str, str]:
    """The text arguments of ``parse``: what it acts on (window, zone, seat, light...)."""
    return {k: v for k, v in parse.args.items() if isinstance(v, str)}


def _named(value: object, slot: object, after: list[str]) -> bool:
    """Whether the correcting words name ``value``: all of its own words ("rear_right" ->
    rear, right), or one of its spoken forms in ``slot`` ("my" -> driver, "back right" ->
    rear_right)."""
    if not isinstance(value, str):
        return False
    if set(value.split("_")) <= set(after):
        return True
    if not isinstance(slot, Values):
        return False
    text = " ".join(after)
    return any(pattern(spoken).search(text) for spoken, named in slot.values if named == value)


def pattern(template: str) -> re.Pattern[str]:
    """A hassil template ("[front] passenger[s] [side]", "(rear|back) left") as a regex over
    lower-case words."""
    body = re.sub(r"\s+", r"\\s*", template.lower().strip())
    body = body.replace("[", "(?:").replace("]", ")?").replace("(", "(?:").replace(
        "(?:?:", "(?:")
    return re.compile(r"\b" + body + r"\b")


def _say(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def verb_of(text: str) -> list[str]:
    """The verb that starts a command, to lend to the next piece ("turn off the seat heating
    and the demister" -> "turn off", "tell me the speed, the fuel" -> "tell me"): politeness
    before it skipped."""
    words = text.split()
    while words and words[0] in POLITE_WORDS:
        words = words[1:]
    return words[:2] if len(words) > 1 and words[1] in ("on", "off", "up", "down", "me", "us") \
        else words[:1]


POLITE_WORDS = frozenset(p for p in POLITE if " " not in p)
LENT_VERBS = frozenset((
    "open", "close", "shut", "turn", "switch", "set", "put", "lower", "raise", "crack", "roll",
    "wind", "lock", "unlock", "start", "stop", "pause", "heat", "warm", "cool", "dim", "mute",
    "make", "change", "bring", "drop", "take", "increase", "decrease", "reduce", "activate",
    "deactivate", "enable", "disable", "pop", "crank", "bump", "knock"))
"""Verbs a correction may borrow ("close the rear left, sorry, the rear right window");
never one that takes a name ("play", "call", "navigate")."""


def starts_a_command(words: list[str]) -> bool:
    """Whether ``words`` start as a command does (a verb of one), so a correction word after
    them may be one ("lock the uh no unlock the doors"; not "the maps work with no signal")."""
    return bool(words) and words[0] in LENT_VERBS | {"play", "call", "ring", "dial", "navigate"}


def bare_value_for(alone: Parse, first: Parse) -> bool:
    """Whether ``alone`` (the words after a pause, parsed on their own) only says a value for
    ``first``'s tool: the same tool, no target (window, zone, seat...) of its own said."""
    return alone.tool == first.tool and not any(k in alone.said for k in targets(alone))


def overridden(earlier: Parse, later: Parse) -> Parse | None:
    """``later`` as what it says again of ``earlier`` (the same tool for the same target, or a
    step said for no target and then the value for one: "make it warmer, 24 on my side" is 24
    on the driver's side, asked about if 24 is no warmer; ``earlier`` when ``later`` is a bare
    step after its value); None when it is another command."""
    if later.tool != earlier.tool or later.follows or not earlier.args.keys() & later.args.keys():
        return None  # nothing in common: "speak quieter and slower" asks for both
    if targets(earlier) == targets(later):  # a bare step after a value is its reason: "set
        return earlier if later.block.sentences.relative is not None and not later.said \
            and earlier.block.sentences.relative is None else later  # it to 25, it's freezing"
    step = earlier.block.sentences.relative
    if step is None or later.block.sentences.relative is not None \
            or any(key in earlier.said for key in targets(earlier)):
        return None
    return toward(earlier, later)


_EDGES = frozenset(EDGE_WORDS)
_VALUE_UNITS = frozenset(("percent", "degrees", "degree", "level", "notch", "speed", "point"))


def stepped_to(first: Parse, after: list[str], topics: Iterable[str],
               read: Callable[[str], Parse | None]) -> Parse | None:
    """A bare value said after a step as the value of the step's own thing ("louder ... 65" is
    the volume at 65, "less fan ... just one" the fan at 1), in the step's direction
    (`toward`: a value the other way is asked about); None when ``first`` is no step, names a
    target, or ``after`` says more than one number and its unit. ``topics``: the words that
    name the step's tool, tried in order ("volume to 65")."""
    if first.block.sentences.relative is None or any(k in first.said for k in targets(first)):
        return None
    words = [w for w in without_enough(after) if w not in POLITE_WORDS and w not in _EDGES]
    if sum(1 for w in words if _NUMBER.fullmatch(w)) != 1 or not all(
            _NUMBER.fullmatch(w) or w in _VALUE_UNITS for w in words):
        return None
    for topic in topics:
        candidate = read(f"{topic} to {' '.join(words)}")
        if candidate is not None and candidate.block.sentences.relative is None \
                and first.block.sentences.relative in candidate.said \
                and bare_value_for(candidate, first):  # the stepped argument itself
            return toward(first, candidate)
    return None


def toward(first: Parse, candidate: Parse, *, asked: bool = False) -> Parse:
    """``candidate`` knowing the direction of the step it refines ("turn the music down ...
    about 25" must lower the volume); ``asked``: asked about first (a name said after a pause
    may be a remark: "play the music, sound as a pound")."""
    if asked:
        candidate = dataclasses.replace(candidate, inferred=True)
    relative = first.block.sentences.relative
    step = first.args.get(relative) if relative is not None else None
    if candidate.block.sentences.relative is not None or not isinstance(step, int | float) \
            or isinstance(step, bool) or not step:
        return candidate
    return dataclasses.replace(candidate, toward=1 if step > 0 else -1)


HESITATIONS = frozenset(("um", "umm", "uh", "er", "erm", "err", "hmm", "hm", "ah", "ahh"))
"""Sounds a driver makes while finding a word: between two numbers, the second one is the
number meant ("heat my seat to three um two")."""


def hesitated(transcript: str) -> str:
    """``transcript`` with each hesitation between two numbers read: "twenty um two" is one
    number (22: a unit after a multiple of ten goes on it), "three um two" and "eighteen er
    nineteen" a correction ("three, no, two")."""
    words = transcript.split()
    values = [normalize(w.strip(",.;:!?")) for w in words]
    out: list[str] = []
    for index, word in enumerate(words):
        plain = values[index]
        if plain in HESITATIONS and out and 0 < index < len(words) - 1 \
                and values[index - 1].isdigit() and values[index + 1].isdigit():
            first, then = int(values[index - 1]), int(values[index + 1])
            if not (first % 10 == 0 and 20 <= first <= 90 and 1 <= then <= 9):
                out[-1] = out[-1].rstrip(",") + ","
                out.append("no,")
            continue
        out.append(word)
    return " ".join(out)


_ONCE_MORE = frozenset(("again", "once more", "one more time", "too", "as well", "more"))
_FILLERS = HESITATIONS | frozenset(("ok", "okay", "so", "oh", "right", "well", "yeah"))
_RESTART_VERBS = LENT_VERBS | {"play", "call", "ring", "phone", "navigate", "skip", "go"}


def restarted(transcript: str) -> str:
    """``transcript`` without the start of a command said again ("ok um call, call Dana" is
    "call Dana"; "turn turn on the AC" is "turn on the AC"): a clause that, without fillers,
    begins the next one is dropped, and a verb said twice in a row is said once."""
    clauses = transcript.split(",")
    kept: list[str] = []
    for index, clause in enumerate(clauses):
        words = [w for w in normalize(clause).split() if w not in _FILLERS]
        after = normalize(clauses[index + 1]).split() if index + 1 < len(clauses) else []
        if words and len(words) < len(after) and after[:len(words)] == words \
                and " ".join(after[len(words):]) not in _ONCE_MORE:
            continue  # begun, then said again in full ("louder, louder again" is two)
        kept.append(clause)
    words = ",".join(kept).split()
    plain = [normalize(w) for w in words]
    return " ".join(w for i, w in enumerate(words)
                    if not (plain[i] in _RESTART_VERBS and plain[i + 1:i + 2] == [plain[i]]))


MARKED = re.compile(r"(?i)(?<![,;.]) \b(no no|no wait|oh wait|oh no|no sorry|sorry i mean|my bad|"
                     r"(er |um |uh )?i meant?|no|sorry|make that|actually|scratch that|wait|nah|"
                     r"i beg your pardon|correction|(oh )?(hang|hold) on( i meant?)?|my mistake|"
                     r"as you were|" + "|".join(FOREIGN_NO) + r")\b")
"""Correction words said without a pause the recogniser marked with a comma."""
CORRECTION_WORDS = frozenset(("no", "sorry", "actually", "instead", "wait", "correction",
                              *(n for n in FOREIGN_NO if " " not in n)))
CORRECTION_PHRASE = re.compile(r"\b(i mean|i meant|or rather|make that|scratch that|hold on|"
                                r"hang on)\b")
