"""Fixtures of the fault suite: the pipeline's models loaded once per session and handed to
every in-process daemon (the session fixture `stages` is in tests/conftest.py, shared with
tests/security) (each `Daemon.run` would otherwise spend seconds loading them again;
start-up loading itself is exercised by test_start.py in a real `cabin run` process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import daemon.runtime.live
from daemon.config import CabinConfig
from daemon.stages import Stages


def use_loaded(stages: Stages, mp: pytest.MonkeyPatch) -> None:
    """Make `Daemon.run` take `stages` (reset: clocks and states to zero) instead of loading."""
    def loaded(config: CabinConfig) -> Stages:
        stages.reset()
        return stages

    mp.setattr(daemon.runtime.live, "load_stages", loaded)


@pytest.fixture
def fast_start(stages: Stages, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """`Daemon.run` gets the session's loaded models."""
    use_loaded(stages, monkeypatch)
    yield
