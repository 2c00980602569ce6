"""Shared fixtures: test audio built from the real recordings in ../shared/audio.

The builders in tools/ are the same ones `make commands` and `make demo` use; here they write
into pytest's temporary directory so tests never depend on a previous build.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from daemon.config import CabinConfig
    from daemon.llm.router import Router
    from daemon.stages import Stages

REPO = Path(__file__).resolve().parents[1]
SHARED_AUDIO = REPO.parent / "shared" / "audio"


def tool_module(name: str) -> ModuleType:
    """Import tools/<name>.py (tools/ is a package at the repository root, not installed)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(f"tools.{name}")


def shipped_config_greedy() -> CabinConfig:
    """cabin.yaml as shipped, but with greedy decoding only (``asr.temperatures: [0.0]``).

    The shipped retry at temperature 0.5 samples, and ctranslate2's per-thread generators
    cannot be seeded from Python, so a replay the retry fires on can differ from the next
    (docs/eval.md). End-to-end tests that assert exact turns use this: one sampled retry once
    made a question back that shifted every later turn number in a full CI run."""
    from daemon.config import load_config

    base = load_config(REPO / "cabin.yaml")
    return base.model_copy(update={"asr": base.asr.model_copy(update={"temperatures": (0.0,)})})


def _require_shared() -> None:
    if not (SHARED_AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")


@pytest.fixture(scope="session")
def command_wav_10db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """'hey jarvis' (real) + 'set the temperature to twenty one degrees' (Piper) at 10 dB."""
    _require_shared()
    out = tmp_path_factory.mktemp("commands")
    bcs = tool_module("build_command_set")
    assert bcs.main(["--out", str(out), "--snr", "10", "--limit", "1"]) == 0
    return out / "snr10" / "cmd_01.wav"


@pytest.fixture(scope="session")
def demo_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The three-turn demo session (real wake words, Piper commands, car noise at 15 dB)."""
    _require_shared()
    out = tmp_path_factory.mktemp("demo") / "session.wav"
    assert tool_module("build_demo_session").main(["--out", str(out)]) == 0
    return out


# --- loaded once per session for every directory that needs them (tests/llm, tests/faults and
# tests/security): a session fixture imported into two conftests would load twice ---

@pytest.fixture(scope="session")
def router() -> Router:
    """The CI model's router with every tool, system prompt cached (slow, ~20-50 s)."""
    from tests.llm.conftest import load_router
    return load_router()


@pytest.fixture(scope="session")
def stages(tmp_path_factory: pytest.TempPathFactory) -> Stages:
    """Wake word, VAD, faster-whisper, Piper and the front end, loaded once (slow)."""
    from daemon.stages import load_stages
    from tests.faults.harness import fault_config
    return load_stages(fault_config(tmp_path_factory.mktemp("stages")))
