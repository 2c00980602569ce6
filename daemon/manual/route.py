"""Which sentences are questions for the manual. Pure.

A question about the car ("how do I pair my phone", "what does the ABS light mean", "what
should my tyre pressure be") goes to the manual; a command goes to the tools; a question for
a live reading ("what's my tyre pressure", "are the doors locked", "how much fuel do I have")
stays with the vehicle tool: the fast path answers most of those before the manual is asked,
and `reads_the_car` keeps the rest away from it.
"""

from __future__ import annotations

import re

from daemon.understanding.model_calls import asks_for_advice, is_question

_READING = re.compile(
    r"^\s*(what's|whats|what is|what are|how's|hows|how is|how are)\s+(my|our|the current)\b"
    r"(?!.*\b(should|supposed|recommended|mean|means)\b)|"
    r"^\s*(is|are)\s+(the|my|all|any)\b.*\b(open|closed|shut|on|off|locked|unlocked|"
    r"running|up|down|full|empty|low|flat|ok|okay|fine)\s*\??\s*$|"
    r"\bhow much\b(?!.*\b(when|if|after|should)\b).*\b(have|left|remaining)\b|"
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
    r"help(ing)?) me\b|^\s*it says\b|"
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
    asks = is_question(text) or _ASKS.search(text) is not None
    return asks and not reads_the_car(text) and _DIALOGUE.search(text) is None


def manual_only(text: str) -> bool:
    """Whether the manual's "doesn't cover that" is the whole answer to ``text`` when no
    section matches: a question asking for advice ("how do I ...", "what does ... mean",
    "where's ...") is never answered by a guess of the language model."""
    return asks_for_advice(_said(text))
