"""`cabin bench`: latency, real-time factors, CPU and memory over a replayed corpus.

The corpus: the built command set (tools/build_command_set.py) at one SNR and the double-talk
barge-in set (tools/build_barge_in_set.py), both real recordings (wake words, GRID speech, car
noise) with Piper commands. Every command file is replayed twice, file by file: by the normal
(streaming) pipeline and by the sequential baseline (`corpus.sequential_config`); per-turn metrics
come from the event logs (daemon/reports/metrics.py). Then: barge-in stop times against the
ground-truth
onsets, listening CPU on car noise without a wake word, each stage timed alone (stagetime.py),
and memory by model (memory.py). Writes JSON and PNGs; `--compare old.json` prints new/old
ratios. Speed is measured here, never in unit tests; docs/benchmarks.md has the method.
"""

from __future__ import annotations

import argparse
import json
import logging
from pathlib import Path
from typing import Any

from daemon.bench.paths import NOISE, REPO

__all__ = ["add_bench_parser", "cmd_bench"]


def _earlier_report(path: Path) -> dict[str, Any]:
    """The report `--compare` names, read before the (minutes long) run: a clear error when it
    is missing or not a bench report."""
    from daemon.errors import CabinError

    fix = "give the JSON an earlier `cabin bench --out` wrote"
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CabinError(f"no earlier bench report at {path}", fix=fix,
                         code="compare_missing") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CabinError(f"cannot read the earlier bench report {path}: {exc}", fix=fix,
                         code="compare_unreadable") from None
    if not isinstance(old, dict) or "metrics_ms" not in old:
        raise CabinError(f"{path} is not a bench report (no metrics_ms)", fix=fix,
                         code="compare_unreadable")
    return old


def cmd_bench(args: argparse.Namespace) -> int:
    """Entry point of `cabin bench`."""
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    from daemon.bench.report import table
    from daemon.bench.run import run_bench

    old = _earlier_report(args.compare) if args.compare else None
    report = run_bench(args)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    for line in table(report, old):
        print(line)
    print(f"report: {args.out}")
    if not args.no_plots:
        from daemon.bench.plots import write_plots

        for path in write_plots(report, args.out):
            print(f"plot:   {path}")
    return 0


def add_bench_parser(subparsers: Any) -> None:  # argparse's private _SubParsersAction
    """Add `cabin bench` to the CLI."""
    p = subparsers.add_parser("bench", help="latency, CPU and memory over a replayed corpus")
    p.add_argument("--config", type=Path)
    p.add_argument("--commands", type=Path, default=REPO / "build" / "commands",
                   help="built command set (make commands)")
    p.add_argument("--snr", default="20", help="which SNR of the command set: 20, 10, 5, clean")
    p.add_argument("--barge-in", type=Path, default=REPO / "build" / "barge_in",
                   help="built double-talk set (tools/build_barge_in_set.py)")
    p.add_argument("--noise", type=Path, default=NOISE,
                   help="car noise replayed with no wake word for the idle CPU")
    p.add_argument("--quick", action="store_true",
                   help="10 commands, 6 barge-in files, 15 s of idle noise (default: all, 60 s)")
    p.add_argument("--limit", type=int, default=None, help="files per set (overrides --quick)")
    p.add_argument("--no-sequential", action="store_true", help="skip the sequential baseline")
    p.add_argument("--no-llm", action="store_true",
                   help="do not load the language model (its memory share is not measured)")
    p.add_argument("--no-plots", action="store_true", help="JSON and table only")
    p.add_argument("--out", type=Path, default=REPO / "build" / "bench.json",
                   help="the JSON report; the PNGs go next to it")
    p.add_argument("--compare", type=Path, help="an earlier report: print new/old ratios")
    p.set_defaults(func=cmd_bench)
