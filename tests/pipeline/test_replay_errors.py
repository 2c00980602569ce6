"""Bad input to `cabin replay` gives a clear error naming the cause and the fix, never a traceback.

Each case also leaves a one-line event log with a typed `error` event, so a batch evaluation
records why a file produced nothing.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.wavio import write_wav
from daemon.cli import main

REPO = Path(__file__).resolve().parents[2]


def run_replay(wav: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
               *extra: str) -> tuple[int, str, dict[str, object]]:
    events = tmp_path / "events.jsonl"
    code = main(["replay", str(wav), "--events", str(events), *extra])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    rows = [json.loads(line) for line in events.read_text().splitlines()]
    assert len(rows) == 1 and rows[0]["type"] == "error"
    return code, err, rows[0]


def test_garbage_wav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wav = tmp_path / "garbage.wav"
    wav.write_bytes(np.random.default_rng(7).bytes(32000))
    code, err, event = run_replay(wav, tmp_path, capsys)
    assert code == 2 and event["code"] == "audio_format"
    assert "garbage.wav" in err and "fix:" in err


def test_wrong_sample_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wav = tmp_path / "cd.wav"
    write_wav(wav, np.zeros(44100, dtype=np.int16), 44100)
    code, err, event = run_replay(wav, tmp_path, capsys)
    assert code == 2 and event["code"] == "audio_rate"
    assert "44100 Hz" in err and "sox" in err


def test_missing_model(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    wav = tmp_path / "quiet.wav"
    write_wav(wav, np.zeros(16000, dtype=np.int16), 16000)
    monkeypatch.setenv("CABIN_MODELS_DIR", str(tmp_path / "empty-models"))
    code, err, event = run_replay(wav, tmp_path, capsys)
    assert code == 2 and event["code"] == "model_missing"
    assert "cabin models fetch" in err


def test_corrupt_model(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                       monkeypatch: pytest.MonkeyPatch) -> None:
    models = tmp_path / "models"
    for name in ("openwakeword-features", "wake-hey-jarvis", "silero-vad"):
        shutil.copytree(REPO / "models" / name, models / name,
                        ignore=shutil.ignore_patterns(".verified.json"))
    vad = models / "silero-vad" / "silero_vad.onnx"
    data = bytearray(vad.read_bytes())
    data[len(data) // 2] ^= 0xFF
    vad.write_bytes(bytes(data))
    wav = tmp_path / "quiet.wav"
    write_wav(wav, np.zeros(16000, dtype=np.int16), 16000)
    monkeypatch.setenv("CABIN_MODELS_DIR", str(models))
    code, err, event = run_replay(wav, tmp_path, capsys)
    assert code == 2 and event["code"] == "model_corrupt"
    assert "silero_vad.onnx" in err


def test_bad_config(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = tmp_path / "cabin.yaml"
    cfg.write_text("asr:\n  backend: google\n")
    wav = tmp_path / "quiet.wav"
    write_wav(wav, np.zeros(16000, dtype=np.int16), 16000)
    code = main(["replay", str(wav), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert code == 2 and "asr.backend" in err and "google" in err and "Traceback" not in err
