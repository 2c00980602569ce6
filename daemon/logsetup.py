"""Logging set-up for the CLI and the service.

Under systemd (``--journal``, or ``$JOURNAL_STREAM`` set) each line starts with the syslog
priority in angle brackets (``<3>``), which journald turns into the entry's priority, and has no
timestamp of its own (the journal adds one). Events are logged one per line, ``key=value``
(daemon/journal.py), so ``journalctl -u cabin | grep event=tool_call`` works.
"""

from __future__ import annotations

import logging
import os
import sys

_PRIORITY = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
             logging.CRITICAL: 2}


class JournalFormatter(logging.Formatter):
    """``<priority>logger: message`` (journald's syslog-prefix convention)."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one journald line (newlines in messages are kept as \\n)."""
        text = super().format(record).replace("\n", "\\n")
        return f"<{_PRIORITY.get(record.levelno, 6)}>{record.name}: {text}"


def setup_logging(level: str, debug: bool, *, journal: bool = False) -> None:
    """Configure the root logger on stderr at `level` (DEBUG with `debug`)."""
    handler = logging.StreamHandler(sys.stderr)
    if journal or os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else getattr(logging, level))
    if not debug:  # one line per utterance from faster-whisper is noise at INFO
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)
