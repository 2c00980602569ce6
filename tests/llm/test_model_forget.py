"""Bit rot in place (B2, docs/faults.md): a file whose bytes changed while its size and mtime
did not passes the store's stamp check; when a loader then refuses it (``model_corrupt``),
`ModelStore.loading` forgets the stamp so the next `cabin models verify` hashes it again, and
the error names `cabin models verify --full`, which always hashes.

Here with a synthetic model, and with the language model (llama.cpp refusing a GGUF that the
stamp vouched for, as `Router.load` does it).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from daemon.errors import ModelError
from daemon.llm.config import LlmConfig
from daemon.llm.router import Router
from daemon.models import (
    Manifest,
    ModelStore,
    add_models_parser,
    default_manifest_path,
    load_manifest,
)
from daemon.models.store import STAMP_NAME
from vehicle_tools.tools import default_registry

BODY = b"onnx model bytes " * 64
NAME = "m"
LLM = "qwen2.5-coder-0.5b-q4km"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_manifest(path: Path, models: list[dict[str, Any]]) -> Manifest:
    path.write_text(json.dumps({"version": 1, "models": models}))  # JSON is YAML
    return Manifest.model_validate({"version": 1, "models": models})


def stored_model(tmp_path: Path) -> tuple[ModelStore, Path, Path]:
    """A one-file model, verified once (its stamp written); returns store, file, manifest."""
    entry = {"name": NAME, "kind": "vad", "license": "MIT", "groups": ["dev"],
             "files": [{"path": "m.onnx", "sha256": sha(BODY), "size": len(BODY)}],
             "sources": [{"url": {"base": "u/"}}]}
    models = tmp_path / "models"
    (models / NAME).mkdir(parents=True)
    manifest_path = models / "manifest.yaml"
    store = ModelStore(models, write_manifest(manifest_path, [entry]))
    file = models / NAME / "m.onnx"
    file.write_bytes(BODY)
    store.verify(NAME, full=False)
    assert (models / NAME / STAMP_NAME).is_file()
    return store, file, manifest_path


def rot(file: Path) -> None:
    """Flip one byte in place, keeping size and mtime (what bit rot does)."""
    st = file.stat()
    raw = bytearray(file.read_bytes())
    raw[5] ^= 0xFF
    file.write_bytes(bytes(raw))
    os.utime(file, ns=(st.st_atime_ns, st.st_mtime_ns))


def refuse(store: ModelStore, *names: str, code: str = "model_corrupt") -> ModelError:
    """A loader of `names` refusing its file inside `store.loading`; returns what it raised."""
    with pytest.raises(ModelError) as info, store.loading(*names):
        raise ModelError("cannot load m.onnx: INVALID_PROTOBUF",
                         fix="run `cabin models verify` and re-fetch", code=code)
    return info.value


def cli(argv: list[str], models: Path, manifest: Path) -> int:
    parser = argparse.ArgumentParser(prog="cabin")
    add_models_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["models", *argv, "--models-dir", str(models),
                              "--manifest", str(manifest)])
    code: int = args.func(args)
    return code


def test_bit_rot_passes_the_stamp_but_not_a_full_verify(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    rot(file)
    assert store.verify(NAME, full=False).hashed_bytes == 0  # the stamp vouches for it
    with pytest.raises(ModelError) as info:
        store.verify(NAME, full=True)
    assert info.value.code == "model_corrupt" and str(file) in info.value.message


def test_forget_makes_the_next_verify_hash_again(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    assert store.forget(NAME) is True
    assert store.forget(NAME) is False  # nothing left to forget
    assert store.status(NAME) == "unverified"
    assert store.verify(NAME, full=False).hashed_bytes == len(BODY)
    rot(file)
    store.forget(NAME)
    with pytest.raises(ModelError, match="sha256"):
        store.verify(NAME, full=False)


def test_a_loader_refusing_a_model_forgets_its_stamp_and_names_verify_full(
        tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    rot(file)
    error = refuse(store, NAME)
    assert error.code == "model_corrupt"
    assert error.message == "cannot load m.onnx: INVALID_PROTOBUF"  # the loader's cause kept
    assert f"`cabin models verify --full {NAME}`" in error.fix
    assert f"`cabin models fetch {NAME}`" in error.fix
    assert not (file.parent / STAMP_NAME).exists()
    with pytest.raises(ModelError) as info:
        store.verify(NAME, full=False)  # the plain verify now finds it
    assert info.value.code == "model_corrupt"


def test_other_failures_keep_the_stamp(tmp_path: Path) -> None:
    store, file, _ = stored_model(tmp_path)
    error = refuse(store, NAME, code="model_missing")
    assert error.fix == "run `cabin models verify` and re-fetch"  # untouched
    with pytest.raises(ValueError, match="not a model error"), store.loading(NAME):
        raise ValueError("not a model error")
    with store.loading(NAME):
        pass
    assert (file.parent / STAMP_NAME).is_file()
    assert store.verify(NAME, full=False).hashed_bytes == 0


def test_the_verify_cli_finds_it_after_the_loader_refused_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store, file, manifest = stored_model(tmp_path)
    rot(file)
    assert cli(["verify", NAME], store.models_dir, manifest) == 0  # the stamp says ok
    assert "--full rehashes" in capsys.readouterr().out
    assert cli(["verify", "--full", NAME], store.models_dir, manifest) == 2
    assert "model_corrupt" in capsys.readouterr().err
    refuse(store, NAME)
    assert cli(["verify", NAME], store.models_dir, manifest) == 2
    err = capsys.readouterr().err
    assert "model_corrupt" in err and str(file) in err


def test_llama_cpp_refusing_a_vouched_for_gguf_forgets_its_stamp(tmp_path: Path) -> None:
    """The language model: its file passes the stamp (forged here, as bit rot would leave
    it), llama.cpp refuses it, `Router.load` raises model_corrupt and the stamp is gone."""
    [expected] = load_manifest(default_manifest_path()).get(LLM).files
    directory = tmp_path / LLM
    directory.mkdir()
    gguf = directory / expected.path
    gguf.write_bytes(b"GGUF" + bytes(60))  # not a model llama.cpp can load
    st = gguf.stat()
    (directory / STAMP_NAME).write_text(json.dumps({"model": LLM, "files": {
        expected.path: {"sha256": expected.sha256, "size": st.st_size,
                        "mtime_ns": st.st_mtime_ns}}}))
    with pytest.raises(ModelError) as info:
        Router(LlmConfig(model=LLM), default_registry(), tmp_path).load()
    assert info.value.code == "model_corrupt"
    assert "llama.cpp cannot load" in info.value.message
    assert f"`cabin models verify --full {LLM}`" in info.value.fix
    assert not (directory / STAMP_NAME).exists()

