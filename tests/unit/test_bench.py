"""`cabin bench` parts fed known inputs: corpus files, report, goals, compare, memory, plots.

Nothing here is timed: the bench measures speed, these tests check what it computes.
"""

from __future__ import annotations

import json
import mmap
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from daemon.audio.wavio import read_wav, write_wav
from daemon.bench.corpus import (
    PassResult,
    barge_files,
    barge_in_stops,
    command_files,
    idle_noise,
    sequential_config,
    with_word_end,
)
from daemon.bench.memory import RssProbe, Share, rss_mb, rss_split_mb
from daemon.bench.plots import write_plots
from daemon.bench.report import build, flatten, goals, table
from daemon.bench.stagetime import StageTime, reply_sentences
from daemon.config import CabinConfig

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def write_manifest(directory: Path, rows: list[dict[str, object]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))


def test_command_files_pick_one_snr_in_order(tmp_path: Path) -> None:
    rows = [{"path": f"{d}/cmd_{i:02d}.wav", "command_start_s": 2.0 + i, "command_end_s": 4.0}
            for d in ("clean", "snr20", "snr10") for i in range(1, 4)]
    write_manifest(tmp_path, rows)
    files = command_files(tmp_path, "20", None)
    assert [f.path for f in files] == [tmp_path / f"snr20/cmd_0{i}.wav" for i in (1, 2, 3)]
    assert (files[1].start_s, files[1].end_s) == (4.0, 4.0)
    assert [f.path.name for f in command_files(tmp_path, "clean", 2)] == ["cmd_01.wav",
                                                                        "cmd_02.wav"]
    assert command_files(tmp_path, "5", None) == []


def test_barge_in_files_and_stop_time_against_the_true_onset(tmp_path: Path) -> None:
    write_manifest(tmp_path, [{"path": "barge_00.wav", "onset_s": 5.756},
                              {"path": "barge_01.wav", "onset_s": 6.0}])
    files = barge_files(tmp_path, 1)
    assert [(f.path.name, f.onset_s) for f in files] == [("barge_00.wav", 5.756)]
    rows: list[dict[str, object]] = [
        {"type": "interrupted", "t_ms": 9000.0, "turn": 2},  # a later turn's: not this one
        {"type": "interrupted", "t_ms": 5856.0, "turn": 1},
    ]
    assert barge_in_stops(rows, 5.756) == pytest.approx(100.0)
    assert barge_in_stops(rows[:1], 5.756) is None


def test_voice_to_voice_from_the_ground_truth_end_adds_the_vad_lag() -> None:
    from daemon.reports.metrics import TurnMetrics

    rows: list[dict[str, object]] = [
        {"type": "speech_end", "turn": 1, "t_ms": 3400.0, "last_speech_ms": 3230.0}]
    turns = [TurnMetrics(1, {"voice_to_voice_ms": 450.0, "fast_path_voice_to_voice_ms": 450.0}),
             TurnMetrics(2, {"voice_to_voice_ms": 900.0})]
    out = with_word_end(turns, rows, end_s=3.12)  # the VAD called the end 110 ms late
    assert out[0].values["word_end_voice_to_voice_ms"] == pytest.approx(560.0)
    assert out[0].values["fast_path_word_end_voice_to_voice_ms"] == pytest.approx(560.0)
    assert out[0].values["voice_to_voice_ms"] == 450.0
    assert "word_end_voice_to_voice_ms" not in out[1].values  # only the command's turn
    assert with_word_end(turns, [], end_s=3.12) == turns  # no speech end: nothing to add
    assert "llm_word_end_voice_to_voice_ms" not in out[0].values
    model = with_word_end([TurnMetrics(1, {"voice_to_voice_ms": 1300.0,
                                           "llm_voice_to_voice_ms": 1300.0})], rows, end_s=3.12)
    assert model[0].values["llm_word_end_voice_to_voice_ms"] == pytest.approx(1410.0)


def test_sequential_config_is_the_silence_only_baseline() -> None:
    base = CabinConfig()
    seq = sequential_config(base)
    assert seq.sequential and not base.sequential
    assert seq.endpoint.semantic is False and seq.endpoint.silence_s == 0.7
    assert seq.endpoint.max_utterance_s == base.endpoint.max_utterance_s
    assert seq.asr == base.asr and seq.tts == base.tts


def test_idle_noise_loops_and_resamples(tmp_path: Path) -> None:
    src = tmp_path / "noise.wav"
    write_wav(src, (np.arange(20000) % 200 - 100).astype(np.int16), 20000)  # 1 s at 20 kHz
    out = read_wav(idle_noise(src, 2.5, tmp_path / "idle.wav"))
    assert out.rate_hz == 16000
    assert len(out.samples) == 40000


def test_pass_cpu_per_audio_second() -> None:
    p = PassResult("idle", audio_s=30.0, cpu_s=1.5)
    assert p.cpu_per_audio_s == pytest.approx(0.05)
    assert PassResult("empty").cpu_per_audio_s == 0.0


def test_reply_sentences_skip_pre_rendered_phrases_and_repeats() -> None:
    replies = ["Okay. The temperature is set to 21 degrees.", "Okay. Window open.",
               "Sorry, I can't do that yet.", "Window open."]
    got = reply_sentences(replies, ["Okay.", "Sorry, I can't do that yet.", ""], limit=5)
    assert got == ["The temperature is set to 21 degrees.", "Window open."]
    assert reply_sentences(replies, [], limit=1) == ["Okay."]


def test_stage_time_factors() -> None:
    t = StageTime("asr", audio_s=10.0, wall_s=3.0, cpu_s=2.0)
    assert (t.rtf, t.cpu_rtf) == (0.3, 0.2)
    assert StageTime("tts", 0.0, 1.0, 1.0).rtf == 0.0


def test_rss_probe_charges_an_allocation_to_its_step() -> None:
    probe = RssProbe()
    # 64 MB of fresh anonymous pages, every page written: from malloc (np.ones) the block could
    # reuse heap an earlier test had freed but glibc kept resident (seen once in a full run:
    # 55.9 MB charged)
    memory = mmap.mmap(-1, 64 * 1024 * 1024, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    block = np.frombuffer(memory, dtype=np.uint8)
    block[::4096] = 1
    probe.mark("block")
    assert block.sum() > 0
    share = probe.shares[-1]
    assert share.name == "block"
    assert 60.0 <= share.mb <= 80.0
    assert probe.shares[0].name == "baseline" and probe.shares[0].mb > 10.0
    assert rss_mb() > 0.0
    kinds = rss_split_mb()
    assert kinds["anon"] > 60.0 and "file" in kinds


def report_json(v2v: list[float], seq_v2v: list[float] | None) -> dict[str, Any]:
    return build(
        corpus={"commands": len(v2v)},
        streaming={"fast_path_voice_to_voice_ms": v2v, "barge_in_stop_ms": [100.0, 64.0],
                   "llm_first_token_ms": [800.0]},
        sequential=None if seq_v2v is None else {"fast_path_voice_to_voice_ms": seq_v2v,
                                                 "llm_first_token_ms": [100.0]},
        stage_times=[StageTime("asr", 10.0, 3.0, 2.0)], cpu=(0.4, 0.3),
        idle=(1.5, 30.0, 0), shares=[Share("baseline", 120.0, 0.0), Share("LLM", 590.0, 1.2)],
        peak_rss=900.0, rss_now={"anon": 400.0, "file": 480.0}, wall_s=12.0,
        conditions={"load_average_start": 1.0, "load_average_end": 2.0,
                    "cpu_share_of_wall": 0.9}).to_json()


def test_report_ratios_and_goals() -> None:
    report = report_json([250.0, 260.0, 270.0, 600.0], [1000.0, 1000.0, 1000.0, 1000.0])
    assert report["metrics_ms"]["fast_path_voice_to_voice_ms"]["p50"] == 265.0
    ratio = report["streaming_over_sequential"]["fast_path_voice_to_voice_ms"]
    assert ratio["p50"] == pytest.approx(0.265)
    assert set(report["streaming_over_sequential"]) == {"fast_path_voice_to_voice_ms"}
    assert report["idle_cpu_percent_of_core"] == 5.0
    assert report["memory_mb"]["working"] == 190.0
    g = report["goals"]
    assert g["fast_path_voice_to_voice_ms.p50"]["met"] is True
    assert g["fast_path_voice_to_voice_ms.p95"]["met"] is False
    assert g["streaming_over_sequential.fast_path_voice_to_voice_ms.p50"]["met"] is True
    assert g["idle_cpu_percent_of_core"]["met"] is True
    assert g["memory_mb.peak_rss"]["met"] is True
    assert json.loads(json.dumps(report)) == report  # plain JSON all the way down


def test_goals_without_baseline_are_not_measured() -> None:
    report = report_json([250.0], None)
    assert report["goals"]["streaming_over_sequential.fast_path_voice_to_voice_ms.p50"] == {
        "target": "<= 0.35", "value": None, "met": None}
    assert goals({})["memory_mb.peak_rss"]["met"] is None


def test_table_and_compare_with_an_old_format_report() -> None:
    new = report_json([250.0, 270.0], [1000.0, 1000.0])
    old = {"metrics_ms": {"fast_path_voice_to_voice_ms": {"n": 25, "p50": 520.0, "p95": 1241.0,
                                                "mean": 811.0}},
           "cpu_seconds_per_audio_second": 0.8, "peak_rss_mb": 661.5}
    lines = table(new, old)
    row = next(x for x in lines if x.startswith("fast_path_voice_to_voice_ms"))
    assert row.split()[-2:] == ["0.26", "0.50"]  # streaming/sequential, new/old
    assert "new/old cpu_seconds_per_audio_second: 0.4 / 0.8 = 0.50" in lines
    assert any(x.startswith("goal memory_mb.peak_rss <= 1200: 900.00 met") for x in lines)
    assert "new/old" not in table(new)[0]
    assert lines[-1].endswith("load (1 min) 1.0 -> 2.0, the replays got 0.9 CPU s per wall s")
    assert "samples_ms.streaming.fast_path_voice_to_voice_ms" not in " ".join(flatten(new))


def test_bench_plots_are_written_next_to_the_json(tmp_path: Path) -> None:
    report = report_json([250.0, 270.0, 300.0], [1000.0, 900.0, 1100.0])
    paths = write_plots(report, tmp_path / "out" / "bench.json")
    assert [p.name for p in paths] == ["bench_latency.png", "bench_resources.png"]
    for p in paths:
        assert p.read_bytes().startswith(PNG_MAGIC)


def test_compare_with_a_missing_or_foreign_report_is_a_clear_error(tmp_path: Path) -> None:
    """`cabin bench --compare` reads the earlier report before the run, not after it."""
    from daemon.bench import _earlier_report
    from daemon.errors import CabinError

    with pytest.raises(CabinError, match="no earlier bench report") as missing:
        _earlier_report(tmp_path / "nope.json")
    assert missing.value.code == "compare_missing"
    (tmp_path / "other.json").write_text('{"a": 1}')
    with pytest.raises(CabinError, match="not a bench report"):
        _earlier_report(tmp_path / "other.json")
    (tmp_path / "broken.json").write_text("{")
    with pytest.raises(CabinError, match="cannot read"):
        _earlier_report(tmp_path / "broken.json")
    (tmp_path / "old.json").write_text('{"metrics_ms": {}}')
    assert _earlier_report(tmp_path / "old.json") == {"metrics_ms": {}}
