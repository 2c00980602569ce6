"""Keep the cabin's echo path across restarts (``frontend.echo_path_file``).

At start-up `restore_echo_path` primes the front end's echo canceller with the stored path, so
the first reply of a drive is cancelled as well as the hundredth (docs/frontend.md: 34 dB over
the first 19 s instead of 16 in the car-like room). At shutdown `keep_echo_path` stores what
this run learned. Neither ever stops the daemon: a missing, corrupt or unwritable file is
logged with its cause and fix, and the canceller starts cold.
"""

from __future__ import annotations

import logging
from pathlib import Path

from daemon.audio.echo_path import MIN_FIT_DB, EchoPathError, load_echo_path, save_echo_path
from daemon.audio.frontend import RATE_HZ, FrontEnd

_LOG = logging.getLogger(__name__)


def restore_echo_path(frontend: FrontEnd, file: Path | None) -> bool:
    """Prime `frontend` with the echo path stored in `file`; True when it was primed."""
    if file is None or frontend.settings.aec == "none":
        return False
    if not file.is_file():
        _LOG.info("no stored echo path at %s yet: the echo canceller starts cold and learns "
                  "it while the assistant speaks", file)
        return False
    try:
        path = load_echo_path(file, rate_hz=RATE_HZ, max_taps=frontend.tail_samples)
    except EchoPathError as exc:
        _LOG.warning("%s; the echo canceller starts cold (fix: %s)", exc.message, exc.fix)
        return False
    frontend.prime(path)
    _LOG.info("echo canceller primed with the echo path stored in %s (%d taps, learned from "
              "%.0f s of playback, fit %.1f dB)", file, len(path.taps), path.seconds,
              path.fit_db)
    return True


def keep_echo_path(frontend: FrontEnd, file: Path | None) -> bool:
    """Store the echo path `frontend` learned in this run; True when it was written.

    Nothing is written before the assistant has spoken for a few seconds, or when the estimate
    explains too little of the microphone (`MIN_FIT_DB`: no speaker, a muted microphone), so a
    silent run never replaces a good stored path.
    """
    if file is None:
        return False
    path = frontend.echo_path()
    if path is None:
        _LOG.info("echo path not stored: too little playback in this run to learn it")
        return False
    if path.fit_db < MIN_FIT_DB:
        _LOG.warning("echo path not stored: it explains only %.1f dB of the microphone (under "
                     "%.0f dB: is the speaker connected, the reference delay right?)",
                     path.fit_db, MIN_FIT_DB)
        return False
    try:
        save_echo_path(file, path)
    except OSError as exc:
        _LOG.warning("cannot store the echo path in %s: %s (fix: make the directory writable "
                     "for the daemon, or set frontend.echo_path_file to null)", file, exc)
        return False
    _LOG.info("echo path stored in %s (learned from %.0f s of playback, fit %.1f dB)", file,
              path.seconds, path.fit_db)
    return True
