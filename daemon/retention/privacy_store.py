"""The debug recordings on disk: naming, statistics, retention sweep and purge.

A recording is a directory named ``YYYYmmddTHHMMSSZ-turnN`` (optionally ``-K`` when two share a
second) directly inside ``privacy.recording_dir``. Only entries named like that are ever counted
or deleted, so a mistyped ``recording_dir`` (``/var/lib/cabin``, a home directory) loses nothing
else. Age comes from the name (the wall clock when the turn started); a recording dated more
than `FUTURE_SLACK` in the future was made with a wrong clock and counts as expired: when in
doubt, the privacy promise wins.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from daemon.errors import CabinError
from daemon.runtime_config import PrivacyConfig

_LOG = logging.getLogger(__name__)

_NAME = re.compile(r"^(\d{8}T\d{6}Z)-turn(\d+)(?:-\d+)?$")
_STAMP = "%Y%m%dT%H%M%SZ"
FUTURE_SLACK = timedelta(days=1)
"""How far in the future a recording's date may be before it counts as expired."""


class PurgeError(CabinError):
    """Recordings could not be listed or deleted."""

    code = "purge_failed"


def recording_name(started: datetime, turn: int) -> str:
    """The directory name of turn `turn` started at `started` (converted to UTC)."""
    return f"{started.astimezone(UTC).strftime(_STAMP)}-turn{turn}"


def recording_time(name: str) -> datetime | None:
    """When the recording called `name` started (UTC); None if `name` is not a recording."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    except ValueError:  # 20251399T...: shaped like one, but no date
        return None


@dataclass(frozen=True)
class Recording:
    """One recording directory and when it started (UTC)."""

    path: Path
    started: datetime


@dataclass(frozen=True)
class RecordingStats:
    """What is kept: `count` recordings, `bytes` in total, the oldest and newest start."""

    count: int
    bytes: int
    oldest: datetime | None
    newest: datetime | None


def list_recordings(directory: Path) -> list[Recording]:
    """The recordings in `directory`, oldest first; [] when it does not exist.

    Raises OSError when `directory` exists but cannot be read.
    """
    try:
        entries = list(os.scandir(directory))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        started = recording_time(entry.name)
        if started is not None and entry.is_dir(follow_symlinks=False):
            found.append(Recording(Path(entry.path), started))
    return sorted(found, key=lambda r: (r.started, r.path.name))


def _size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):  # deleted meanwhile
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def stats(directory: Path) -> RecordingStats:
    """Count, total size (bytes) and date range of the recordings in `directory`."""
    recs = list_recordings(directory)
    return RecordingStats(len(recs), sum(_size(r.path) for r in recs),
                          recs[0].started if recs else None, recs[-1].started if recs else None)


def _delete(recs: list[Recording]) -> tuple[int, list[str]]:
    """Delete `recs`; (how many went, the errors for those that did not)."""
    deleted, errors = 0, []
    for rec in recs:
        try:
            shutil.rmtree(rec.path)
        except OSError as exc:
            errors.append(f"{rec.path}: {exc.strerror or exc}")
            continue
        deleted += 1
    return deleted, errors


def expired(recs: list[Recording], retention_days: float, now: datetime,
            max_bytes: int | None = None) -> list[Recording]:
    """Which of `recs` (oldest first) go: older than the retention period, dated in the
    future, and then the oldest until the rest fit in `max_bytes` (None: no size limit)."""
    cutoff = now - timedelta(days=retention_days)
    going = [r for r in recs if r.started < cutoff or r.started > now + FUTURE_SLACK]
    if max_bytes is not None:
        kept = [(r, _size(r.path)) for r in recs if r not in going]
        total = sum(size for _, size in kept)
        for rec, size in kept:
            if total <= max_bytes:
                break
            going.append(rec)
            total -= size
    return going


def sweep(directory: Path, retention_days: float, now: datetime, *,
          max_bytes: int | None = None) -> int:
    """Delete the recordings in `directory` that `expired` selects; how many were deleted.

    Never raises for a single recording (logged at WARNING); OSError if `directory` itself
    cannot be read.
    """
    going = expired(list_recordings(directory), retention_days, now, max_bytes)
    deleted, errors = _delete(going)
    for error in errors:
        _LOG.warning("retention: cannot delete recording %s", error)
    if deleted:
        _LOG.info("retention: deleted %d debug recording(s) from %s", deleted, directory)
    return deleted


def purge(directory: Path) -> int:
    """Delete every recording in `directory` now; how many. `PurgeError` if any remains."""
    try:
        recs = list_recordings(directory)
    except OSError as exc:
        raise PurgeError(f"cannot read {directory}: {exc.strerror or exc}",
                         fix="run as the cabin user (sudo -u cabin cabin privacy purge) "
                             "or as root") from exc
    deleted, errors = _delete(recs)
    if errors:
        raise PurgeError(f"deleted {deleted}, but {len(errors)} recording(s) remain: "
                         + "; ".join(errors[:3]),
                         fix="run as the cabin user (sudo -u cabin cabin privacy purge) "
                             "or as root")
    return deleted


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def retention_task(config: PrivacyConfig, *, clock: Callable[[], datetime] = _utc_now,
                         sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """Sweep ``config.recording_dir`` now and every ``config.sweep_interval_s`` (a named task).

    Runs whether or not recording is on, so turning recording off still lets old recordings
    expire. A failed sweep is logged (WARNING, once until one succeeds) and retried later.
    """
    max_bytes = int(config.recording_max_mb * 2**20)
    failing = False
    while True:
        try:
            await asyncio.to_thread(sweep, config.recording_dir, config.retention_days, clock(),
                                    max_bytes=max_bytes)
            failing = False
        except OSError as exc:
            if not failing:
                _LOG.warning("retention: cannot read %s: %s (retrying every %.0f s)",
                             config.recording_dir, exc.strerror or exc, config.sweep_interval_s)
            failing = True
        await sleep(config.sweep_interval_s)
