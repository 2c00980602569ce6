"""Events as log lines for journald: one line per event, key=value, with the turn id.

What the driver said and what the assistant answered are personal: transcript and reply text,
what was heard of an interrupted reply, and free-text tool arguments (a destination, a contact)
are replaced by their length unless `PrivacyConfig.log_text` (or ``--debug``) allows them.
"""

from __future__ import annotations

import json
import logging

from daemon import events as ev

_LOG = logging.getLogger("cabin.events")

_PERSONAL = {"text", "heard_text", "args", "state"}
"""Event fields that can carry what somebody said (strings in them are redacted)."""
_LEVELS = {"error": logging.WARNING}


def _redact(value: object) -> object:
    if isinstance(value, str):
        return f"<{len(value)} chars>"
    if isinstance(value, dict):
        return {k: _redact(v) if isinstance(v, str) else v for k, v in value.items()}
    return value


def format_event(event: ev.Event, *, log_text: bool) -> str:
    """``event=<type> turn=<n> t_ms=<ms> key=value ...`` with values as compact JSON."""
    body = event.to_dict()
    kind = body.pop("type")
    parts = [f"event={kind}", f"turn={body.pop('turn')}", f"t_ms={body.pop('t_ms')}"]
    for key, raw in body.items():
        # numbers stay: 21 degrees is not personal, a street name is
        value = _redact(raw) if not log_text and key in _PERSONAL else raw
        parts.append(f"{key}={json.dumps(value, ensure_ascii=False, separators=(',', ':'))}")
    return " ".join(parts)


class JournalWriter:
    """An `EventLog` subscriber writing each event as one log line.

    Args:
        log_text: include what was said (off by default: privacy).
    """

    def __init__(self, *, log_text: bool) -> None:
        self.log_text = log_text

    def __call__(self, event: ev.Event) -> None:
        _LOG.log(_LEVELS.get(event.type, logging.INFO), "%s",
                 format_event(event, log_text=self.log_text))
