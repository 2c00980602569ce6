"""Which recordings a fleet replay takes, and where each one's event log goes.

Every WAV named or found under a named directory (recursively, sorted) is one input. Its log is
OUT/<relative path>.jsonl, relative to the deepest directory holding every input: one folder
gives OUT/<stem>.jsonl; inputs from several folders mirror their relative paths under OUT, so
same-named files (snr10/cmd_01.wav, snr20/cmd_01.wav) never share a log.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from daemon.errors import CabinError

_LOG = logging.getLogger(__name__)
LOG_SUFFIX = ".jsonl"
TMP_SUFFIX = ".tmp"
"""A log being written is OUT/<key>.jsonl.<pid>.tmp until it is complete and renamed."""


@dataclass(frozen=True)
class FleetInput:
    """One recording of a fleet run.

    Attributes:
        key: its log's path under OUT without the suffix, POSIX style (``snr10/cmd_01``).
        wav: the recording, absolute.
    """

    key: str
    wav: Path

    def log_path(self, out_dir: Path) -> Path:
        """Where its event log goes under `out_dir`."""
        return out_dir / (self.key + LOG_SUFFIX)


def _wavs_under(directory: Path) -> list[Path]:
    return sorted(p for p in directory.rglob("*")
                  if p.suffix.lower() == ".wav" and p.is_file())


def discover(paths: Sequence[Path]) -> list[FleetInput]:
    """Every input WAV of `paths` (files, and directories searched recursively), each once.

    Raises:
        CabinError: a path does not exist, or no WAV was found (``audio_missing``).
    """
    found: list[Path] = []
    roots: list[Path] = []
    for given in paths:
        path = given.resolve()
        if path.is_dir():
            roots.append(path)
            found.extend(_wavs_under(path))
        elif path.is_file():
            roots.append(path.parent)
            found.append(path)
        else:
            raise CabinError(f"{given}: no such file or directory", code="audio_missing",
                             fix="name WAV files or directories holding them")
    wavs = list(dict.fromkeys(found))  # a file named twice (or under two roots) once
    if not wavs:
        raise CabinError(f"no .wav files in {', '.join(map(str, paths))}", code="audio_missing",
                         fix="name WAV files or directories holding them")
    base = Path(os.path.commonpath([*roots, *(w.parent for w in wavs)]))
    return [FleetInput(w.relative_to(base).with_suffix("").as_posix(), w) for w in wavs]


def log_is_complete(path: Path) -> bool:
    """Whether `path` is the log of a replay that ran to its end.

    Logs are only ever written whole (temp file, then rename), so one that exists is complete;
    it is a replay's when its first event is ``ready`` (a file that failed has a one-line log
    with its ``error`` instead, and is tried again by ``--resume``).
    """
    try:
        with path.open("rb") as fh:
            first = json.loads(fh.readline())
    except (OSError, ValueError):  # unreadable, or not JSON (json.JSONDecodeError)
        return False
    return isinstance(first, dict) and first.get("type") == "ready"


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` whole or not at all (a temp file beside it, then renamed).

    Raises:
        OSError: the directory cannot be created or written.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}{TMP_SUFFIX}")
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def remove_stale_temps(out_dir: Path, inputs: Iterable[FleetInput]) -> int:
    """Delete temp files a killed run left beside the inputs' logs; returns how many."""
    removed = 0
    for item in inputs:
        log = item.log_path(out_dir)
        if not log.parent.is_dir():
            continue
        for tmp in log.parent.glob(f"{log.name}.*{TMP_SUFFIX}"):
            tmp.unlink(missing_ok=True)
            removed += 1
    if removed:
        _LOG.info("removed %d unfinished log(s) of an earlier run", removed)
    return removed
