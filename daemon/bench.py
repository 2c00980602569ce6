"""`cabin bench`: replay a corpus, report latency percentiles, CPU and memory.

The corpus: the built command set (tools/build_command_set.py) at one SNR and the double-talk
barge-in set (tools/build_barge_in_set.py). Every file is replayed through the real pipeline with
the simulated car; metrics come from the event logs (daemon/metrics.py). Speed is measured here,
never in unit tests. Writes JSON; `--compare old.json` prints new/old ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import resource
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from tqdm import tqdm

from daemon import events as ev
from daemon.config import CabinConfig, load_config
from daemon.metrics import collect, summarize, turn_metrics
from daemon.replay import replay
from daemon.stages import Stages, load_stages

REPO = Path(__file__).resolve().parent.parent


def _rows(events: list[ev.Event]) -> list[dict[str, object]]:
    return [e.to_dict() for e in events]


def _on_channel(config: CabinConfig) -> CabinConfig:
    """`config` on a fresh virtual CAN channel (each replay gets its own simulated car)."""
    can = config.vehicle.can.model_copy(update={"channel": f"cabin-bench-{uuid.uuid4()}"})
    return config.model_copy(update={"vehicle": config.vehicle.model_copy(update={"can": can})})


async def _replay_rows(config: CabinConfig, wav: Path,
                       stages: Stages) -> tuple[list[dict[str, object]], float]:
    result = await replay(_on_channel(config), wav, stages=stages)
    return _rows(result.events), result.audio_seconds


def _barge_in(config: CabinConfig, stages: Stages, directory: Path, limit: int | None,
              bar: tqdm[Any]) -> list[float]:
    manifest = directory / "manifest.jsonl"
    stops: list[float] = []
    for line in manifest.read_text().splitlines()[:limit]:
        row = json.loads(line)
        rows, _ = asyncio.run(_replay_rows(config, directory / row["path"], stages))
        cut = [r for r in rows if r["type"] == "interrupted" and r["turn"] == 1]
        if cut:
            stops.append(float(cut[0]["t_ms"]) - float(row["onset_s"]) * 1000.0)  # type: ignore[arg-type]
        bar.update()
    return stops


def run_bench(args: argparse.Namespace) -> dict[str, Any]:
    """Replay the corpus and compute the report."""
    config = load_config(args.config)
    commands = Path(args.commands)
    rows_manifest = [json.loads(x) for x in (commands / "manifest.jsonl").read_text()
                     .splitlines()]
    wanted = [r for r in rows_manifest if str(r["path"]).startswith(f"snr{args.snr}/")]
    wanted = wanted[: args.limit]
    barge_dir = Path(args.barge_in)
    n_barge = min(args.limit or 99, len((barge_dir / "manifest.jsonl").read_text().splitlines()))
    stages = load_stages(config)  # once: the bench measures turns, not model loading
    started, usage0 = time.perf_counter(), resource.getrusage(resource.RUSAGE_SELF)
    audio_s = 0.0
    turns = []
    with tqdm(total=len(wanted) + n_barge, unit="file", desc="bench") as bar:
        for row in wanted:
            rows, seconds = asyncio.run(_replay_rows(config, commands / row["path"], stages))
            audio_s += seconds
            turns.extend(turn_metrics(rows))
            bar.update()
        stops = _barge_in(config, stages, barge_dir, n_barge, bar)
    usage1 = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = (usage1.ru_utime - usage0.ru_utime) + (usage1.ru_stime - usage0.ru_stime)
    metrics = {k: asdict(s) for k, v in collect(turns).items() if (s := summarize(v))}
    if (stop := summarize(stops)) is not None:
        metrics["barge_in_stop_ms"] = asdict(stop)
    return {
        "corpus": {"commands": len(wanted), "snr_db": args.snr, "barge_in_files": n_barge,
                   "audio_seconds": round(audio_s, 1)},
        "metrics_ms": metrics,
        "cpu_seconds_per_audio_second": round(cpu_s / max(audio_s, 1e-9), 3),
        "wall_seconds": round(time.perf_counter() - started, 1),
        "peak_rss_mb": round(usage1.ru_maxrss / 1024.0, 1),
    }


def _table(report: dict[str, Any], old: dict[str, Any] | None) -> list[str]:
    lines = [f"{'metric':22} {'n':>4} {'p50 ms':>9} {'p95 ms':>9}" + ("  p50 new/old" if old
                                                                     else "")]
    for name, s in report["metrics_ms"].items():
        ratio = ""
        if old and name in old.get("metrics_ms", {}) and old["metrics_ms"][name]["p50"]:
            ratio = f"  {s['p50'] / old['metrics_ms'][name]['p50']:.2f}"
        lines.append(f"{name:22} {s['n']:4d} {s['p50']:9.1f} {s['p95']:9.1f}{ratio}")
    lines.append(f"CPU s per audio s: {report['cpu_seconds_per_audio_second']}, "
                 f"peak RSS {report['peak_rss_mb']} MB, wall {report['wall_seconds']} s")
    return lines


def cmd_bench(args: argparse.Namespace) -> int:
    """Entry point of `cabin bench`."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    report = run_bench(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    old = json.loads(args.compare.read_text()) if args.compare else None
    for line in _table(report, old):
        print(line)
    print(f"report: {args.out}")
    return 0


def add_bench_parser(subparsers: Any) -> None:  # argparse's private _SubParsersAction
    """Add `cabin bench` to the CLI."""
    p = subparsers.add_parser("bench", help="latency, CPU and memory over a replayed corpus")
    p.add_argument("--config", type=Path)
    p.add_argument("--commands", type=Path, default=REPO / "build" / "commands",
                   help="built command set (make commands)")
    p.add_argument("--snr", default="20", help="which SNR of the command set: 20, 10, 5")
    p.add_argument("--barge-in", type=Path, default=REPO / "build" / "barge_in",
                   help="built double-talk set (tools/build_barge_in_set.py)")
    p.add_argument("--limit", type=int, default=None, help="files per set (quick runs)")
    p.add_argument("--out", type=Path, default=REPO / "build" / "bench.json")
    p.add_argument("--compare", type=Path, help="an earlier report: print new/old ratios")
    p.set_defaults(func=cmd_bench)
