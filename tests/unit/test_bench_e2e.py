"""`cabin bench` end to end on real models and one file of each set (slow; nothing timed).

What is checked is what the bench computes, not how fast: both modes ran, the sequential
baseline waited its 0.7 s of silence (audio time, deterministic), barge-in was measured against
the ground-truth onset, every stage was timed, and the JSON, the table and the PNGs were written.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daemon.cli import main
from tests.conftest import tool_module

pytestmark = pytest.mark.slow


def test_bench_on_one_command_and_one_barge_in(command_wav_10db: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    barge = tmp_path / "barge"
    assert tool_module("build_barge_in_set").main(["--out", str(barge), "--limit", "1"]) == 0
    out = tmp_path / "bench" / "bench.json"
    commands = command_wav_10db.parent.parent
    assert main(["bench", "--commands", str(commands), "--snr", "10", "--barge-in", str(barge),
                 "--limit", "1", "--no-llm", "--out", str(out)]) == 0
    report = json.loads(out.read_text())
    main_ms, seq_ms = report["metrics_ms"], report["sequential_metrics_ms"]
    assert main_ms["fast_path_voice_to_voice_ms"]["n"] == 1
    assert seq_ms["fast_path_voice_to_voice_ms"]["n"] == 1
    assert seq_ms["eou_delay_ms"]["p50"] >= 700.0 - 32.0  # silence-only, 0.7 s (VAD windows)
    assert main_ms["eou_delay_ms"]["p50"] < seq_ms["eou_delay_ms"]["p50"]
    assert main_ms["barge_in_stop_ms"]["n"] == 1
    assert set(report["rtf"]) == {"frontend", "vad", "wake", "asr", "tts"}
    assert all(v["cpu_rtf"] > 0.0 for v in report["rtf"].values())
    shares = report["memory_mb"]["shares"]
    assert {"baseline", "runtimes", "VAD (Silero)"} <= set(shares)
    assert not any(k.startswith("LLM") for k in shares)  # --no-llm
    assert report["idle"]["false_wakes"] == 0
    goal = report["goals"]["streaming_over_sequential.fast_path_voice_to_voice_ms.p50"]
    assert goal["value"] > 0.0
    printed = capsys.readouterr().out
    assert "voice_to_voice_ms" in printed and "stage RTF" in printed
    for name in ("bench_latency.png", "bench_resources.png"):
        assert (out.parent / name).read_bytes().startswith(b"\x89PNG")
