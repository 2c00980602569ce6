"""Issue 23 item 6: a failed `cabin models verify --full` sticks.

A file whose bytes changed while its size and mtime did not (bit rot, or tampering that
restores the mtime) passes the stamp-accelerated check. Once `verify --full` has found it bad,
the plain `verify`, `fetch`'s "already present" check and the daemon's model loading
(`daemon.stages.resolve`, used for every model and the language model) refuse it, naming the
file and `cabin models fetch NAME`, until the file changes and a hash of it passes.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import urllib.request
from pathlib import Path
from typing import IO

import pytest

from daemon.errors import ModelError
from daemon.models import Fetcher, Manifest, ModelStore, add_models_parser
from daemon.models.store import STAMP_NAME
from daemon.stages import resolve

BODY = b"onnx model bytes " * 64
NAME = "m"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def stored_model(tmp_path: Path) -> tuple[ModelStore, Path, Path]:
    """A one-file model in tmp_path/models, verified once; returns store, file, manifest path."""
    entry = {"name": NAME, "kind": "vad", "license": "MIT", "groups": ["dev"],
             "files": [{"path": "m.onnx", "sha256": sha(BODY), "size": len(BODY)}],
             "sources": [{"url": {"base": "https://models.invalid/"}}]}
    models = tmp_path / "models"
    (models / NAME).mkdir(parents=True)
    manifest_path = models / "manifest.yaml"
    manifest_path.write_text(json.dumps({"version": 1, "models": [entry]}))  # JSON is YAML
    store = ModelStore(models, Manifest.model_validate({"version": 1, "models": [entry]}))
    file = models / NAME / "m.onnx"
    file.write_bytes(BODY)
    store.verify(NAME, full=False)
    return store, file, manifest_path


def rewrite_keeping_mtime(file: Path, data: bytes) -> None:
    """Write `data` in place (same inode) and put the old mtime back."""
    st = file.stat()
    with file.open("r+b") as fh:
        fh.write(data)
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))


def rot(file: Path) -> bytes:
    raw = bytearray(file.read_bytes())
    raw[5] ^= 0xFF
    rewrite_keeping_mtime(file, bytes(raw))
    return bytes(raw)


def cli(argv: list[str], models: Path, manifest: Path) -> int:
    parser = argparse.ArgumentParser(prog="cabin")
    add_models_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["models", *argv, "--models-dir", str(models),
                              "--manifest", str(manifest)])
    code: int = args.func(args)
    return code


def test_a_failed_full_verify_makes_the_plain_verify_fail(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, file, manifest = stored_model(tmp_path)
    bad = rot(file)
    assert cli(["verify", NAME], store.models_dir, manifest) == 0  # only the stamp is checked
    capsys.readouterr()
    assert cli(["verify", "--full", NAME], store.models_dir, manifest) == 2
    capsys.readouterr()
    assert cli(["verify", NAME], store.models_dir, manifest) == 2
    err = capsys.readouterr().err
    assert "model_corrupt" in err and str(file) in err and sha(bad) in err
    assert "cabin models fetch m" in err and "Traceback" not in err
    assert store.status(NAME) == "corrupt"


def test_the_daemon_refuses_a_file_a_full_verify_found_bad(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    rot(file)
    assert resolve(store, NAME) == file.parent  # before: the stamp vouches for it
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)
    with pytest.raises(ModelError) as info:
        resolve(store, NAME)  # what load_stages and Router.load call before loading
    assert info.value.code == "model_corrupt"
    assert str(file) in info.value.message and "has not changed since" in info.value.message
    assert "`cabin models fetch m`" in info.value.fix


def test_it_is_remembered_without_rehashing(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    store, file, _ = stored_model(tmp_path)
    rot(file)
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)

    def no_hashing(*_args: object) -> str:
        raise AssertionError("a remembered-bad file was hashed again")

    monkeypatch.setattr("daemon.models.store.sha256_file", no_hashing)
    with pytest.raises(ModelError, match="sha256"):
        store.verify(NAME, full=False)


def test_restored_in_place_with_the_same_mtime_needs_a_full_verify(tmp_path: Path) -> None:
    """The file is good again but looks unchanged (same size, mtime, inode): still refused
    until `verify --full` hashes it and it passes; then the plain verify passes again."""
    store, file, _ = stored_model(tmp_path)
    rot(file)
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)
    rewrite_keeping_mtime(file, BODY)
    with pytest.raises(ModelError, match="model 'm' is corrupt"):
        store.verify(NAME, full=False)
    assert store.verify(NAME, full=True).hashed_bytes == len(BODY)
    assert store.verify(NAME, full=False).hashed_bytes == 0
    assert store.status(NAME) == "present"


def test_fetch_replaces_a_remembered_bad_file(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    rot(file)
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)
    urls: list[str] = []

    def opener(request: urllib.request.Request) -> IO[bytes]:
        urls.append(request.full_url)
        return io.BytesIO(BODY)

    result = Fetcher(store, progress=False, opener=opener).fetch(NAME)
    assert urls == ["https://models.invalid/m.onnx"]  # not "already present"
    assert result.source is not None and file.read_bytes() == BODY
    assert store.verify(NAME, full=False).hashed_bytes == 0


def test_the_record_keeps_the_bad_hash_until_the_file_changes(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    bad = rot(file)
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)
    entry = json.loads((file.parent / STAMP_NAME).read_text())["files"]["m.onnx"]
    assert entry["sha256"] == sha(bad) and entry["ino"] == file.stat().st_ino
    file.write_bytes(BODY)  # e.g. copied back from a good machine: a new mtime
    os.utime(file, ns=(1_000_000_000, 1_000_000_000))
    assert store.verify(NAME, full=False).hashed_bytes == len(BODY)  # a changed file is hashed
    assert store.status(NAME) == "present"


def test_a_replacement_with_the_same_size_and_mtime_is_hashed(tmp_path: Path) -> None:
    """A good copy put in place of the bad file keeping size and mtime (``cp -p``, ``rsync
    -t``): a new inode, so it is hashed (and accepted) instead of refused for its predecessor;
    before, the old stamp accepted whatever was there without hashing."""
    store, file, _ = stored_model(tmp_path)
    rot(file)
    with pytest.raises(ModelError):
        store.verify(NAME, full=True)
    st = file.stat()
    spare = file.with_name("spare")
    spare.write_bytes(BODY)
    os.utime(spare, ns=(st.st_atime_ns, st.st_mtime_ns))
    spare.replace(file)
    assert store.verify(NAME, full=False).hashed_bytes == len(BODY)
