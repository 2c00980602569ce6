"""Capture every log record (DEBUG and up, every logger) as the lines a journal would hold, and
find the driver's words in them."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

SPOKEN_FREE_TEXT = ("Baker Street", "Bob Smith", "Superstition", "Stevie Wonder")
"""What the sessions of tests/trust/test_private_logs.py say (a destination, a contact, a search)
or the simulated services report back (the track playing, its artist)."""
SESSION = ("navigate to Baker Street", "call Bob Smith", "play Superstition")
"""A navigation, a call and a media search, as the driver says them."""


def leaks(lines: Iterable[str], words: Iterable[str] = SPOKEN_FREE_TEXT) -> list[str]:
    """The lines holding any word of `words` (each word of each phrase, case-insensitive)."""
    found = {w.lower() for phrase in words for w in phrase.split()} - {"street"}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(found))) + r")\b", re.I)
    return [line for line in lines if pattern.search(line)]


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))  # with any traceback


@contextmanager
def every_log_line() -> Iterator[list[str]]:
    """Every record logged inside the block, formatted; every logger is opened to DEBUG."""
    handler = _Lines()
    root = logging.getLogger()
    old_root = root.level
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    old = {lg.name: lg.level for lg in loggers}
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for lg in loggers:
        lg.setLevel(logging.NOTSET)
    try:
        yield handler.lines
    finally:
        root.removeHandler(handler)
        root.setLevel(old_root)
        for lg in loggers:
            lg.setLevel(old[lg.name])
