"""Transcript text as the matcher reads it, and the driver's own wording of free text.

Pure functions, no state.
"""

from __future__ import annotations

import re

from daemon.understanding.numbers import words_to_digits
from vehicle_tools.courtesy import FOREIGN_ADDRESS
from vehicle_tools.language import CASUAL_VERBS, DOUBTFUL_ENDS, EDGE_WORDS, POLITE, TAGS

_POLITE_HEAD = re.compile(r"^(?:(?:um|uh|erm|er|hmm|please)\s+)+")
"""Hesitation before a name ("take me to ... um ... Bondi Junction"); not "just", which can
start a title."""
_ADDRESS = frozenset(EDGE_WORDS) - frozenset(FOREIGN_ADDRESS)
"""Forms of address cut from the end of a name unasked ("nuala for me pet"); a first
language's (`FOREIGN_ADDRESS`: "Abuela mijo") is cut and asked about (`DOUBTFUL_ENDS`)."""
_TAGS = frozenset(TAGS)
_A_BIT = re.compile(r"\ba (tad|touch|smidge|smidgen|wee bit|little bit|tiny bit|wee)\b")
"""Ways of saying "a bit" ("a touch quieter", "a wee bit warmer"): one spelling for the
templates, which all say "a bit" where they say any of them."""


_MORE = re.compile(r"\bmore (warm|hot|cold|cool|loud|quiet|slow|fast|bright)\b")
_COMPARATIVE = {"warm": "warmer", "hot": "hotter", "cold": "colder", "cool": "cooler",
                "loud": "louder", "quiet": "quieter", "slow": "slower", "fast": "faster",
                "bright": "brighter"}
""""More" before a plain adjective ("make more warm", "put more loud the music"), as the
comparative the templates say."""


_ME = re.compile(r"\bme (?=(window|seat|side|door|light|heater|seat heater)s?\b)")


def normalize(text: str) -> str:
    """Lower case, spoken numbers as digits, "a touch" / "a wee bit" as "a bit", "more warm"
    as "warmer", "me window" as "my window", punctuation and apostrophes removed ("driver's"
    -> "drivers"); decimal points and a leading minus sign kept ("-20", "21.5")."""
    text = text.lower().replace("a/c", "ac")
    text = words_to_digits(text)
    text = _A_BIT.sub("a bit", text)
    text = _MORE.sub(lambda m: _COMPARATIVE[m[1]], text)
    text = _ME.sub("my ", text)  # "close me window" (Scouse, Irish, Geordie)
    text = re.sub(r"(?<!\d)\.|\.(?!\d)", " ", text)
    text = re.sub(r"[^\w\s.\-']", " ", text).replace("'", "").replace("\u2019", "")
    text = re.sub(r"(?<![\w])-(?!\d)|(?<=\w)-(?=\w)", " ", text)  # a dash that is no sign
    return re.sub(r"\s+", " ", text).strip()


def clauses_of(text: str, *, as_said: bool = False) -> list[str]:
    """The lower-cased text (``as_said``: in its own case, names kept) cut at commas,
    semicolons and sentence ends ("set it to 20, no, 22" -> three pieces), before `normalize`
    removes the punctuation."""
    return [part for part in re.split(r"[,;]|(?<!\d)[.!?](?!\d)|\.\.\.|\u2026",
                                      text if as_said else text.lower()) if part.strip()]


_POLITE_TAIL = re.compile(
    r"(?:\s+(?:" + "|".join(sorted({re.escape(p) for p in POLITE} | {  # as said, as read
        re.escape(normalize(p)) for p in POLITE if normalize(p)}, key=len, reverse=True))
    + r"))+$")  # ("for the little one" is read "for the little 1")
_THANKED = re.compile(r"(?i)\s+\b(please|pls|thanks|thank you|cheers|for me|for us)"
                      r"(\s+[^\s\d]+){1,2}\s*$")
"""Courtesy said before one or two last words of a name, which are then the driver's too
("Chas and Dave please guv", "Bar Harbor thank you bub", "Fatmata for me tenki": a form of
address or a thank-you in the driver's first language); "for me" only before a person or a
place ("Pray for Me Tonight" is a title); not before a `DOUBTFUL_ENDS` word, which may end a
name ("Ingrid please, tack": the name is asked about first, daemon/understanding/free_text.py)."""


def trim_polite(value: str, *, address: bool = False) -> str:
    """A free-text value without politeness or hesitation around it ("bob smith please" ->
    "bob smith", "um bondi junction" -> "bondi junction", "burna boy jor" -> "burna boy": a
    dialect tag, `TAGS`; "Chas and Dave please guv": courtesy and what follows it, `_THANKED`);
    with ``address``, without forms of address at its end either ("nuala for me pet" ->
    "nuala", "pastor james my man" -> "pastor james"), unless nothing else is left."""
    trimmed = _POLITE_HEAD.sub("", _POLITE_TAIL.sub("", " " + value).strip() + " ").strip()
    if (thanked := _THANKED.search(trimmed)) and normalize(trimmed[:thanked.start()]) and (
            address or not thanked[1].lower().startswith("for")) and not any(  # "Pray for
            normalize(thanked[0]).endswith(" " + end) for end in DOUBTFUL_ENDS):  # Me Tonight"
        return trim_polite(trimmed[:thanked.start()], address=address)  # "please guv"
    if len(words := trimmed.split()) > 1 and normalize(words[-1]) in _TAGS:
        return trim_polite(" ".join(words[:-1]), address=address)  # "Burna Boy jor"
    if address:
        words = trimmed.split()
        while len(words) > 1 and normalize(words[-1]) in _ADDRESS and not (
                len(words) == 2 and normalize(words[0]) in ("my", "me", "ma")):  # "my man"
            words.pop()
            if len(words) > 1 and normalize(words[-1]) in ("my", "me", "ma"):
                words.pop()  # "Pastor James my man"
        trimmed = trim_polite(" ".join(words)) if words != trimmed.split() else trimmed
    return trimmed


def _word_key(word: str) -> str:
    """One word of the driver's wording as `normalize` writes it ("Five," -> "5")."""
    return normalize(word).rstrip(".")


_ZERO = frozenset(("0", "oh", "o"))
"""A word the numbers may have read as zero ("..., oh my heck": "0 my heck")."""


def original_words(original: str, value: str) -> str:
    """The driver's own wording (case, digits) of ``value``, a normalised run of words found in
    ``original``; ``value`` itself when the run cannot be found (numbers spelled out)."""
    words = [w for w in original.split() if _word_key(w)]  # not "..." or "-"
    keys = [_word_key(w) for w in words]
    target = value.split()
    if not target:
        return value
    for start in range(len(keys) - len(target) + 1):
        if all(k == t or {k, t} <= _ZERO for k, t in zip(keys[start:], target, strict=False)):
            return " ".join(words[start:start + len(target)]).strip(" ,.!?;:")
    return value


_POLITE_PHRASES = tuple(sorted({normalize(p) for p in POLITE}, key=len, reverse=True))
_GERUNDS = {
    "putting": "put", "setting": "set", "shutting": "shut", "turning": "turn",
    "opening": "open", "closing": "close", "switching": "switch", "making": "make",
    "playing": "play", "calling": "call", "ringing": "ring", "locking": "lock",
    "unlocking": "unlock", "raising": "raise", "lowering": "lower", "taking": "take",
    "giving": "give", "starting": "start", "stopping": "stop", "popping": "pop",
    "cranking": "crank", "bumping": "bump", "rolling": "roll", "winding": "wind",
    "navigating": "navigate", "pausing": "pause", "skipping": "skip", "bringing": "bring",
    "changing": "change", "increasing": "increase", "decreasing": "decrease",
    "reducing": "reduce", "cancelling": "cancel", "canceling": "cancel", "heating": "heat",
    "warming": "warm", "cooling": "cool", "dimming": "dim", "muting": "mute",
}
"""A command verb asked for in its -ing form ("would you mind putting the air con on")."""
_VERBS = frozenset(_GERUNDS.values())


_PARTICIPLES = {
    "opened": "open", "closed": "close", "shut": "shut", "locked": "lock",
    "unlocked": "unlock", "lowered": "lower", "raised": "raise", "rolled": "roll",
    "wound": "wind", "turned": "turn", "switched": "switch", "put": "put", "set": "set",
    "cracked": "crack", "muted": "mute", "paused": "pause", "dimmed": "dim", "reduced": "reduce",
    "increased": "increase", "decreased": "decrease", "warmed": "warm", "cooled": "cool",
    "heated": "heat", "cancelled": "cancel", "canceled": "cancel", "stopped": "stop",
    "started": "start", "skipped": "skip", "open": "open",
}
"""A command verb as a past participle ("I'd like the doors unlocked"); never one that takes a
name ("played", "called"): a name is never cut out of such a sentence."""
_WANT = re.compile(r"^(i should like|i would like|i would love|id like|id love|i want|i need|"
                   r"i wanna|can i have|could i have|can we have|could we have|lets have|"
                   r"let us have|we want|we need|get|may i have)\b")
"""What starts a request for a result ("I'd like <the doors> <unlocked>")."""


def as_commanded(text: str) -> str | None:
    """A request for a result as the command that gets it: "I'd like the rear left window
    opened halfway" -> "open the rear left window halfway", "I need the fan turned down" ->
    "turn the fan down"; None when ``text`` (normalised) is not one. The participle follows
    the thing it acts on, which starts with "the", "my"...; "have the doors locked" may ask
    whether they are, so "have" alone starts no such request."""
    start = _WANT.match(text)
    if start is None:
        return None
    words = text[start.end():].split()
    for index, word in enumerate(words):
        if word in _PARTICIPLES and index > 0 and words[0] in ("the", "my", "all", "both",
                                                               "every", "your"):
            return " ".join([_PARTICIPLES[word], *words[:index], *words[index + 1:]])
    return None


def plain_requests(text: str) -> list[str]:
    """``text`` (normalised) with the politeness around the command taken off: first every
    layer after it ("..., cheers", "please"), then one layer before it at a time ("could you
    tell me the tyre pressure" -> "tell me the tyre pressure" -> "the tyre pressure"), a verb
    asked for in its -ing form ("mind shutting every window") in its plain form. Every stage,
    least taken off first; empty when there is nothing around the command."""
    words = text.split()
    stages: list[str] = []
    while len(words) > 1:  # the tail: all at once
        tail = next((p.split() for p in _POLITE_PHRASES
                     if len(p.split()) < len(words) and words[-len(p.split()):] == p.split()),
                    None)
        if tail is None:
            break
        words = words[:-len(tail)]
    if " ".join(words) != text:
        stages.append(" ".join(words))
    while len(words) > 1:  # the head: a layer at a time
        head = next((p.split() for p in _POLITE_PHRASES
                     if len(p.split()) < len(words) and words[:len(p.split())] == p.split()),
                    ["mind"] if words[0] == "mind" else None)
        if head is None:
            break
        words = words[len(head):]
        if words[0] in _GERUNDS:
            words = [_GERUNDS[words[0]], *words[1:]]
        stages.append(" ".join(words))
    stages += [n for n in (_narrated(t) or _asked_if(t) for t in (text, *stages)) if n]
    commanded = [c for c in (as_commanded(t) for t in (text, *stages)) if c is not None]
    wanted = [w for w in (_wanted(t) for t in (text, *stages)) if w is not None]
    return stages + commanded + [w for w in wanted if w not in commanded]


_NARRATED = re.compile(r"^(?:(?:so|now|okay|ok|alright|right|and) )*(?:im|i am|ill|i will|let me|"
                       r"lemme)(?: (?:just|now|quickly|gonna|going to|also))* (\w+)\b")


_IF = re.compile(r"^(?:if|whether) ((?:the|my|all|any|all the|any of the) \w+(?: \w+)?) (is|are) "
                 r"(\w+)$")


def _asked_if(text: str) -> str | None:
    """A question asked as "if" after "tell me" ("tell me if the doors are locked" -> "are
    the doors locked"), or None."""
    found = _IF.match(text)
    return None if found is None else f"{found[2]} {found[1]} {found[3]}"


_NAMING = frozenset(("play", "call", "ring", "navigate", "give", "take"))
"""Verbs whose command takes a name: never read from a narration ("I'm calling Mom")."""
_LATER = re.compile(r"\b(later|tomorrow|tonight|when|once|after|soon|before|in a (minute|bit|sec|"
                    r"second|moment|while))\b")


def narrates(text: str) -> bool:
    """Whether ``text`` (normalised) narrates a command ("I'm putting on some Vivaldi"): no
    statement of why, even when no command is read from it."""
    found = _NARRATED.match(text)
    return found is not None and (found.group(1) in _GERUNDS or found.group(1) in _VERBS)


def _narrated(text: str) -> str | None:
    """A command the driver narrates ("now I'm setting the heat to twenty", "so I'll cancel
    the route") as the command; None when ``text`` (normalised) is not one: the word after
    the narration must be a command verb, plain or in its -ing form ("I'm cold" is none), one
    that takes no name, and nothing may put it off ("I'll open it later")."""
    found = _NARRATED.match(text)
    if found is None:
        return None
    verb, rest = found.group(1), text[found.end():].strip()
    plain = _GERUNDS.get(verb, verb if verb in _VERBS else None)
    if plain is None or plain in _NAMING or (plain == "put" and rest.startswith("on ")) \
            or _LATER.search(rest):
        return None  # "I'm playing golf tomorrow", "I'm putting on my coat", "... later"
    return f"{plain} {rest}".strip()


def _wanted(text: str) -> str | None:
    """What a request for a setting asks for ("I'd like the temperature at 21" -> "the
    temperature at 21"), or None: the rest must start with what it acts on."""
    start = _WANT.match(text)
    if start is None:
        return None
    rest = text[start.end():].split()
    return " ".join(rest) if len(rest) > 1 and rest[0] in ("the", "my", "all", "both") else None


_OBJECT_START = frozenset((
    "the", "my", "it", "up", "down", "on", "off", "your", "all", "both", "this", "that", "a",
    "her", "them", "every", "some", "in", "back", "out"))
"""Words after a casual verb that make it the verb of a command ("pop *the* heating up")."""


def plain_verbs(transcript: str) -> str:
    """``transcript`` with each casual verb (`CASUAL_VERBS`) that starts a command as the plain
    verb it stands for ("whack the temp up to 23" -> "put the temp up to 23"); the rest of the
    wording (a name's case) as said. The matcher reads this only when the words as said are not
    understood."""
    words = transcript.split()
    out = list(words)
    for index, word in enumerate(words[:-1]):
        key = normalize(word)
        if key in CASUAL_VERBS and normalize(words[index + 1]) in _OBJECT_START:
            out[index] = CASUAL_VERBS[key] + word[len(word.rstrip(",.;:!?")):]
    return " ".join(out)
