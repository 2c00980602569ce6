"""Issue 23 item 8 (and `cabin replay DIR` from item 10): user errors of the real `cabin`
entry point are exit 2 with the cause and the fix, never a traceback with exit 1.

Output paths are checked before any model is loaded (the models directory here is empty, so a
check made after loading would report the missing models instead), so a replay's output is never
lost at the end. Running as root, permissions do not stop us: an unwritable path is one under a
regular file, and the permission cases run `cabin` through `setpriv` without the capabilities
that let root ignore file modes.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.wavio import write_wav

REPO = Path(__file__).resolve().parents[2]
NO_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--"]


def cabin(*argv: str, env: dict[str, str] | None = None,
          unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    prefix = NO_DAC if unprivileged and os.geteuid() == 0 else []
    return subprocess.run([*prefix, sys.executable, "-m", "daemon.cli", *argv], cwd=REPO,
                          env={**os.environ, **(env or {})}, capture_output=True, text=True,
                          timeout=120, check=False)


def user_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert "fix:" in result.stderr
    for needle in needles:
        assert needle in result.stderr, (needle, result.stderr)
    return result.stderr


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "quiet.wav"
    write_wav(path, np.zeros(16000, dtype=np.int16), 16000)
    return path


@pytest.fixture
def no_models(tmp_path: Path) -> dict[str, str]:
    """An empty models directory: a replay that got as far as loading models says so."""
    (tmp_path / "empty-models").mkdir()
    return {"CABIN_MODELS_DIR": str(tmp_path / "empty-models")}


@pytest.fixture
def a_file(tmp_path: Path) -> Path:
    path = tmp_path / "somefile"
    path.write_text("not a directory\n")
    return path


@pytest.fixture
def permissions_apply() -> None:
    """Skip unless file modes can stop the `cabin` subprocess (root: via setpriv)."""
    if os.geteuid() != 0:
        return
    if shutil.which("setpriv") is None:
        pytest.skip("root without setpriv: file modes cannot be made to apply")
    probe = cabin("config", "check", "/dev/null", unprivileged=True)
    if probe.returncode != 0:
        pytest.skip(f"setpriv cannot drop capabilities here: {probe.stderr.strip()}")


@pytest.fixture
def read_only_dir(tmp_path: Path, permissions_apply: None) -> Iterator[Path]:
    path = tmp_path / "read-only"
    path.mkdir()
    path.chmod(0o555)
    yield path
    path.chmod(0o755)


@pytest.mark.parametrize("option", ["--events", "--reply-wav", "--plot"])
def test_replay_output_under_a_file_is_refused_before_the_replay(
        option: str, wav: Path, a_file: Path, no_models: dict[str, str]) -> None:
    target = a_file / "out.bin"
    err = user_error(cabin("replay", str(wav), option, str(target), env=no_models),
                     "output_unwritable", option, str(target), f"{a_file} is a file")
    assert "model_missing" not in err  # refused before the models were looked at


def test_replay_output_error_is_recorded_in_a_good_event_log(
        wav: Path, a_file: Path, tmp_path: Path, no_models: dict[str, str]) -> None:
    events = tmp_path / "new" / "sub" / "events.jsonl"  # a missing parent is created
    user_error(cabin("replay", str(wav), "--events", str(events), "--reply-wav",
                     str(a_file / "reply.wav"), env=no_models), "--reply-wav")
    [row] = [json.loads(line) for line in events.read_text().splitlines()]
    assert row["type"] == "error" and row["code"] == "output_unwritable"


def test_replay_output_in_a_read_only_directory(
        wav: Path, read_only_dir: Path, no_models: dict[str, str]) -> None:
    target = read_only_dir / "reply.wav"
    user_error(cabin("replay", str(wav), "--reply-wav", str(target), env=no_models,
                     unprivileged=True), "output_unwritable", str(target), "Permission denied")
    assert not target.exists()


def test_run_events_under_a_file_is_refused_before_the_run(
        wav: Path, a_file: Path, tmp_path: Path, no_models: dict[str, str]) -> None:
    user_error(cabin("run", "--input-wav", str(wav), "--output-wav", str(tmp_path / "o.wav"),
                     "--events", str(a_file / "events.jsonl"), "--fast", env=no_models),
               "output_unwritable", "--events")


def test_replay_of_a_directory_says_it_is_a_directory(tmp_path: Path) -> None:
    err = user_error(cabin("replay", str(tmp_path)), "is a directory")
    assert "not found" not in err


def test_models_dir_that_is_a_file(wav: Path, a_file: Path) -> None:
    user_error(cabin("replay", str(wav), env={"CABIN_MODELS_DIR": str(a_file)}),
               f"models directory {a_file} is not a directory", "models_dir")


def test_unreadable_models_dir(wav: Path, tmp_path: Path, permissions_apply: None) -> None:
    models = tmp_path / "models"
    (models / "openwakeword-features").mkdir(parents=True)
    models.chmod(0o000)
    try:
        err = user_error(cabin("replay", str(wav), env={"CABIN_MODELS_DIR": str(models)},
                               unprivileged=True),
                         "model_unreadable", str(models), "Permission denied", "chmod")
    finally:
        models.chmod(0o755)
    assert "model_missing" not in err


def test_verify_of_an_unreadable_model_file(tmp_path: Path, permissions_apply: None) -> None:
    body = b"model bytes" * 10
    models = tmp_path / "models"
    (models / "m").mkdir(parents=True)
    (models / "m" / "m.onnx").write_bytes(body)
    (models / "m" / "m.onnx").chmod(0o000)
    manifest = models / "manifest.yaml"
    manifest.write_text(json.dumps({"version": 1, "models": [{
        "name": "m", "kind": "vad", "license": "MIT", "groups": ["dev"],
        "files": [{"path": "m.onnx", "sha256": hashlib.sha256(body).hexdigest(),
                   "size": len(body)}],
        "sources": [{"url": {"base": "https://models.invalid/"}}]}]}))
    user_error(cabin("models", "verify", "m", "--models-dir", str(models), "--manifest",
                     str(manifest), unprivileged=True),
               "model_unreadable", str(models / "m" / "m.onnx"), "Permission denied")
