"""Which recordings a fleet replay takes and where their logs go; logs written whole."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from daemon.errors import CabinError
from daemon.fleet.inputs import discover, log_is_complete, remove_stale_temps, write_atomic
from tests.fleet.conftest import fake_log, silence


def test_one_folder_gives_stems_and_subfolders_are_mirrored(tmp_path: Path) -> None:
    silence(tmp_path / "in" / "b.wav")
    silence(tmp_path / "in" / "a.WAV")
    silence(tmp_path / "in" / "deep" / "a.wav")
    (tmp_path / "in" / "notes.txt").write_text("not audio")
    keys = [i.key for i in discover([tmp_path / "in"])]
    assert keys == ["a", "b", "deep/a"]


def test_same_names_in_several_folders_do_not_collide(tmp_path: Path) -> None:
    for folder in ("snr10", "snr20"):
        silence(tmp_path / "set" / folder / "cmd_01.wav")
    inputs = discover([tmp_path / "set" / "snr10", tmp_path / "set" / "snr20"])
    assert [i.key for i in inputs] == ["snr10/cmd_01", "snr20/cmd_01"]
    out = tmp_path / "out"
    assert inputs[0].log_path(out) == out / "snr10" / "cmd_01.jsonl"


def test_a_file_named_twice_is_replayed_once(tmp_path: Path) -> None:
    wav = silence(tmp_path / "x.wav")
    assert [i.key for i in discover([wav, tmp_path, wav])] == ["x"]


def test_missing_path_and_empty_folder_are_user_errors(tmp_path: Path) -> None:
    with pytest.raises(CabinError, match="no such file"):
        discover([tmp_path / "nope"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(CabinError, match=r"no \.wav files"):
        discover([tmp_path / "empty"])


def test_atomic_write_leaves_no_temp_and_complete_means_a_replay(tmp_path: Path) -> None:
    log = tmp_path / "o" / "a.jsonl"
    write_atomic(log, fake_log())
    assert log_is_complete(log)
    assert [p.name for p in log.parent.iterdir()] == ["a.jsonl"]
    write_atomic(log, '{"type": "error", "t_ms": 0.0, "turn": 0, "code": "x", "message": "m"}\n')
    assert not log_is_complete(log)  # a failed file is tried again by --resume
    assert not log_is_complete(tmp_path / "o" / "missing.jsonl")
    log.write_text('{"type": "ready", "t_ms"')  # a torn write (not by write_atomic)
    assert not log_is_complete(log)


def test_stale_temp_files_of_a_killed_run_are_removed(tmp_path: Path) -> None:
    [item] = discover([silence(tmp_path / "in" / "a.wav")])
    out = tmp_path / "out"
    out.mkdir()
    stale = out / f"a.jsonl.{os.getpid() + 1}.tmp"
    stale.write_text('{"type": "ready"')
    assert remove_stale_temps(out, [item]) == 1
    assert not stale.exists()
