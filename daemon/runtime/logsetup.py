"""Logging set-up for the CLI and the service.

Under systemd (``--journal``, or stderr connected to the journal) each line starts with the
syslog priority in angle brackets (``<3>``), which journald turns into the entry's priority,
and has no timestamp of its own (the journal adds one); see daemon/runtime/service.py. Events are
logged one per line, ``turn=N event=TYPE key=value`` (daemon/retention/privacy.py `format_event`),
so
``journalctl -u cabin | grep event=tool_call`` works. Without ``--debug`` no logger may write
the driver's words, also at ``logging.level: DEBUG`` (third-party loggers that would are held at
INFO; Cabin's own lines go through `vehicle_tools.redact`).
"""

from __future__ import annotations

import logging
import sys

from daemon.runtime.service import JournalFormatter, under_journald


def setup_logging(level: str, debug: bool, *, journal: bool = False) -> None:
    """Configure the root logger on stderr at `level` (DEBUG with `debug`)."""
    handler = logging.StreamHandler(sys.stderr)
    if journal or under_journald():
        handler.setFormatter(JournalFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else getattr(logging, level))
    if not debug:  # one line per utterance from faster-whisper is noise at INFO
        logging.getLogger("faster_whisper").setLevel(logging.WARNING)
        # Piper logs every sentence it speaks (with its phonemes) at DEBUG: the driver's
        # destinations and contacts are in the replies (docs/privacy.md).
        logging.getLogger("piper").setLevel(logging.INFO)
