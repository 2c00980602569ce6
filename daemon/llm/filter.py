"""The output filter: what the agent says passes here before text-to-speech.

Streaming text is split into sentences (`SentenceSplitter`); every sentence goes through
`ReplyFilter`, which drops sentences with profanity or unsafe driving advice, removes markup a
voice cannot read (markdown, URLs, emoji), and stops the answer at a sentence boundary once it
would exceed the configured length (the first sentence alone is cut at a word boundary).

Pure, no I/O.
"""

from __future__ import annotations

import re

PROFANITY = frozenset((
    "fuck", "fucking", "fucked", "fucker", "motherfucker", "shit", "shitty", "bullshit",
    "bitch", "bastard", "asshole", "arsehole", "cunt", "dick", "dickhead", "piss", "pissed",
    "slut", "whore", "wanker", "twat", "prick", "cock", "bollocks", "damn", "goddamn", "crap",
    "retard", "retarded",
))
"""Words that make a sentence unfit to speak (whole words, lower case)."""

UNSAFE = (
    r"\b(disable|turn off|switch off|deactivate|remove)\b.{0,30}\b(airbags?|abs|seat ?belts?|"
    r"brakes?|traction control|stability control|lane assist)\b",
    r"\b(ignore|exceed|break|beat)\b.{0,20}\b(speed limits?|red lights?|traffic lights?)\b",
    r"\b(run|jump)\b.{0,10}\b(red lights?)\b",
    r"\b(drink|drunk|drinking|high)\b.{0,20}\b(and|while|then)\b.{0,10}\b(drive|driving)\b",
    r"\bhands? off the (steering )?wheel\b",
    r"\b(close|shut) your eyes\b",
    r"\b(bombs?|explosives?|weapons?|guns?|poison|kill (yourself|someone|somebody))\b",
    r"\b(suicide|self harm|hurt yourself)\b",
)
"""Patterns of sentences that must never be spoken in a moving car."""

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"')\]]?\s+")
_MARKUP = re.compile(r"https?://\S+|[*_#`~>|]+|\[(.*?)\]\(.*?\)")
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F]")
REPLACEMENT = "Sorry, I can't say that."
"""Said when every sentence of an answer was dropped."""


def is_unfit(sentence: str) -> bool:
    """Whether `sentence` contains profanity or unsafe content."""
    lower = sentence.lower()
    if any(w in PROFANITY for w in re.findall(r"[a-z]+", lower)):
        return True
    return any(re.search(p, lower) for p in UNSAFE)


def speakable(sentence: str) -> str:
    """`sentence` without markup, URLs and emoji, whitespace collapsed."""
    text = _MARKUP.sub(lambda m: m.group(1) or " ", sentence)
    text = _EMOJI.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip()


class SentenceSplitter:
    """Cuts a growing text into complete sentences.

    `feed(text_so_far)` returns the sentences completed since the last call (a sentence is
    complete when its end mark is followed by a space); `flush()` returns the rest.
    """

    def __init__(self) -> None:
        self._done = 0

    def feed(self, text: str) -> list[str]:
        """New complete sentences of `text` (the whole text so far)."""
        out = []
        for match in _SENTENCE_END.finditer(text, self._done):
            piece = text[self._done:match.start()].strip()
            self._done = match.end()
            if piece:
                out.append(piece)
        return out

    def flush(self, text: str) -> list[str]:
        """The final, possibly unterminated, sentence of `text`."""
        out = self.feed(text)
        rest = text[self._done:].strip()
        self._done = len(text)
        return [*out, rest] if rest else out


class ReplyFilter:
    """Filters the sentences of one answer; see the module docstring.

    Args:
        max_chars: the longest answer, characters.
    """

    def __init__(self, max_chars: int) -> None:
        self.max_chars = max_chars
        self.spoken: list[str] = []
        self.full = False
        """True once the length limit was reached: the rest of the answer is dropped."""
        self.dropped = 0
        """Sentences dropped as unfit."""

    @property
    def text(self) -> str:
        """Everything passed so far."""
        return " ".join(self.spoken)

    def _room(self) -> int:
        used = len(self.text)
        return self.max_chars - used - (1 if used else 0)

    def accept(self, sentence: str) -> str | None:
        """The sentence as it may be spoken, or None when it must not be."""
        if self.full:
            return None
        clean = speakable(sentence)
        if not clean or is_unfit(clean):
            self.dropped += bool(clean)
            return None
        if len(clean) > self._room():
            self.full = True
            if self.spoken:
                return None
            clean = clean[:self._room()].rsplit(" ", 1)[0].rstrip(",;:-") + "."
        self.spoken.append(clean)
        return clean


def filter_text(text: str, max_chars: int) -> str:
    """A whole answer filtered (non-streaming use: cloud answers, tests)."""
    reply = ReplyFilter(max_chars)
    splitter = SentenceSplitter()
    for sentence in splitter.flush(text):
        reply.accept(sentence)
    return reply.text or REPLACEMENT
