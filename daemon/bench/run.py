"""One `cabin bench` run: load, replay both modes, barge-in, idle, stages alone; the report."""

from __future__ import annotations

import argparse
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from daemon.bench.corpus import (
    barge_files,
    command_files,
    idle_noise,
    run_barge_in,
    run_commands,
    run_idle,
)
from daemon.bench.memory import RssProbe, load_llm, load_measured, peak_rss_mb, rss_split_mb
from daemon.bench.report import build
from daemon.bench.stagetime import reply_sentences, time_stages
from daemon.config import load_config
from daemon.conversation.turn import APOLOGY, CANNOT_DO, NOT_HEARD
from daemon.errors import CabinError
from daemon.reports.metrics import collect

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sizes:
    """How much of the corpus a run uses (None: all)."""

    commands: int | None
    barge_in: int | None
    rtf_files: int
    tts_sentences: int
    idle_s: float


FULL = Sizes(None, None, 8, 16, 60.0)
QUICK = Sizes(10, 6, 4, 8, 15.0)


def _sizes(args: argparse.Namespace) -> Sizes:
    base = QUICK if args.quick else FULL
    if args.limit is not None:
        return Sizes(args.limit, args.limit, min(base.rtf_files, args.limit), base.tts_sentences,
                     base.idle_s)
    return base


def _require(path: Path, what: str, fix: str) -> None:
    if not (path / "manifest.jsonl").is_file():
        raise CabinError(f"no {what} at {path} (manifest.jsonl missing)", fix=fix,
                         code="audio_missing")


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Replay the corpus, time the stages, measure memory; returns the report (JSON object)."""
    config = load_config(args.config)
    sizes = _sizes(args)
    _require(args.commands, "command set", "run `make commands`")
    _require(args.barge_in, "barge-in set", "run `.venv/bin/python tools/build_barge_in_set.py`")
    commands = command_files(args.commands, args.snr, sizes.commands)
    barges = barge_files(args.barge_in, sizes.barge_in)
    if not commands:
        raise CabinError(f"no files at SNR {args.snr} in {args.commands}",
                         fix="pick --snr from the built set (20, 10, 5, clean)",
                         code="audio_missing")
    sequential = not args.no_sequential
    rtf_files = commands[: sizes.rtf_files]
    total = len(commands) * (2 if sequential else 1) + len(barges) + 1 + len(rtf_files) + 2
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    with tqdm(total=total, unit="step", desc="bench: loading models") as bar:

        def tick() -> None:
            bar.update()

        probe = RssProbe()
        stages = load_measured(config, probe)
        bar.update()
        bar.set_description("bench: loading the language model")
        agent = load_llm(config, probe) if not args.no_llm else None
        if agent is None:  # no model: replays must not try to load one per file
            config = config.model_copy(update={
                "llm": config.llm.model_copy(update={"enabled": False})})
        bar.update()
        bar.set_description("bench: commands (streaming + sequential)")
        streaming, baseline = run_commands(config, stages, agent, commands, tick,
                                           sequential=sequential)
        bar.set_description("bench: barge-in")
        barge, stops, missed = run_barge_in(config, stages, agent, barges, tick)
        bar.set_description("bench: idle listening on car noise")
        noise = idle_noise(args.noise, sizes.idle_s, args.out.parent / "bench_idle_noise.wav")
        idle, wakes = run_idle(config, stages, agent, noise)
        bar.update()
        bar.set_description("bench: stages alone")
        cached = [NOT_HEARD, CANNOT_DO, APOLOGY, config.tts.acknowledge, config.llm.interim]
        sentences = reply_sentences(streaming.replies, cached, sizes.tts_sentences)
        stage_times = time_stages(stages, rtf_files, sentences, tick)
    peak, by_kind = peak_rss_mb(), rss_split_mb()
    del agent
    main = collect(streaming.turns)
    for name, values in collect(barge.turns).items():  # the model answers what the set's
        if name.startswith("llm_"):                  # GRID interruptions say
            main.setdefault(name, []).extend(values)
    main["barge_in_stop_ms"] = stops  # against the ground-truth onsets, not the VAD's
    report = build(
        corpus={"commands": len(commands), "snr_db": args.snr, "barge_in_files": len(barges),
                "barge_in_missed": missed, "audio_seconds": round(streaming.audio_s, 1),
                "rtf_files": len(rtf_files), "tts_sentences": len(sentences)},
        streaming=main, sequential=collect(baseline.turns) if baseline else None,
        stage_times=stage_times,
        cpu=(streaming.cpu_per_audio_s, baseline.cpu_per_audio_s if baseline else None),
        idle=(idle.cpu_s, idle.audio_s, wakes), shares=probe.shares, peak_rss=peak,
        rss_now=by_kind, wall_s=time.perf_counter() - started,
        conditions={"load_average_start": round(load_start, 2),
                    "load_average_end": round(os.getloadavg()[0], 2),
                    "cpu_share_of_wall": round(streaming.cpu_s / max(streaming.wall_s, 1e-9), 2)})
    return report.to_json()


