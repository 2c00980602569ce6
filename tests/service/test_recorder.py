"""Debug recording of turns: off writes nothing; on writes audio.wav + events.jsonl per turn;
a failing disk disables recording with a typed error and never crashes the daemon."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from daemon import events as ev
from daemon.audio.wavio import read_wav
from daemon.retention.privacy import (
    PRE_ROLL_S,
    RATE_HZ,
    DebugRecorder,
    RecordingError,
    list_recordings,
    write_private_file,
)
from daemon.runtime_config import PrivacyConfig

REPO = Path(__file__).resolve().parents[2]
CHUNK = RATE_HZ // 50  # 20 ms
START = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def chunk(value: int) -> npt.NDArray[np.int16]:
    """A 20 ms chunk whose every sample is `value`: the recording's order is checkable."""
    return np.full(CHUNK, value, dtype=np.int16)


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def turn_events(turn: int, t0: float) -> list[ev.Event]:
    return [
        ev.Wake(t_ms=t0, turn=turn, model="wake-hey-jarvis", score=0.98),
        ev.SpeechStart(t_ms=t0 + 300, turn=turn),
        ev.SpeechEnd(t_ms=t0 + 2000, turn=turn, reason="silence", last_speech_ms=t0 + 1800),
        ev.Transcript(t_ms=t0 + 2100, turn=turn, final=True, text="open the window",
                      backend="vosk"),
        ev.Reply(t_ms=t0 + 2200, turn=turn, text="Opening the window."),
        ev.PlaybackEnd(t_ms=t0 + 4000, turn=turn, played_ms=1800.0),
    ]


def drive(recorder: DebugRecorder, script: list[tuple[str, object]]) -> None:
    """Feed chunks and events in order, run the writer task, close, and wait for it."""

    async def scenario() -> None:
        writer = asyncio.create_task(recorder.run(), name="debug-recorder")
        for kind, item in script:
            if kind == "audio":
                assert isinstance(item, np.ndarray)
                recorder.audio(item)
            else:
                assert isinstance(item, ev.Event)
                recorder.event(item)
            await asyncio.sleep(0)
        recorder.close()
        await asyncio.wait_for(writer, 60)  # hang guard only

    asyncio.run(scenario())


def two_turns() -> list[tuple[str, object]]:
    """3 s of idle audio (values 1..150), turn 1 over 100 chunks (1000+), a gap, turn 2."""
    script: list[tuple[str, object]] = [("audio", chunk(i)) for i in range(1, 151)]
    events = turn_events(1, 3000.0)
    script.append(("event", events[0]))
    for i in range(100):
        script.append(("audio", chunk(1000 + i)))
        if i % 20 == 19:
            script.append(("event", events[i // 20 + 1]))
    script += [("audio", chunk(2000 + i)) for i in range(50)]  # after the turn: not recorded
    script.append(("event", turn_events(2, 9000.0)[0]))
    script += [("audio", chunk(3000 + i)) for i in range(10)]  # turn 2 ends at close()
    return script


def config(tmp_path: Path, **kw: object) -> PrivacyConfig:
    return PrivacyConfig.model_validate({"recording_dir": tmp_path / "rec", **kw})


def test_off_by_default_and_nothing_touches_the_disk(tmp_path: Path) -> None:
    cfg = config(tmp_path)
    assert cfg.debug_recording is False
    recorder = DebugRecorder(cfg)
    drive(recorder, two_turns())
    assert not recorder.enabled
    assert not (tmp_path / "rec").exists()
    assert list(tmp_path.iterdir()) == []


def test_each_turn_gets_audio_and_events(tmp_path: Path) -> None:
    recorder = DebugRecorder(config(tmp_path, debug_recording=True), clock=Clock())
    script = two_turns()
    drive(recorder, script)
    recs = list_recordings(tmp_path / "rec")
    assert [r.path.name for r in recs] == ["20250301T120001Z-turn1", "20250301T120002Z-turn2"]
    assert recorder.turns_written == 2

    first = recs[0].path
    audio = read_wav(first / "audio.wav")
    assert audio.rate_hz == RATE_HZ
    pre_roll_chunks = int(PRE_ROLL_S * 50)
    expected = [*range(151 - pre_roll_chunks, 151), *range(1000, 1100)]
    assert audio.samples.tolist() == np.repeat(expected, CHUNK).tolist()

    lines = (first / "events.jsonl").read_text().splitlines()
    assert [json.loads(line) for line in lines] == [e.to_dict() for e in turn_events(1, 3000.0)]

    second = read_wav(recs[1].path / "audio.wav").samples
    # turn 2's pre-roll is the audio heard after turn 1 ended, then its own 10 chunks
    assert second.tolist() == np.repeat([*range(2000, 2050), *range(3000, 3010)],
                                        CHUNK).tolist()
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(first / "audio.wav").st_mode) == 0o600
    assert stat.S_IMODE(os.stat(tmp_path / "rec").st_mode) == 0o700


def test_audio_per_turn_is_capped(tmp_path: Path) -> None:
    cfg = config(tmp_path, debug_recording=True, recording_max_turn_s=1.0)
    recorder = DebugRecorder(cfg, clock=Clock())
    drive(recorder, two_turns())
    [first, _] = list_recordings(tmp_path / "rec")
    assert len(read_wav(first.path / "audio.wav").samples) == RATE_HZ


def test_late_events_of_a_finished_turn_are_dropped(tmp_path: Path) -> None:
    recorder = DebugRecorder(config(tmp_path, debug_recording=True), clock=Clock())
    events = turn_events(1, 0.0)
    late = ev.ToolResultEvent(t_ms=5000.0, turn=1, name="open_window", ok=True)
    drive(recorder, [("audio", chunk(1)), *(("event", e) for e in events), ("event", late)])
    [rec] = list_recordings(tmp_path / "rec")
    assert len((rec.path / "events.jsonl").read_text().splitlines()) == len(events)
    assert recorder.late_events == 1


def test_turns_opened_by_tagged_chunks_and_written_by_close_without_a_writer_task(
        tmp_path: Path) -> None:
    """`audio(chunk, turn)` opens a turn before its first event; when no `run` task is
    running, `close` writes what is pending itself (synchronously, at shutdown)."""
    recorder = DebugRecorder(config(tmp_path, debug_recording=True), clock=Clock())
    for i in range(10):
        recorder.audio(chunk(i), 0)
    for i in range(10, 20):
        recorder.audio(chunk(i), 1)  # listening for turn 1 (push-to-talk: no wake event)
    recorder.event(ev.SpeechEnd(t_ms=400.0, turn=1, reason="silence", last_speech_ms=380.0))
    recorder.event(ev.PlaybackEnd(t_ms=900.0, turn=1, played_ms=500.0))
    recorder.audio(chunk(99), 0)
    assert list_recordings(tmp_path / "rec") == []  # nothing written before close
    recorder.close()
    [rec] = list_recordings(tmp_path / "rec")
    assert read_wav(rec.path / "audio.wav").samples.tolist() == np.repeat(
        list(range(20)), CHUNK).tolist()
    assert [json.loads(line)["type"] for line in
            (rec.path / "events.jsonl").read_text().splitlines()] == ["speech_end",
                                                                     "playback_end"]
    recorder.audio(chunk(5), 2)  # after close: nothing more
    recorder.close()
    assert len(list_recordings(tmp_path / "rec")) == 1


def failing_writer(fail_on: str, code: int) -> Callable[[Path, bytes], None]:
    """Writes files for real, but raises OSError(code) when asked to write `fail_on`."""

    def write(path: Path, data: bytes) -> None:
        if path.name == fail_on:
            raise OSError(code, os.strerror(code), str(path))
        write_private_file(path, data)

    return write


def test_disk_full_disables_recording_with_a_typed_error(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    errors: list[RecordingError] = []
    recorder = DebugRecorder(config(tmp_path, debug_recording=True), clock=Clock(),
                             write_file=failing_writer("events.jsonl", errno.ENOSPC),
                             on_error=errors.append)
    script = two_turns()
    script += [("event", e) for e in turn_events(3, 20000.0)]  # more turns after the failure
    with caplog.at_level(logging.ERROR, logger="daemon.retention.privacy"):
        drive(recorder, script)
    assert recorder.error is not None and recorder.error.code == "recording_failed"
    assert "No space left on device" in recorder.error.message
    assert "debug_recording: false" in recorder.error.fix
    assert errors == [recorder.error]
    assert not recorder.enabled
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    assert list_recordings(tmp_path / "rec") == []  # the half-written turn was removed
    assert list((tmp_path / "rec").iterdir()) == []


def test_unwritable_directory_is_a_typed_error(tmp_path: Path) -> None:
    """A real kernel error: the recording directory's parent is a regular file (ENOTDIR)."""
    (tmp_path / "file").write_text("not a directory")
    cfg = PrivacyConfig(debug_recording=True, recording_dir=tmp_path / "file" / "rec")
    recorder = DebugRecorder(cfg, clock=Clock())
    drive(recorder, two_turns())
    assert recorder.error is not None and "Not a directory" in recorder.error.message
    assert recorder.turns_written == 0


CHILD = """
import asyncio, resource, signal, sys
from pathlib import Path
import numpy as np
from daemon import events as ev
from daemon.retention.privacy import DebugRecorder
from daemon.runtime_config import PrivacyConfig

signal.signal(signal.SIGXFSZ, signal.SIG_IGN)           # EFBIG instead of a signal
resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))  # files larger than 8 KiB fail
cfg = PrivacyConfig(debug_recording=True, recording_dir=Path(sys.argv[1]))

async def main():
    rec = DebugRecorder(cfg)
    writer = asyncio.create_task(rec.run(), name="debug-recorder")
    rec.event(ev.Wake(t_ms=0.0, turn=1, model="w", score=1.0))
    for _ in range(50):
        rec.audio(np.ones(320, np.int16))                 # 1 s: a 32 KB audio.wav
    rec.event(ev.PlaybackEnd(t_ms=1000.0, turn=1, played_ms=500.0))
    rec.close()
    await writer
    print(rec.error.code if rec.error else "no error", rec.enabled)

asyncio.run(main())
"""


def test_file_size_limit_from_the_kernel_is_survived(tmp_path: Path) -> None:
    """The real write path hits a real kernel error (EFBIG under RLIMIT_FSIZE)."""
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "rec")],
                          env={**os.environ, "PYTHONPATH": str(REPO)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["recording_failed", "False"]
    assert "File too large" in done.stderr
    assert list_recordings(tmp_path / "rec") == []
