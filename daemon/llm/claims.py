"""The model never claims an action it did not take.

A language model's spoken answer (``say``, local or cloud) comes with no tool call: nothing was
sent to the car, a phone or a player. A sentence of it that states an action anyway ("Playing
Bohemian Rhapsody.", "I've turned on the A/C.", "Calling Mom.", "Done!", "The doors are now
unlocked.") would tell the driver something happened that did not; `ClaimGuard` replaces it
with `HONEST` and drops the rest of the answer. The calls a model does choose are run by the
dispatcher, whose own reply says what the car reported: those never pass here.

Pure, no I/O, no state beyond one answer's `ClaimGuard`.
"""

from __future__ import annotations

import re

from daemon.llm.filter import speakable

HONEST = "Sorry, I can't do that."
"""Said instead of a sentence that claims an action no tool call backs."""

_ACTION_GERUNDS = (
    "playing", "resuming", "pausing", "stopping", "skipping", "shuffling", "queueing", "queuing",
    "opening", "closing", "raising", "lowering", "rolling", "locking", "unlocking",
    "calling", "dialing", "dialling", "ringing", "texting", "messaging", "sending",
    "setting", "turning", "switching", "adjusting", "increasing", "decreasing", "reducing",
    "changing", "activating", "deactivating", "enabling", "disabling", "muting", "unmuting",
    "starting", "navigating", "routing", "heading", "taking you", "finding", "searching",
    "warming", "cooling", "heating", "defrosting", "dimming", "tuning", "putting", "booking",
)
"""Gerunds that open a sentence announcing an action ("Playing ...", "Calling Mom now.")."""

_PAST = (
    "turned", "switched", "set", "opened", "closed", "started", "stopped", "called", "dialed",
    "dialled", "played", "paused", "resumed", "skipped", "locked", "unlocked", "raised",
    "lowered", "rolled", "adjusted", "increased", "decreased", "reduced", "changed", "sent",
    "put", "activated", "deactivated", "enabled", "disabled", "muted", "unmuted", "navigated",
    "routed", "found", "booked", "scheduled", "queued", "added", "cranked", "dimmed", "tuned",
)
"""Past participles of actions ("I've turned on ...", "has been set to ...")."""

_VERBS = (
    "turn", "switch", "set", "open", "close", "start", "stop", "call", "dial", "play", "pause",
    "resume", "skip", "lock", "unlock", "raise", "lower", "roll", "adjust", "increase",
    "decrease", "reduce", "change", "send", "put", "activate", "deactivate", "enable",
    "disable", "mute", "unmute", "navigate", "route", "find", "book", "queue", "take",
    "crank", "dim", "tune", "text", "message", "ring",
)
"""Base forms of actions ("I'll play ...", "Let me open ...")."""

_STATES = (
    "on", "off", "open", "opened", "closed", "shut", "locked", "unlocked", "playing", "paused",
    "set", "started", "stopped", "muted", "unmuted", "activated", "enabled", "disabled",
    "calling", "ringing", "up", "down",
)
"""States an action leaves something in ("The doors are now unlocked.")."""

_FINITE = frozenset((
    "is", "are", "was", "were", "can", "could", "will", "would", "may", "might", "should",
    "must", "does", "do", "did", "has", "have", "had", "helps", "makes", "uses", "wastes",
    "increases", "reduces", "saves", "takes", "costs", "means", "requires", "keeps", "gives",
    "lets", "causes", "improves", "depends", "works", "affects", "drains", "needs", "adds",
))
"""A finite verb after an opening gerund makes it a subject, not an announcement: "Opening
the windows at speed increases drag." states a fact, it does not open anything."""


def _words(options: tuple[str, ...]) -> str:
    return "|".join(re.escape(o).replace(r"\ ", r"\s+") for o in options)


_LEAD = re.compile(r"^(?:(?:okay|ok|sure|alright|all\s+right|got\s+it|no\s+problem|certainly|"
                   r"of\s+course|absolutely|right|great|perfect|yes|yeah|so|then|and)\b"
                   r"[\s,!.:;-]*)+", re.I)
_GERUND = re.compile(rf"^(?:now\s+|i\s*['’]m\s+|i\s+am\s+|we\s*['’]re\s+|we\s+are\s+)?"
                     rf"(?:{_words(_ACTION_GERUNDS)})\b", re.I)
_DONE = re.compile(r"^(?:all\s+)?done\b(?!\s+(?:with|by|for|in)\b)|^(?:you(?:['’]re|\s+are)\s+)?"
                   r"all\s+set\b|^(?:there|here)\s+you\s+go\b|^consider\s+it\s+done\b|"
                   r"^(?:it|that)(?:['’]s|\s+is)\s+done\b", re.I)
_AUX = r"(?:\s*['’]ve|\s+have|\s*['’]ll|\s+will|\s*['’]m\s+going\s+to|\s+am\s+going\s+to)"
_FIRST_PERSON = re.compile(
    rf"^(?:i|we){_AUX}?\s+(?:just\s+|now\s+|already\s+|also\s+|gone\s+ahead\s+and\s+)?"
    rf"(?:{_words(_PAST)})\b|"
    rf"^(?:i|we){_AUX}\s+(?:now\s+|also\s+|go\s+ahead\s+and\s+)?(?:{_words(_VERBS)})\b|"
    rf"^let\s+me\s+(?:{_words(_VERBS)})\b", re.I)
_PASSIVE = re.compile(
    rf"\b(?:is|are)\s+now\s+(?:{_words(_STATES)})\b|"
    rf"\b(?:has|have)\s+(?:now\s+)?been\s+(?:successfully\s+)?(?:{_words(_PAST)})\b|"
    rf"\bsuccessfully\s+(?:{_words(_PAST)})\b|"
    rf"^(?:[\w/'-]+\s+){{1,3}}(?:turned|switched)\s+(?:on|off)\s*[.!]?$", re.I)


def claims_action(sentence: str) -> bool:
    """Whether `sentence` tells the driver an action was (or is being) taken.

    "Playing Bohemian Rhapsody.", "Okay, calling Mom.", "Done!", "I've turned on the A/C.",
    "I'll open the window.", "The doors are now unlocked." -> True; questions ("Shall I play
    something?"), refusals ("I can't open the sunroof.") and facts ("Opening the windows
    increases drag.") -> False.
    """
    text = speakable(sentence).strip()
    if not text or text.endswith("?"):
        return False
    rest = _LEAD.sub("", text).strip()
    if not rest:
        return False
    if _GERUND.search(rest):
        words = re.findall(r"[a-z']+", rest.lower())
        return not any(w in _FINITE for w in words[1:])
    return bool(_DONE.search(rest) or _FIRST_PERSON.search(rest) or _PASSIVE.search(rest))


class ClaimGuard:
    """The sentences of one spoken answer, checked in order: the first that claims an action
    becomes `HONEST`; everything after it is dropped (it would build on the claim)."""

    def __init__(self) -> None:
        self.caught = False
        """True once a claim was replaced: the rest of the answer is not spoken."""

    def check(self, sentence: str) -> str | None:
        """`sentence` as it may be spoken, `HONEST` in place of a claim, None after one."""
        if self.caught:
            return None
        if claims_action(sentence):
            self.caught = True
            return HONEST
        return sentence
