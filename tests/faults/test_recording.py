"""Fault 8: the disk fills up under the debug recordings.

With ``privacy.debug_recording: true`` the daemon writes each finished turn (audio + events)
to ``privacy.recording_dir``. Here the writer the recorder uses (its injection seam,
`DebugRecorder(write_file=...)`) fails like a full disk: ENOSPC after part of the file is out.
The driver must notice nothing: the turn is answered, the next one too; the event log has one
typed ``recording_failed`` error naming the directory and the fix; no half-written recording
is left behind, and recording stays off (no write attempted again) until restart.
"""

from __future__ import annotations

import asyncio
import errno
import functools
from pathlib import Path

import pytest

import daemon.runtime.live
from daemon.retention.privacy import DebugRecorder, write_private_file
from daemon.runtime_config import PrivacyConfig
from tests.faults.harness import fault_config, running, until

pytestmark = pytest.mark.slow


class FullDisk:
    """Writes the first bytes of a file, then fails as a full disk does."""

    def __init__(self) -> None:
        self.attempts: list[Path] = []

    def __call__(self, path: Path, data: bytes) -> None:
        self.attempts.append(path)
        write_private_file(path, data[:512])
        raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_disk_full_for_debug_recordings(fast_start: None, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    recordings = tmp_path / "recordings"
    config = fault_config(tmp_path, privacy=PrivacyConfig(debug_recording=True,
                                                          recording_dir=recordings))
    disk = FullDisk()
    monkeypatch.setattr(daemon.runtime.live, "DebugRecorder",
                        functools.partial(DebugRecorder, write_file=disk))

    async def drive() -> tuple[list[str], list[str], list[dict[str, object]], bool]:
        async with running(config) as run:
            first = await run.text("set the fan to level two", play_out=True)
            await until(lambda: bool(run.errors()), "the recording to fail")
            second = await run.text("set the temperature to twenty degrees", play_out=True)
            third = await run.text("set the fan to level three", play_out=True)
            errors = [row for row in run.logged() if row["type"] == "error"]  # the JSONL log
            return (run.replies(first), run.replies(second) + run.replies(third), errors,
                    run.alive)

    first, later, errors, alive = asyncio.run(drive())
    assert alive
    assert first == ["Okay. The fan is set to level 2."]
    assert later == ["Okay. The temperature is set to 20 degrees.",
                     "Okay. The fan is set to level 3."]
    [error] = errors  # once, not once per turn
    assert error["code"] == "recording_failed"
    assert str(recordings) in str(error["message"])
    assert "No space left on device" in str(error["message"])
    assert len(disk.attempts) == 1  # recording is off after the failure
    assert disk.attempts[0].name == "audio.wav"
    assert not disk.attempts[0].parent.exists()  # the half-written turn was removed
    assert [p for p in recordings.iterdir()] == []
