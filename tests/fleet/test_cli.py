"""`cabin replay`'s fleet options are checked before anything runs; one WAV without
--events-dir is the single replay it always was."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.cli import main
from tests.fleet.conftest import silence


@pytest.mark.parametrize(("extra", "needle"), [
    (["--workers", "2"], "--workers needs --events-dir"),
    (["--resume"], "--resume needs --events-dir"),
    (["--engine", "ray"], "--engine needs --events-dir"),
    (["--events-dir", "OUT", "--events", "e.jsonl"], "--events replays one file"),
    (["--events-dir", "OUT", "--plot", "p.png"], "--plot replays one file"),
    (["--events-dir", "OUT", "--workers", "0"], "--workers 0: at least 1"),
    (["--events-dir", "OUT", "--manifest", "missing.jsonl"], "cannot read the manifest"),
])
def test_misused_options_are_user_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         extra: list[str], needle: str) -> None:
    wav = silence(tmp_path / "a.wav")
    args = [str(tmp_path / a) if a in ("OUT", "missing.jsonl") else a for a in extra]
    assert main(["replay", str(wav), *args]) == 2
    err = capsys.readouterr().err
    assert needle in err and "fix:" in err
    assert not (tmp_path / "OUT").exists()  # nothing ran


def test_several_recordings_need_an_events_dir(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    a, b = silence(tmp_path / "a.wav"), silence(tmp_path / "b.wav")
    assert main(["replay", str(a), str(b)]) == 2
    assert "2 recordings need --events-dir" in capsys.readouterr().err
