"""Fault 1: a model file missing or corrupt at start.

A pipeline model (here Silero VAD) that is missing or corrupt stops `cabin run` before any
audio runs: exit status 2, the cause and the `cabin models` command that fixes it on stderr,
never a traceback. The language model is optional: missing or corrupt, the daemon starts
degraded (announced, an `error` event with code ``degraded``) and the fast path still answers.

The models directory (config ``models_dir``) is a copy in tmp: the damaged model is copied
(mtimes kept, so its verification stamp still describes the original), the others linked.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon import events as ev
from daemon.conversation.decide import CANNOT_DO
from daemon.llm.config import LlmConfig
from tests.faults.harness import REPO, fault_config, running

pytestmark = pytest.mark.slow
MODELS = REPO / "models"
VAD = "silero-vad"
VAD_FILE = "silero_vad.onnx"
LLM = "qwen2.5-coder-0.5b-q4km"


def models_copy(root: Path, *, copied: tuple[str, ...] = (), absent: tuple[str, ...] = ()
                ) -> Path:
    """A models directory: `copied` models copied (mtimes kept), `absent` ones left out, the
    others symlinked to the real ones."""
    root.mkdir()
    shutil.copy2(MODELS / "manifest.yaml", root / "manifest.yaml")
    for model in sorted(p for p in MODELS.iterdir() if p.is_dir()):
        if model.name in absent:
            continue
        if model.name in copied:
            shutil.copytree(model, root / model.name, copy_function=shutil.copy2)
        else:
            (root / model.name).symlink_to(model, target_is_directory=True)
    return root


def flip_byte(path: Path, offset: int = 10, *, keep_mtime: bool = False) -> None:
    """Invert one byte; `keep_mtime`: as bit rot does, size and mtime stay the same."""
    st = path.stat()
    with path.open("r+b") as fh:
        fh.seek(offset)
        byte = fh.read(1)
        fh.seek(offset)
        fh.write(bytes([byte[0] ^ 0xFF]))
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


@dataclass(frozen=True)
class Start:
    """What `cabin run` did with a damaged models directory."""

    models: Path
    rc: int
    stderr: str
    events: list[dict[str, object]]


def cabin_run(tmp: Path, models: Path, wav: Path) -> Start:
    config = tmp / "cabin.yaml"
    config.write_text(
        f"models_dir: {models}\n"
        f"vehicle:\n  can:\n    channel: cabin-fault-{tmp.name}\n  dbus:\n    enabled: false\n"
        "hmi:\n  enabled: false\nllm:\n  enabled: false\n"
        f"frontend:\n  echo_path_file: {tmp / 'echo_path.npz'}\n")
    events = tmp / "events.jsonl"
    env = {k: v for k, v in os.environ.items()
           if k not in ("NOTIFY_SOCKET", "DBUS_SESSION_BUS_ADDRESS", "CABIN_MODELS_DIR")}
    proc = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "run", "--config", str(config), "--input-wav",
         str(wav), "--output-wav", str(tmp / "out.wav"), "--events", str(events)],
        cwd=REPO, env=env, text=True, capture_output=True, timeout=120, check=False)
    rows = [json.loads(line) for line in events.read_text().splitlines()] \
        if events.exists() else []
    return Start(models, proc.returncode, proc.stderr, rows)


DAMAGE: dict[str, Callable[[Path], Path]] = {
    "missing": lambda tmp: _remove(models_copy(tmp / "models", copied=(VAD,))),
    "corrupt": lambda tmp: _flip(models_copy(tmp / "models", copied=(VAD,)), keep_mtime=False),
    "bit_rot": lambda tmp: _flip(models_copy(tmp / "models", copied=(VAD,)), keep_mtime=True),
}


def _remove(models: Path) -> Path:
    (models / VAD / VAD_FILE).unlink()
    return models


def _flip(models: Path, *, keep_mtime: bool) -> Path:
    flip_byte(models / VAD / VAD_FILE, keep_mtime=keep_mtime)
    return models


@pytest.fixture(scope="module")
def starts(tmp_path_factory: pytest.TempPathFactory, command_wav_10db: Path
           ) -> Callable[[str], Start]:
    """`cabin run` on each kind of damage, run once per module (each costs a process)."""
    done: dict[str, Start] = {}

    def start(kind: str) -> Start:
        if kind not in done:
            tmp = tmp_path_factory.mktemp(f"start-{kind}")
            done[kind] = cabin_run(tmp, DAMAGE[kind](tmp), command_wav_10db)
        return done[kind]

    return start


@pytest.mark.parametrize(("kind", "code"), [("missing", "model_missing"),
                                            ("corrupt", "model_corrupt"),
                                            ("bit_rot", "model_corrupt")])
def test_a_bad_model_stops_the_start_naming_the_fix(starts: Callable[[str], Start], kind: str,
                                                    code: str) -> None:
    start = starts(kind)
    assert start.rc == 2, start.stderr
    assert f"cabin: error [{code}]" in start.stderr
    assert str(start.models / VAD) in start.stderr  # names the file or directory
    assert "fix: " in start.stderr and VAD in start.stderr.split("fix: ", 1)[1]
    assert "Traceback" not in start.stderr
    assert "ready" not in start.stderr  # it never announced itself ready


@pytest.mark.parametrize("kind", ["missing", "corrupt"])
def test_the_named_fetch_repairs_it(starts: Callable[[str], Start], kind: str) -> None:
    start = starts(kind)
    fix = start.stderr.split("fix: ", 1)[1]
    assert f"`cabin models fetch {VAD}`" in fix
    if kind == "corrupt":
        assert "delete the bad files" in fix


def test_the_named_fix_finds_corruption_in_place(starts: Callable[[str], Start]) -> None:
    start = starts("bit_rot")
    assert f"`cabin models verify --full {VAD}`" in start.stderr.split("fix: ", 1)[1]
    proc = subprocess.run(
        [sys.executable, "-m", "daemon.cli", "models", "verify", "--models-dir",
         str(start.models), VAD], cwd=REPO, text=True, capture_output=True, timeout=120,
        check=False)
    assert proc.returncode != 0, proc.stdout + proc.stderr


def test_a_failed_start_is_in_the_event_log(starts: Callable[[str], Start]) -> None:
    start = starts("missing")
    assert start.rc == 2
    assert [(e["type"], e["code"]) for e in start.events] == [("error", "model_missing")]


def _llm_missing(tmp: Path) -> Path:
    return models_copy(tmp / "models", absent=(LLM,))


def _llm_truncated(tmp: Path) -> Path:
    models = models_copy(tmp / "models", absent=(LLM,))
    (models / LLM).mkdir()
    (models / LLM / "qwen2.5-coder-0.5b-instruct-q4_k_m.gguf").write_bytes(b"GGUF" + bytes(60))
    return models


@pytest.mark.parametrize(("damage", "cause"), [(_llm_missing, "is missing"),
                                               (_llm_truncated, "is corrupt")])
def test_without_its_language_model_the_daemon_starts_degraded(
        fast_start: None, tmp_path: Path, damage: Callable[[Path], Path], cause: str) -> None:
    config = fault_config(tmp_path, llm=LlmConfig(enabled=True, model=LLM)).model_copy(
        update={"models_dir": damage(tmp_path)})

    async def scenario() -> tuple[list[str], list[ev.ErrorEvent], list[str], list[str]]:
        async with running(config) as run:
            fan = await run.text("set the fan to level two")
            other = await run.text("tell me a joke")
            return (run.daemon.degraded, run.errors(), run.replies(fan), run.replies(other))

    degraded, errors, fan, other = asyncio.run(scenario())
    [why] = degraded
    assert why.startswith("language model unavailable") and cause in why
    assert f"cabin models fetch {LLM}" in why
    assert [(e.code, e.message) for e in errors] == [("degraded", why)]
    assert fan == ["Okay. The fan is set to level 2."]  # the fast path still works
    assert other == [CANNOT_DO]
