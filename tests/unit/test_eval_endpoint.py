"""Endpointing on real audio: the real wake word, Piper speech, Silero VAD, faster-whisper
partial decodes, and the completeness rule (a complete command ends fast; an unfinished one
survives a 600 ms pause)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.frontend import FrontEndSettings
from daemon.config import CabinConfig
from daemon.eval import endpoint_eval
from daemon.eval.commands_eval import read_manifest
from daemon.eval.common import load_audio
from daemon.eval.models import EvalModels
from daemon.eval.turn import endpoint_params, run_turn
from tests.conftest import REPO, SHARED_AUDIO, tool_module

pytestmark = pytest.mark.slow

WAKE = SHARED_AUDIO / "wakeword/positive/pymicro-wakeword-tests/hey_jarvis_2.wav"
PARAMS = endpoint_params(0.7, 0.15, 1.2)


@pytest.fixture(scope="module")
def models() -> EvalModels:
    if not WAKE.is_file() or not (REPO / "models" / "whisper-tiny-en").is_dir():
        pytest.skip("shared recordings or models missing")
    return EvalModels(CabinConfig(), wake_models=("wake-hey-jarvis",))


def decoder(models: EvalModels) -> Callable[[np.ndarray], str]:
    return lambda audio: models.transcribe(audio, biased=True)


def test_unfinished_command_is_not_cut_off_in_a_600_ms_pause(models: EvalModels,
                                                             tmp_path: Path) -> None:
    paused = endpoint_eval.paused_utterances(models, WAKE, REPO / "models" / "piper-joe-medium",
                                             tmp_path)
    text, audio, _pause_s, resume_s = paused[0]  # "set the temperature to ... twenty one degrees"
    turn = run_turn(audio, models.wake_detector(), models.vad(), PARAMS,
                    partial_decoder=decoder(models))
    assert turn.wake is not None
    assert turn.end_ms > resume_s * 1000.0 + 500.0, (text, turn)
    assert any(p[1].lower().rstrip(".").endswith("to") for p in turn.partials), turn.partials


def test_complete_command_ends_within_300_ms_of_its_last_word(models: EvalModels,
                                                              tmp_path: Path) -> None:
    bcs = tool_module("build_command_set")
    assert bcs.main(["--out", str(tmp_path), "--snr", "clean", "--limit", "1"]) == 0
    [item] = read_manifest(tmp_path / "manifest.jsonl")
    audio = models.front_end(FrontEndSettings()).process_all(load_audio(item.path))
    turn = run_turn(audio, models.wake_detector(), models.vad(), PARAMS,
                    partial_decoder=decoder(models))
    assert turn.wake is not None
    delay_ms = turn.end_ms - item.command_end_s * 1000.0
    assert 0.0 < delay_ms <= 300.0, (delay_ms, turn.partials)

