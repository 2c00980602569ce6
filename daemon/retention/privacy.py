"""What Cabin keeps: by default nothing. Opt-in debug recordings of turns, and log hygiene.

- `DebugRecorder` (``privacy.debug_recording: true`` only): per turn, a directory
  ``<recording_dir>/<UTC start>-turn<N>/`` with ``audio.wav`` (16 kHz mono int16, what the
  microphone heard from shortly before the wake word to the end of the reply) and
  ``events.jsonl`` (that turn's events). Disabled, it keeps no audio, not even in memory, and
  never touches the disk. A failed write (disk full, permissions) is a `RecordingError`, logged
  once; recording is then off until restart and the daemon carries on.
- `redact` / `format_event` / `redactor`: transcripts, replies, free-text tool arguments and
  reported text stay out of the logs unless ``privacy.log_text`` or debug is on; the one helper
  behind them (and behind the vehicle dispatcher's and D-Bus backend's log lines) is
  `vehicle_tools.redact.Redactor`.

Deleting old recordings (`sweep`, `purge`, `retention_task`, `stats`) lives in
daemon/retention/privacy_store.py and is re-exported here.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import shutil
import wave
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from daemon import events as ev
from daemon.errors import CabinError
from daemon.retention.privacy_store import (
    PurgeError,
    RecordingStats,
    list_recordings,
    purge,
    recording_name,
    retention_task,
    stats,
    sweep,
)
from daemon.runtime_config import PrivacyConfig
from vehicle_tools.redact import Redactor

_LOG = logging.getLogger(__name__)

__all__ = [
    "DebugRecorder", "PurgeError", "RecordingError", "RecordingStats", "TurnRecording",
    "format_event", "list_recordings", "purge", "redact", "redactor", "retention_task", "stats",
    "sweep", "write_recording",
]

RATE_HZ = 16000
"""Sample rate of recorded audio, Hz (the pipeline's)."""
PRE_ROLL_S = 2.0
"""Audio kept from before a turn's first event (the wake word itself), s."""
MAX_PENDING = 4
"""Finished turns waiting to be written; more are dropped (and counted)."""
_TERMINAL = (ev.PlaybackEnd, ev.Interrupted)
"""Events after which a turn's recording is complete."""


class RecordingError(CabinError):
    """A debug recording could not be written (disk full, permissions)."""

    code = "recording_failed"


def utc_now() -> datetime:
    """The wall clock, UTC."""
    return datetime.now(UTC)


def write_private_file(path: Path, data: bytes) -> None:
    """Create `path` (must not exist) readable by its owner only (0600) and write `data`."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


WriteFile = Callable[[Path, bytes], None]


@dataclass(frozen=True)
class TurnRecording:
    """One finished turn: what the microphone heard and the turn's events.

    Attributes:
        turn: turn number.
        started: wall-clock time (UTC) of the turn's first event; names the directory.
        audio: 16 kHz mono int16 samples.
        events: the turn's events as `Event.to_dict()` objects, in order.
    """

    turn: int
    started: datetime
    audio: npt.NDArray[np.int16]
    events: tuple[dict[str, object], ...]


def _wav_bytes(samples: npt.NDArray[np.int16], rate_hz: int) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate_hz)
        wav.writeframes(np.ascontiguousarray(samples, dtype="<i2").tobytes())
    return buffer.getvalue()


def write_recording(root: Path, rec: TurnRecording, *, rate_hz: int = RATE_HZ,
                    write_file: WriteFile = write_private_file) -> Path:
    """Write `rec` under `root` (created 0700 if missing); the turn's directory.

    A partly written directory is removed. Raises `RecordingError` for any OSError.
    """
    target: Path | None = None
    try:
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        base = recording_name(rec.started, rec.turn)
        for suffix in ("", *(f"-{n}" for n in range(1, 100))):  # same second, same turn
            try:
                (root / (base + suffix)).mkdir(mode=0o700)
            except FileExistsError:
                continue
            target = root / (base + suffix)
            break
        if target is None:
            raise FileExistsError(f"{root / base}: 100 recordings with this name")
        write_file(target / "audio.wav", _wav_bytes(rec.audio, rate_hz))
        lines = "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in rec.events)
        write_file(target / "events.jsonl", lines.encode())
    except OSError as exc:
        if target is not None:
            shutil.rmtree(target, ignore_errors=True)
        raise RecordingError(
            f"cannot write debug recording of turn {rec.turn} to {root}: "
            f"{exc.strerror or exc}",
            fix=f"free space on the disk holding {root} or make it writable by the cabin "
            "user; or set privacy.debug_recording: false") from exc
    return target


class _OpenTurn:
    """A turn being recorded (audio capped at `max_samples`)."""

    def __init__(self, turn: int, started: datetime, pre_roll: list[npt.NDArray[np.int16]],
                 max_samples: int) -> None:
        self.turn = turn
        self.started = started
        self.chunks = pre_roll
        self.samples = sum(len(c) for c in pre_roll)
        self.max_samples = max_samples
        self.events: list[dict[str, object]] = []

    def add(self, chunk: npt.NDArray[np.int16]) -> None:
        room = self.max_samples - self.samples
        if room > 0:
            self.chunks.append(chunk[:room].copy())
            self.samples += min(room, len(chunk))

    def finish(self) -> TurnRecording:
        audio = np.concatenate(self.chunks) if self.chunks else np.zeros(0, np.int16)
        return TurnRecording(self.turn, self.started, audio[-self.max_samples:],
                             tuple(self.events))


class DebugRecorder:
    """Records turns (audio + events) when ``privacy.debug_recording`` is on.

    Wiring (all on the loop thread): `audio` for every microphone chunk, `event` subscribed to
    the EventLog, `run` as a named task (it writes finished turns off the loop), `close` on
    shutdown (the open turn is finished; `run` writes what is pending and returns, or `close`
    writes it itself when `run` is not running any more).

    A turn starts with its first event (or its first chunk tagged with its number), includes
    `PRE_ROLL_S` of audio from before that (the wake word), and ends at its PlaybackEnd or
    Interrupted event, when a newer turn starts, at `end_turn`, or at `close`. Its audio is
    capped at ``privacy.recording_max_turn_s``.

    Args:
        config: the privacy settings.
        clock: wall clock (UTC) naming each turn's directory.
        write_file: how a file is written (injected in tests: disk full).
        on_error: told once, on the loop thread, when recording fails (e.g. to emit an
            ErrorEvent).
    """

    def __init__(self, config: PrivacyConfig, *, clock: Callable[[], datetime] = utc_now,
                 write_file: WriteFile = write_private_file,
                 on_error: Callable[[RecordingError], None] | None = None) -> None:
        self._config = config
        self._clock = clock
        self._write_file = write_file
        self._on_error = on_error
        self._max_samples = int(config.recording_max_turn_s * RATE_HZ)
        self._pre_roll: deque[npt.NDArray[np.int16]] = deque()
        self._pre_roll_samples = 0
        self._open: _OpenTurn | None = None
        self._last_turn = 0
        self._queue: asyncio.Queue[TurnRecording | None] = asyncio.Queue()
        self._closed = False
        self._writing = False
        self.error: RecordingError | None = None
        self.turns_written = 0
        self.last_written: Path | None = None
        self.dropped_turns = 0
        self.late_events = 0

    @property
    def enabled(self) -> bool:
        """True while recording: opted in, not closed, and no write has failed."""
        return self._config.debug_recording and self.error is None and not self._closed

    def audio(self, chunk: npt.NDArray[np.int16], turn: int = 0) -> None:
        """One microphone chunk (16 kHz mono int16); `turn` = the turn it belongs to, if the
        caller knows (0 = none or unknown). A no-op when disabled."""
        if not self.enabled:
            return
        if turn > self._last_turn:
            self._start(turn)
        if self._open is not None:
            self._open.add(chunk)
            return
        self._pre_roll.append(chunk.copy())
        self._pre_roll_samples += len(chunk)
        limit = PRE_ROLL_S * RATE_HZ
        while self._pre_roll and self._pre_roll_samples - len(self._pre_roll[0]) >= limit:
            self._pre_roll_samples -= len(self._pre_roll.popleft())

    def event(self, event: ev.Event) -> None:
        """EventLog subscriber: events of a turn (turn >= 1) go into its recording."""
        if not self.enabled or event.turn < 1:
            return
        if event.turn > self._last_turn:
            self._start(event.turn)
        elif self._open is None or event.turn != self._open.turn:
            self.late_events += 1  # a turn already finished
            return
        assert self._open is not None
        self._open.events.append(event.to_dict())
        if isinstance(event, _TERMINAL):
            self.end_turn()

    def _start(self, turn: int) -> None:
        self.end_turn()
        self._open = _OpenTurn(turn, self._clock(), list(self._pre_roll), self._max_samples)
        self._last_turn = turn
        self._pre_roll.clear()
        self._pre_roll_samples = 0

    def end_turn(self) -> None:
        """Finish the open turn now (e.g. the state machine went idle); it is then written."""
        turn, self._open = self._open, None
        if turn is None or self.error is not None:
            return
        if self._queue.qsize() >= MAX_PENDING:
            self.dropped_turns += 1
            _LOG.warning("debug recording: writer behind, turn %d not recorded", turn.turn)
            return
        self._queue.put_nowait(turn.finish())

    def close(self) -> None:
        """Finish the open turn and stop recording; pending turns are written (by `run` if it
        is running, else here, blocking: at shutdown only)."""
        if self._closed:
            return
        self.end_turn()
        self._closed = True
        self._drop_buffers()
        if self._writing:
            self._queue.put_nowait(None)
            return
        while not self._queue.empty():
            rec = self._queue.get_nowait()
            if rec is not None and self.error is None:
                self._written(rec, self._write(rec))

    async def run(self) -> None:
        """Write finished turns off the event loop until `close` (run as a named task)."""
        if not self._config.debug_recording or self._closed:
            return
        self._writing = True
        try:
            while (rec := await self._queue.get()) is not None:
                if self.error is None:
                    self._written(rec, await asyncio.to_thread(self._write, rec))
        finally:
            self._writing = False

    def _write(self, rec: TurnRecording) -> Path | RecordingError:
        """Write one turn (blocking: a worker thread's job); its directory or the error."""
        try:
            return write_recording(self._config.recording_dir, rec, rate_hz=RATE_HZ,
                                   write_file=self._write_file)
        except RecordingError as exc:
            return exc

    def _written(self, rec: TurnRecording, result: Path | RecordingError) -> None:
        """On the loop thread: count a written turn, or disable recording after a failure."""
        if isinstance(result, RecordingError):
            self.error = result
            self._drop_buffers()
            _LOG.error("debug recording disabled until restart: %s", result)
            if self._on_error is not None:
                self._on_error(result)
            return
        self.turns_written += 1
        self.last_written = result
        _LOG.info("debug recording of turn %d: %s (%.1f s of audio)", rec.turn, result,
                  len(rec.audio) / RATE_HZ)

    def _drop_buffers(self) -> None:
        self._open = None
        self._pre_roll.clear()
        self._pre_roll_samples = 0


# --- log hygiene ---------------------------------------------------------------------------

_TEXT_FIELDS = frozenset({"text", "heard_text"})
"""Event fields holding what was said (by the driver or the assistant)."""
_FREE_FIELDS = frozenset({"args", "state"})
"""Event fields whose string values may be personal (destinations, contacts, track titles)."""


def shows_text(config: PrivacyConfig, *, debug: bool = False) -> bool:
    """True when logs may carry what was said (``privacy.log_text`` or debug)."""
    return config.log_text or debug


def redactor(config: PrivacyConfig, *, debug: bool = False) -> Redactor:
    """The log helper (`vehicle_tools.redact.Redactor`) for these settings."""
    return Redactor(shows_text(config, debug=debug))


def redact(text: str, config: PrivacyConfig, *, debug: bool = False) -> str:
    """`text` itself when logs may show it, else a placeholder giving only its word count."""
    return redactor(config, debug=debug).text(text)


def _redact_value(key: str, value: object, hide: Redactor) -> object:
    if key in _TEXT_FIELDS and isinstance(value, str):
        return hide.text(value)
    if key in _FREE_FIELDS and isinstance(value, dict):
        return hide.state(value)  # every string: the event does not say which are enums
    return value


def format_event(event: ev.Event, config: PrivacyConfig, *, debug: bool = False) -> str:
    """One log line for `event`: ``turn=N event=TYPE key=value ...``, text redacted.

    Values are JSON (strings quoted), so a line is machine-readable and never spans lines.
    """
    body = event.to_dict()
    hide = redactor(config, debug=debug)
    parts = [f"turn={body.pop('turn')}", f"event={body.pop('type')}"]
    for key, value in body.items():
        shown = _redact_value(key, value, hide)
        parts.append(f"{key}={json.dumps(shown, ensure_ascii=False, default=str)}")
    return " ".join(parts)
