"""Issue 23 item 7: options before the subcommand are honoured, never silently ignored.

`cabin models --models-dir X verify` verified the repository's models and exited 0, also with
an invalid `--manifest`: the group-level value was overwritten by the subcommand's default.
Now both levels work, the same value twice is fine, two different values are refused (exit 2),
and the same holds for `cabin privacy --config`; `--debug` works after any subcommand.
Runs the real entry point in a subprocess.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BODY = b"onnx model bytes " * 64


def cabin(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "CABIN_MODELS_DIR"}
    return subprocess.run([sys.executable, "-m", "daemon.cli", *argv], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def models(tmp_path: Path) -> tuple[Path, Path]:
    """(models dir, manifest) with one intact model `m`, outside the repository."""
    directory = tmp_path / "models"
    (directory / "m").mkdir(parents=True)
    (directory / "m" / "m.onnx").write_bytes(BODY)
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(json.dumps({"version": 1, "models": [{
        "name": "m", "kind": "vad", "license": "MIT", "groups": ["dev"],
        "files": [{"path": "m.onnx", "sha256": hashlib.sha256(BODY).hexdigest(),
                   "size": len(BODY)}],
        "sources": [{"url": {"base": "https://models.invalid/"}}]}]}))
    return directory, manifest


def test_models_options_before_the_subcommand_are_honoured(models: tuple[Path, Path]) -> None:
    """Before (the bug), after, and both with the same value: all verify X with M."""
    directory, manifest = models
    options = ["--models-dir", str(directory), "--manifest", str(manifest)]
    argvs = [["models", *options, "verify"], ["models", "verify", *options],
             ["models", *options, "verify", *options]]
    for argv in argvs:
        result = cabin(*argv)
        assert result.returncode == 0, (argv, result.stderr)
        assert "m: ok  1 file(s)" in result.stdout, argv
    (directory / "m" / "m.onnx").write_bytes(BODY[:-1])  # X is what is verified
    for argv in argvs:
        broken = cabin(*argv)
        assert broken.returncode == 2 and "model_corrupt" in broken.stderr, argv


@pytest.mark.parametrize("subcommand", ["verify", "list", "fetch"])
def test_an_invalid_manifest_before_the_subcommand_fails(
        subcommand: str, tmp_path: Path) -> None:
    bad = tmp_path / "manifest.yaml"
    bad.write_text("version: 1\nmodels: [{name: x}]\n")
    extra = ["--group", "none"] if subcommand == "fetch" else []  # never a download
    for manifest in (bad, tmp_path / "absent.yaml"):
        result = cabin("models", "--manifest", str(manifest), subcommand, *extra)
        assert result.returncode == 2, (manifest, result.stdout, result.stderr)
        assert "manifest_invalid" in result.stderr and "Traceback" not in result.stderr


def test_two_different_values_are_refused(models: tuple[Path, Path], tmp_path: Path) -> None:
    directory, manifest = models
    result = cabin("models", "--models-dir", str(directory), "verify", "--models-dir",
                   str(tmp_path / "other"), "--manifest", str(manifest))
    assert result.returncode == 2 and "invalid_arguments" in result.stderr
    assert str(directory) in result.stderr and str(tmp_path / "other") in result.stderr
    assert "fix: give --models-dir once" in result.stderr


def test_privacy_config_before_the_subcommand_is_honoured(tmp_path: Path) -> None:
    config = tmp_path / "cabin.yaml"
    config.write_text(f"privacy:\n  recording_dir: {tmp_path / 'recordings'}\n")
    for argv in (["privacy", "--config", str(config), "status"],
                 ["privacy", "status", "--config", str(config)]):
        result = cabin(*argv)
        assert result.returncode == 0, (argv, result.stderr)
        assert f"directory {tmp_path / 'recordings'}" in result.stdout


def test_debug_after_the_subcommand(tmp_path: Path) -> None:
    config = tmp_path / "cabin.yaml"
    config.write_text("{}\n")
    result = cabin("config", "check", str(config), "--debug")
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout
