"""Retention of debug recordings (the daemon's sweep task), purge, `cabin privacy`, and logs
without transcript text."""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest

from daemon import events as ev
from daemon.errors import CabinError
from daemon.retention.privacy import (
    PurgeError,
    TurnRecording,
    format_event,
    list_recordings,
    purge,
    redact,
    retention_task,
    stats,
    sweep,
    write_recording,
)
from daemon.retention.privacy_cli import add_privacy_parser
from daemon.runtime_config import PrivacyConfig

NOW = datetime(2025, 6, 30, 12, 0, 0, tzinfo=UTC)


def record(directory: Path, age: timedelta, turn: int = 1, seconds: float = 0.5) -> Path:
    """A real recording (via the recorder's writer) that started `age` before NOW."""
    audio = np.zeros(int(16000 * seconds), np.int16)
    events = (ev.Wake(t_ms=0.0, turn=turn, model="w", score=1.0).to_dict(),)
    return write_recording(directory, TurnRecording(turn, NOW - age, audio, events))


def names(directory: Path) -> set[str]:
    return {r.path.name for r in list_recordings(directory)}


@pytest.fixture
def store(tmp_path: Path) -> Path:
    directory = tmp_path / "recordings"
    record(directory, timedelta(days=45), turn=1)
    record(directory, timedelta(days=31), turn=2)
    record(directory, timedelta(days=29, hours=12), turn=3)
    record(directory, timedelta(hours=1), turn=4)
    record(directory, -timedelta(days=3), turn=5)  # recorded with a clock 3 days ahead
    (directory / "notes").mkdir()  # not a recording: never touched
    (directory / "20200101T000000Z-turn9").write_text("a file, not a recording directory")
    return directory


def test_sweep_deletes_what_is_older_than_the_period(store: Path) -> None:
    assert sweep(store, retention_days=30.0, now=NOW) == 3
    assert names(store) == {"20250601T000000Z-turn3", "20250630T110000Z-turn4"}
    assert (store / "notes").is_dir() and (store / "20200101T000000Z-turn9").is_file()
    assert sweep(store, retention_days=30.0, now=NOW) == 0


def test_sweep_keeps_the_total_under_the_size_limit(store: Path) -> None:
    one = stats(store).bytes // 5
    assert sweep(store, retention_days=3650.0, now=NOW, max_bytes=2 * one + 100) == 3
    # the future-dated one is gone, then the oldest until two fit
    assert names(store) == {"20250601T000000Z-turn3", "20250630T110000Z-turn4"}


def test_sweep_of_a_missing_directory_creates_nothing(tmp_path: Path) -> None:
    assert sweep(tmp_path / "none", retention_days=30.0, now=NOW) == 0
    assert not (tmp_path / "none").exists()


class EnoughRoundsError(Exception):
    """Ends the retention task after a given number of rounds."""


def test_the_daemons_sweep_task_deletes_old_recordings_also_when_recording_is_off(
        store: Path) -> None:
    cfg = PrivacyConfig(debug_recording=False, recording_dir=store, retention_days=30.0,
                        sweep_interval_s=3600.0)
    clock = [NOW]
    sleeps: list[float] = []
    seen: list[set[str]] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)
        seen.append(names(store))
        if len(sleeps) == 2:
            raise EnoughRoundsError
        clock[0] += timedelta(days=1)  # a day later, the 29.5-day-old one expires too

    async def scenario() -> None:
        task = asyncio.create_task(retention_task(cfg, clock=lambda: clock[0],
                                                  sleep=fake_sleep), name="privacy-retention")
        with pytest.raises(EnoughRoundsError):
            await task

    asyncio.run(scenario())
    assert seen == [{"20250601T000000Z-turn3", "20250630T110000Z-turn4"},
                    {"20250630T110000Z-turn4"}]
    assert sleeps == [3600.0, 3600.0]


def test_the_sweep_task_survives_an_unreadable_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    cfg = PrivacyConfig(recording_dir=tmp_path / "file", sweep_interval_s=10.0)
    rounds: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        rounds.append(seconds)
        if len(rounds) == 3:
            raise EnoughRoundsError

    with pytest.raises(EnoughRoundsError):
        asyncio.run(retention_task(cfg, sleep=fake_sleep))
    assert rounds == [10.0, 10.0, 10.0]


def test_purge_deletes_every_recording_and_nothing_else(store: Path) -> None:
    assert purge(store) == 5
    assert names(store) == set()
    assert sorted(p.name for p in store.iterdir()) == ["20200101T000000Z-turn9", "notes"]


def test_purge_of_something_that_is_not_a_directory_is_a_typed_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(PurgeError) as info:
        purge(tmp_path / "file")
    assert info.value.code == "purge_failed" and "Not a directory" in info.value.message


def test_stats(store: Path) -> None:
    kept = stats(store)
    assert kept.count == 5
    assert kept.oldest == NOW - timedelta(days=45)
    assert kept.newest == NOW + timedelta(days=3)
    wav_bytes = 44 + 16000  # 0.5 s of int16 audio and its header
    assert kept.bytes > 5 * wav_bytes


def run_cli(argv: list[str]) -> int:
    """`cabin ARGV` through daemon.cli.main once `privacy` is registered there; until then
    through a parser holding only `add_privacy_parser` (same functions, same error handling)."""
    from daemon import cli

    sub_actions = [a for a in cli.build_parser()._actions
                   if isinstance(a, argparse._SubParsersAction)]
    if "privacy" in sub_actions[0].choices:
        return cli.main(argv)
    parser = argparse.ArgumentParser(prog="cabin")
    add_privacy_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    try:
        code: int = args.func(args)
    except CabinError as exc:
        print(f"cabin: error [{exc.code}]: {exc}")
        return cli.EXIT_USER_ERROR
    return code


def test_cabin_privacy_status_and_purge(store: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "cabin.yaml"
    cfg.write_text(f"privacy:\n  recording_dir: {store}\n  retention_days: 14\n")
    assert run_cli(["privacy", "status", "--config", str(cfg)]) == 0
    out = capsys.readouterr().out
    assert "debug recording: off" in out and "kept 14 days" in out
    assert "recordings: 5 (" in out and "oldest 2025-05-16 12:00:00 UTC" in out

    assert run_cli(["privacy", "purge", "--config", str(cfg)]) == 0
    assert f"deleted 5 recording(s) from {store}" in capsys.readouterr().out
    assert names(store) == set()

    assert run_cli(["privacy", "status", "--config", str(cfg)]) == 0
    assert "recordings: none" in capsys.readouterr().out


def test_cabin_privacy_purge_error_exits_2(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "file").write_text("x")
    cfg = tmp_path / "cabin.yaml"
    cfg.write_text(f"privacy:\n  recording_dir: {tmp_path / 'file'}\n")
    assert run_cli(["privacy", "purge", "--config", str(cfg)]) == 2
    captured = capsys.readouterr()
    assert "purge_failed" in captured.out + captured.err


def test_redact_hides_text_unless_allowed() -> None:
    quiet = PrivacyConfig()
    assert redact("call my wife", quiet) == "<hidden: 3 words>"
    assert redact("call my wife", quiet, debug=True) == "call my wife"
    assert redact("call my wife", PrivacyConfig(log_text=True)) == "call my wife"


def test_format_event_is_one_line_with_the_turn_and_no_personal_text() -> None:
    quiet = PrivacyConfig()
    transcript = ev.Transcript(t_ms=1234.5, turn=3, final=True,
                               text="navigate to 12 Elm Street\nplease", backend="vosk")
    line = format_event(transcript, quiet)
    assert line.startswith("turn=3 event=transcript ")
    assert "Elm" not in line and 'text="<hidden: 6 words>"' in line and "\n" not in line
    call = ev.ToolCall(t_ms=2000.0, turn=3, name="navigate_to",
                       args={"destination": "12 Elm Street", "avoid_tolls": True, "n": 2})
    line = format_event(call, quiet)
    assert "Elm" not in line and '"avoid_tolls": true' in line and '"n": 2' in line
    assert 'name="navigate_to"' in line
    assert "Elm Street" in format_event(call, quiet, debug=True)
    assert "12 Elm Street" in format_event(transcript, PrivacyConfig(log_text=True))
