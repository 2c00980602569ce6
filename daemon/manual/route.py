"""Which sentences are questions for the manual. Pure.

A question about the car ("how do I pair my phone", "what does the ABS light mean", "what
should my tyre pressure be") goes to the manual; a command goes to the tools; a question for
a live reading ("what's my tyre pressure", "are the doors locked", "how much fuel do I have")
stays with the vehicle tool: the fast path answers most of those before the manual is asked,
and `reads_the_car` keeps the rest away from it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Literal

from daemon.understanding.model_calls import asks_for_advice, is_question

First = Literal["always", "if_covered", "no"]
"""Before the fast path: the manual answers (or says it doesn't cover it), answers only what it
covers (else the fast path and the model go on), or is not asked yet."""

FREE_TEXT: Mapping[str, str] = {"navigate_to": "destination", "call_contact": "contact",
                                "media_search": "query"}
"""The fast path's tools whose argument is free text (tool -> argument): the command language
reads any words there ("I need to get to the 12 volt battery" -> a destination)."""

_READING = re.compile(
    r"^\s*(what's|whats|what is|what are|how's|hows|how is|how are)\s+(my|our|the current)\b"
    r"(?!.*\b(should|supposed|recommended|mean|means)\b)|"
    r"^\s*(is|are)\s+(the|my|all|any)\b.*\b(open|closed|shut|on|off|locked|unlocked|"
    r"running|up|down|full|empty|low|flat|ok|okay|fine)\s*\??\s*$|"
    r"\bhow much\b(?!.*\b(when|if|after|should)\b).*\b(have|left|remaining|got)\b|"
    r"\bhow many (miles|kilometres|kilometers|km|k'?s)\b"
    r"(?!.*\b(when|if|after|should|once)\b).*\b(left|remaining|to go|in the tank)\b|"
    r"\bhow (far|fast) (can|am|are)\b.*\b(drive|go|going)\b"
    r"(?!.*\b(spare|once|when|if|after|with)\b)|"
    r"\bwhat (gear|speed)\b",
    re.IGNORECASE)


_ASKS = re.compile(
    r"\b(what (should|do|can|must) (i|we) do|what to do|how (do|can|should) (i|we)|"
    r"what does .* mean|what do .* mean|why (is|does|do|are))\b|"
    r"^\s*(do|did|have|are) you\b|^\s*(is|are) (my|the)\b|"
    r"\b(light|warning|symbol)\b.*\b(is on|came on|comes on|stays on|won'?t go (off|out)|"
    r"keeps (flashing|coming on)|is flashing|lit up)\b|"
    r"^\s*there'?s an? .*\b(light|symbol|warning|noise|smell)\b|"
    r"^\s*tell me (about|the|how|what|where|when|why)\b|^\s*(will|would) (the|my|it)\b|"
    r"^\s*(the|my)\b.*\b((won'?t|doesn'?t|does not|will not|stopped) (work|working|start|"
    r"connect|open|close|lock|unlock|release|fold|charge|go (off|out|away))|(keeps|is|are) "
    r"(beeping|smearing|squeaking|flat|dead|broken|overheating|leaking)|(is|are|keeps?) (all )?"
    r"(fogged|fogging|steamed|steaming|misted|misting|iced|frozen) up|(is|are) leaving "
    r"(streaks|smears)|is stuck)\b|"
    r"^\s*(would|could|can|will) you (please )?(mind )?(tell(ing)?|explain(ing)?|remind(ing)?|"
    r"help(ing)?) me\b|^\s*(would|could|can|will) you (please )?(mind )?(explain(ing)?|"
    r"describ(e|ing)|go(ing)? over|talk(ing)? me through)\b|^\s*it says\b|"
    r"^\s*(the |my |a )?[\w-]+( [\w-]+){0,2} (light|warning|symbol|lamp)s?( is on| on the "
    r"(dash|dashboard|display)| (is )?(flickering|flashing|blinking))?\s*[?.!]*\s*$|"
    r"^\s*(do|does|will|can) (the|my)\b|\bhow (do|does|can|should) (they|he|she|it)\b|"
    r"^\s*(the |my )?[\w-]+( [\w-]+){0,2} (type|capacity|limit|height|width|length|weight|"
    r"schedule|intervals?|size|pairing|level check)( please)?\s*[?.!]*\s*$",
    re.IGNORECASE)
"""Questions that do not start like one: "the oil light came on, what do I do", "my battery
is dead, how do I jump it", "do you record what I say", "the brake light won't go off",
"there's a red light with an oil can on my dash", "my key fob doesn't work"; a warning light or
a property named alone ("abs light", "oil type", "car height"), a polite "could you tell me
...", a problem said ("the rear window is all fogged up", "the handbrake won't release")."""


_DIALOGUE = re.compile(r"\bwhat did you (say|mean)\b|\b(say that again|repeat that|come again)\b",
                       re.IGNORECASE)
"""Questions about the conversation, not the car ("what did you say?")."""


_WAKE = re.compile(r"^\s*((hey|hi|ok|okay)[\s,]+)?jarvis\b[\s,.!]*", re.IGNORECASE)
"""The wake phrase a recogniser may leave at the start ("Hey Jarvis, the wipers ...")."""


def _said(text: str) -> str:
    """``text`` without the wake phrase in front."""
    return _WAKE.sub("", text, count=1)


def reads_the_car(text: str) -> bool:
    """Whether ``text`` asks for a live value of the car rather than for advice ("what's my
    tyre pressure" but not "what should my tyre pressure be")."""
    text = _said(text)
    return _READING.search(text) is not None and not asks_for_advice(text)


def for_the_manual(text: str) -> bool:
    """Whether ``text`` is a question the manual may answer: a question ("how ...", "what
    ...", "... ?", "..., what should I do") that is not a request ("could you open the
    window?") nor a live reading."""
    text = _said(text)
    asks = is_question(text) or _ASKS.search(text) is not None or _INSIDE.search(text) \
        is not None or _said_as_statement(text)
    return asks and not reads_the_car(text) and _DIALOGUE.search(text) is None


def asked(text: str) -> bool:
    """Whether ``text`` is said as a question (not a statement of a problem nor a topic named
    alone): with no language model, the manual's "doesn't cover that" answers it; a statement
    it does not cover ("tell me a joke") gets "Sorry, I can't do that yet." instead."""
    text = _said(text)
    return is_question(text) or _ASKS.search(text) is not None or _INSIDE.search(text) \
        is not None


def _said_as_statement(text: str) -> bool:
    """A problem said as a statement or a topic named alone, not a command."""
    if _COMMAND.search(text) or re.match(r"^\s*(can|could|would|will) you\b", text, re.I):
        return False
    return _STATEMENT.search(text) is not None or _PROPERTY.search(text) is not None or (
        _terse(text) and not _TOGGLE.search(text))


def manual_only(text: str) -> bool:
    """Whether the manual's "doesn't cover that" is the whole answer to ``text`` when no
    section matches: a question asking for advice ("how do I ...", "what does ... mean",
    "where's ...") is never answered by a guess of the language model; directions ("how do I
    get to King's Cross") are the navigation's."""
    return manual_first(text) == "always"


_INSIDE = re.compile(
    r"\b(where('s| is| are| do| does| can| would| should)|how (do|can|should|would|does|did) "
    r"(i|we|you|one|it|they)|how (is|are) (it|that|this|they|those) (done|used|set|reset|"
    r"changed|fitted|opened|adjusted)|how to|what (do|should|must|can) (i|we) do|"
    r"which (one|side|way|button|switch|cable|lead)|(want|need|like|love|have) to (know|find out|"
    r"understand|work out)|i wonder|wondering)\b|"
    r"\b(recommended|supposed to be|specifications?|spec)\b", re.IGNORECASE)
"""A question inside a sentence that does not start like one ("I need to get to the 12 volt
battery, where is it hiding", "booster cables, which one goes on first", "I'd like to know
...", the recommended value): for the manual before the fast path, when it covers it."""

_NAVIGATION = re.compile(
    r"\bhow (do|can|would|should|did) (i|we) get (to|home|there|back)\b|\bhow to get (to|home|"
    r"there|back)\b|\b(nearest|closest|near me|nearby|around here)\b", re.IGNORECASE)
"""Directions, not the manual: "how do I get to King's Cross", "where's the nearest petrol
station" (the fast path and the navigation service; "how do I get to the battery" comes back
to the manual through `yields_to_manual`)."""

_FOR_A_SITUATION = re.compile(
    r"^(?!\s*(what|how|is|are)\b)[^,]*\b(we|i|you|they|it)('re| are| am|'m| is|'s|'ve| have| "
    r"got)\b.*,\s*(what|which|how much|how many|how hard|how far|how fast)\b.*\bthen\s*[?.!]*\s*$",
    re.IGNORECASE)
"""A value asked for a situation said before it ("we're five in the car with a full boot,
what tyre pressure then"): what it should be then, the manual's, never a reading of the car."""

_COMMAND = re.compile(
    r"^\s*(please |now |ok |okay )?(play|put on|call|ring|phone|dial|text|message|navigate|take "
    r"me|drive|go to|search|find me|show me the way|open|close|shut|turn|switch|set|start|stop|"
    r"adjust|fold|unfold|move|recline|lock|unlock|raise|lower|drop|pop|increase|decrease|make|"
    r"defrost|demist|talk|and|no|not|but|don'?t|do not|cancel)\b", re.IGNORECASE)
"""Sentences that start as a command (or a follow-up: "and the passenger one"): for the tools."""

_TOGGLE = re.compile(r"\b(on|off|up|down|in|out)( please)?\s*[.!]*\s*$", re.IGNORECASE)
"""A terse command ("central locking on", "windscreen heater on")."""

_STATEMENT = re.compile(
    r"\b(lights?|lamps?|symbols?|warnings?|signs?|icons?|pictures?|gauges?|needles?|messages?)\b"
    r".{0,40}\b(on|showing|shows|showed( up)?|lit( up)?|flashing|flickering|blinking|glowing|"
    r"came (on|up)|comes? on|popped up|appeared|stays? on|won'?t (go (off|out)|turn off|clear)|"
    r"(is|are|turned|went|has gone|goes) (red|orange|amber|yellow|green|blue|white)|"
    r"(while|whilst|when) (driving|braking|cornering|starting|reversing|parking|parked))\b|"
    r"\b(battery|fob|key|tyre|tire|phone)s? (has |have )?(died|gone flat|went flat)\b|"
    r"\b(keeps?|kept) (beeping|chiming|pinging|bonging|dinging|flashing|flickering|coming on|"
    r"going off|cutting out|stalling)\b|"
    r"\b(won'?t|doesn'?t|does not|isn'?t|is not|aren'?t|not|can'?t|cannot|stopped) "
    r"(work(ing)?|start(ing)?|connect(ing)?|pair(ing)?|open(ing)?|clos(e|ing)|lock(ing)?|"
    r"unlock(ing)?|releas(e|ing)|let go|fold(ing)?|charg(e|ing)|go (off|out|away)|turn off|"
    r"clear|show(ing)? up|see( out)?|find)\b|"
    r"\b(feels?|is|are|got|gone|went|keeps?|it'?s)( all| really| very| a bit| so| too)? (stiff|"
    r"heavy|spongy|soft|noisy|overheating|smoking|steaming|juddering|shaking|misty|foggy|"
    r"fogged|misted|frosted|frozen|iced|dead|flat|stuck|jammed|streaky|smeary|smearing|squeaking|"
    r"leaking|eager)\b|"
    r"\b(on|up on|onto) (the |my )?(dash|dashboard|display|screen|cluster|instruments?)\b|"
    r"\b(dash|dashboard|display|screen|cluster)( is)? (shows|showing|says|saying)\b|"
    r"^\s*(there'?s|there is|i('ve| have)? got|got|i see|i can see)\b.*\b(light|lamp|symbol|"
    r"warning|noise|smell|sign|icon|message|steam|smoke|leak)\b|"
    r",\s*(why|how|where|what'?s?|which|who|when|is it|can (i|we|it|the|my)|should i|will|"
    r"would|does|do|is|are|any(thing)?|tell me)\b|"
    # a symbol described, not named ("little snowflake showed up", "a needle in the red")
    r"\b(symbols?|icons?|pictures?|chimes?|needles?|exclamation marks?|(warning|dash) lights?)\b|"
    r"\b(showed|shows|showing|popped|popping|pops) up\b|\bin the red\b|"
    r"^(?!\s*(what|how|is|are|which|where)\b).*\bshowing\s*[.!]*$|"
    r"^\s*(an? |the |my )?(little |small |big )?(red|orange|amber|yellow|green|blue|white) "
    r"[\w-]+( [\w-]+)? (next to|beside|by|on|with|in|while|when)\b|"
    # what the car does by itself, or when the driver does something ("the doors lock on their
    # own when I drive off", "the window went back down when I tried to close it")
    r"\b(on (its|their) own|by (itself|themselves))\b|"
    r"^\s*(the |my )?[\w-]+( [\w-]+)? (\w+ ){0,5}(when|whenever|once|every time|each time) "
    r"(i|we)\b|"
    r"\b\w+ (keeps?|kept) (on )?\w+ing\b|\b(broken|broke) down\b|\bwon'?t turn over\b|"
    r"\blos(ing|t|es) (air|pressure|power)\b|\b(is|are) (too|really|very) (slow|weak)\b|"
    # a doubt said, not asked ("I worry you're listening", "I'm not sure how the ... works")
    r"^\s*i('m| am)? (worry|worried|concerned|not sure|unsure|confused|don'?t understand)\b",
    re.IGNORECASE)
"""A problem said as a statement: a light that came on, a part that won't work, a noise, a
feel ("the steering feels really stiff"), a question tagged on ("the car holds itself at the
lights, why", "..., who do I ring", "..., anything I should do"), a symbol described rather
than named ("little snowflake showed up", "needle in the red"), what the car does by itself or
when the driver does something ("the doors lock on their own when I drive off")."""

_WORD = re.compile(r"[\w'-]+")

_PROPERTY = re.compile(
    r"^\s*(the |my |a )?([\w-]+ ){0,3}(limit|capacity|location|height|weight|size|type|"
    r"grade|pressure|torque|intervals?|range|colou?r|figures?|numbers?|steps|psi|kpa|width|"
    r"length|points?|spec)s? (with|for|on|of|"
    r"in|when|at)\b", re.IGNORECASE)
"""A property named with its condition ("speed limit on the temporary spare", "towing limit
with a braked trailer")."""


def _terse(text: str) -> bool:
    """A topic named alone, in four words or fewer, with no number ("seat memory", "wiper
    speed", "child lock"): a question when the manual covers it (a command names what to
    do, and the fast path has taken it by then)."""
    words = _WORD.findall(text)
    return 0 < len(words) <= 4 and not any(
        w[0].isdigit() or w.lower() in _NOT_NOUNS for w in words)


_NOT_NOUNS = frozenset({"is", "are", "am", "was", "were", "be", "me", "i", "i'm", "im", "you",
                        "it's", "feel", "feels", "tell", "joke", "please"})
"""Words that make four words a sentence or a request, not a topic ("the window is open",
"tell me a joke")."""


def manual_first(text: str) -> First:
    """Whether the manual hears ``text`` before the fast path: "always" for a question asking
    for advice ("how do I ...", "where's the spare"), "if_covered" for a question inside a
    sentence ("..., where is it hiding"), "no" otherwise; directions ("how do I get to King's
    Cross") and commands are never taken from the fast path here."""
    text = _said(text)
    if _NAVIGATION.search(text) or _COMMAND.search(text) or _DIALOGUE.search(text):
        return "no"
    if asks_for_advice(text) or _FOR_A_SITUATION.search(text):
        return "always"
    if _INSIDE.search(text) and not reads_the_car(text):
        return "if_covered"
    return "no"


def yields_to_manual(text: str, calls: Sequence[tuple[str, Mapping[str, object]]], *,
                     gave_up: bool = False) -> str:
    """The text to check against the manual when the fast path read ``text`` (a question for
    the manual: ``for_the_manual``) only through free-text arguments ("how do I get to the 12
    volt battery" -> a destination), or ``gave_up`` on it (no call, no question back, no
    refusal: "tyre light came on after a cold night" -> "say the value you want"): the manual
    answers it when it covers both that text and the sentence. "": the fast path's plan
    stands."""
    if not for_the_manual(text):
        return ""
    if gave_up and not calls:  # a problem said, not a topic alone ("I'm cold": the model's)
        said = _said(text)
        return text if _STATEMENT.search(said) or _INSIDE.search(said) else ""
    values: list[str] = []
    for tool, args in calls:
        value = args.get(FREE_TEXT.get(tool, ""))
        if not isinstance(value, str):
            return ""
        values.append(value)
    return " ".join(values)
