"""Fixtures of the fault suite: the pipeline's models loaded once per session and handed to
every in-process daemon (each `Daemon.run` would otherwise spend seconds loading them again;
start-up loading itself is exercised by test_start.py in a real `cabin run` process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import daemon.live
from daemon.config import CabinConfig
from daemon.stages import Stages, load_stages
from tests.faults.harness import fault_config


@pytest.fixture(scope="session")
def stages(tmp_path_factory: pytest.TempPathFactory) -> Stages:
    """Wake word, VAD, faster-whisper, Piper and the front end, loaded once (slow)."""
    return load_stages(fault_config(tmp_path_factory.mktemp("stages")))


def use_loaded(stages: Stages, mp: pytest.MonkeyPatch) -> None:
    """Make `Daemon.run` take `stages` (reset: clocks and states to zero) instead of loading."""
    def loaded(config: CabinConfig) -> Stages:
        stages.reset()
        return stages

    mp.setattr(daemon.live, "load_stages", loaded)


@pytest.fixture
def fast_start(stages: Stages, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`Daemon.run` gets the session's loaded models."""
    use_loaded(stages, monkeypatch)
    yield
